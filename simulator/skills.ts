/**
 * How training changes a simulated model: each topic's skill moves toward the accuracy of the
 * training examples of that topic, further the more examples (and epochs, and learning rate) it saw.
 */
import { parseArithmeticAnswer } from '../core/tasks/arithmetic';
import { findQuestion, type ChatMessage } from './agents';
import { TOPICS, type Topic } from './topics';

export type TopicStats = Partial<Record<Topic, { examples: number; accuracy: number }>>;

/** Whether one training conversation's final assistant answer is truly correct, and its topic. */
export function scoreExample(messages: ChatMessage[]): { topic: Topic; correct: boolean } | undefined {
  const question = findQuestion(messages);
  const final = [...messages].reverse().find((m) => m.role === 'assistant');
  if (!question || !final) return undefined;
  return { topic: question.topic, correct: parseArithmeticAnswer(final.content) === question.truth };
}

/** Examples and accuracy per topic of a training set (examples without an arithmetic question are skipped). */
export function topicStats(examples: ChatMessage[][]): TopicStats {
  const counts: Partial<Record<Topic, { examples: number; correct: number }>> = {};
  for (const messages of examples) {
    const score = scoreExample(messages);
    if (!score) continue;
    const entry = (counts[score.topic] ??= { examples: 0, correct: 0 });
    entry.examples += 1;
    entry.correct += Number(score.correct);
  }
  const stats: TopicStats = {};
  for (const topic of TOPICS) {
    const entry = counts[topic];
    if (entry) stats[topic] = { examples: entry.examples, accuracy: entry.correct / entry.examples };
  }
  return stats;
}

export interface TrainingStrength {
  /** Per-example update rate at learning_rate_multiplier 1 (the simulator's trainingRate). */
  rate: number;
  epochs: number;
  learningRateMultiplier: number;
}

/**
 * skill' = skill + alpha * (q - skill), alpha = 1 - (1 - rate)^(examples * epochs * lrm), clamped to
 * [0, 1]: with q the fraction of the topic's training examples that are correct.
 */
export function skillsAfterTraining(parent: Record<Topic, number>, stats: TopicStats, strength: TrainingStrength): Record<Topic, number> {
  const next = { ...parent };
  for (const topic of TOPICS) {
    const s = stats[topic];
    if (!s || s.examples === 0) continue;
    const exposure = s.examples * strength.epochs * strength.learningRateMultiplier;
    const alpha = 1 - Math.pow(1 - Math.min(1, strength.rate), exposure);
    next[topic] = Math.min(1, Math.max(0, parent[topic] + alpha * (s.accuracy - parent[topic])));
  }
  return next;
}
