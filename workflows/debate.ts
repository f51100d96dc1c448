/**
 * One question's multiagent debate: Algorithm 1, lines 6-16 (and Algorithm 2's debate). A child
 * workflow per question, named by its id (debate-split.ts), whose one activity runs the whole
 * debate (activities/debate.ts: the rounds of core/debate.ts, the majority vote, the transcript):
 * one Temporal task per debate instead of one per round keeps the inference engine full.
 */
import type { DebateInput } from '../core/debate';
import type { DebateOutcome } from '../core/transcript';
import { debateActivityOptions, inferenceActivities } from './activity-proxies';

export type { DebateInput, DebateSettings } from '../core/debate';

export async function debate(input: DebateInput): Promise<DebateOutcome> {
  const { settings, split, rounds, agents } = input;
  const lines = split === 'train' ? 'Algorithm 1, lines 8-14' : 'Algorithm 2';
  const summary = `${lines}: ${agents.generation.length} agents answer, debate ${rounds - 1} more round${rounds === 2 ? '' : 's'}, ŷ by majority vote`;
  return inferenceActivities(settings.queues).debateQuestion.executeWithOptions(debateActivityOptions(settings.queues, summary), [input]);
}
