/**
 * The simulated models' skills: Appendix G's model of specialization (docs/simulator.md).
 * A model holds, per role (generation, critic), a share of a fixed capacity per topic; the shares
 * sum to 1 and start at 1/3. The share maps to a probability of a correct answer; training on the
 * examples of a role grows each topic's share by that topic's share of the correct examples, then
 * renormalizes: S_i <- S_i (1 + g_i) / sum_j S_j (1 + g_j).
 */
import { parseArithmeticAnswer } from '../core/tasks/arithmetic';
import { createRng, seedFrom } from '../core/random';
import { findQuestion, type ChatMessage } from './agents';
import { TOPICS, type Topic } from './topics';

export const ROLES = ['generation', 'critic'] as const;
export type Role = (typeof ROLES)[number];

/** A share of capacity per topic, summing to 1. */
export type SkillShares = Record<Topic, number>;
export type RoleSkills = Record<Role, SkillShares>;

/** What a role's training examples held: how many (with an arithmetic question), and how many were truly correct per topic. */
export interface RoleData {
  examples: number;
  correct: Partial<Record<Topic, number>>;
}
export type TrainingData = Record<Role, RoleData>;

function normalized(values: Record<Topic, number>): SkillShares {
  const total = TOPICS.reduce((sum, t) => sum + values[t], 0);
  return Object.fromEntries(TOPICS.map((t) => [t, values[t] / total])) as SkillShares;
}

/**
 * A base model's shares for one role: 1/3 each, times 1 + spread * u with u uniform in [-1, 1] drawn
 * from (seed, model, role), renormalized. spread 0 (the default) is Appendix G's uniform start.
 */
export function baseShares(seed: number, model: string, role: Role, spread: number): SkillShares {
  const rng = createRng(seedFrom(seed, 'skill', model, role));
  return normalized(Object.fromEntries(TOPICS.map((t) => [t, 1 + spread * (2 * rng() - 1)])) as SkillShares);
}

/**
 * The probability that a model answers a question of `topic` correctly in a role (generation: a
 * correct solution; critic: re-deriving the correct answer): min(1, p_t * T * S_t), with p_t the
 * base accuracy of the topic (the simulator's baseSkill) and T the number of topics. At the uniform
 * start (S_t = 1/T) it is p_t; it grows in proportion to the topic's share of capacity.
 */
export function correctProbability(shares: SkillShares, baseAccuracy: Record<Topic, number>, topic: Topic): number {
  return Math.min(1, baseAccuracy[topic] * TOPICS.length * shares[topic]);
}

/** S_i <- S_i (1 + g_i), renormalized to sum 1; topics without a growth g keep g = 0. */
export function specialize(shares: SkillShares, growth: Partial<Record<Topic, number>>): SkillShares {
  return normalized(Object.fromEntries(TOPICS.map((t) => [t, shares[t] * (1 + (growth[t] ?? 0))])) as SkillShares);
}

/** Appendix G's update as the paper writes it: g_i = S_i / (S_A + S_B + S_C). */
export function appendixG(shares: SkillShares): SkillShares {
  return specialize(shares, normalized(shares));
}

/**
 * Whether one training conversation's final assistant answer is truly correct, its topic, and its
 * role: a critic example has an earlier assistant turn (D^C: the whole debate), a generation example
 * has one (D^G: the question and the first answer).
 */
export function scoreExample(messages: ChatMessage[]): { role: Role; topic: Topic; correct: boolean } | undefined {
  const question = findQuestion(messages);
  const answers = messages.filter((m) => m.role === 'assistant');
  if (!question || answers.length === 0) return undefined;
  const correct = parseArithmeticAnswer(answers[answers.length - 1].content) === question.truth;
  return { role: answers.length > 1 ? 'critic' : 'generation', topic: question.topic, correct };
}

/** Examples and correct examples per topic of a training set, per role (examples without an arithmetic question are skipped). */
export function trainingData(examples: ChatMessage[][]): TrainingData {
  const data: TrainingData = { generation: { examples: 0, correct: {} }, critic: { examples: 0, correct: {} } };
  for (const messages of examples) {
    const score = scoreExample(messages);
    if (!score) continue;
    const entry = data[score.role];
    entry.examples += 1;
    if (score.correct) entry.correct[score.topic] = (entry.correct[score.topic] ?? 0) + 1;
  }
  return data;
}

/**
 * One fine-tuning job: each role with examples specializes by g_i = (correct examples of topic i) /
 * (all its examples), the share of topic i in what it was right on. A wrong example (kept because it
 * matched a wrong majority) counts in the denominator and grows no topic. A role without examples
 * keeps its shares.
 */
export function skillsAfterTraining(parent: RoleSkills, data: TrainingData): RoleSkills {
  const next = { ...parent };
  for (const role of ROLES) {
    const { examples, correct } = data[role];
    if (examples === 0) continue;
    next[role] = specialize(parent[role], Object.fromEntries(TOPICS.map((t) => [t, (correct[t] ?? 0) / examples])));
  }
  return next;
}

/** The fraction of a training set's examples (with an arithmetic question) that are truly correct; 0.5 with none. */
export function dataAccuracy(data: TrainingData): number {
  const examples = data.generation.examples + data.critic.examples;
  if (examples === 0) return 0.5;
  const correct = ROLES.reduce((n, role) => n + TOPICS.reduce((m, t) => m + (data[role].correct[t] ?? 0), 0), 0);
  return correct / examples;
}
