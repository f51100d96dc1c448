/**
 * One question's multiagent debate: Algorithm 1, lines 6-16 (and Algorithm 2's debate). A child
 * workflow per question, named by its id (debate-split.ts), whose one activity runs the whole
 * debate (activities/debate.ts: the rounds of core/debate.ts, the majority vote, the transcript)
 * and returns its text, so the debate reads in the Temporal UI: one Temporal task per debate
 * instead of one per round keeps the inference engine full.
 */
import type { DebateInput } from '../core/debate';
import type { DebateOutcome } from '../core/transcript';
import { debateActivityOptions, queueActivities } from './activity-proxies';

export type { DebateInput, DebateSettings } from '../core/debate';

export async function debate(input: DebateInput): Promise<DebateOutcome> {
  const { settings, split, rounds, agents } = input;
  const again =
    rounds === 1 ? '' : `, ${settings.critics ? 'the critics' : 'they'} answer again for ${rounds - 1} round${rounds === 2 ? '' : 's'} (lines 9-13)`;
  const summary = `${split === 'train' ? 'Algorithm 1' : 'Algorithm 2'}: ${agents.generation.length} agents answer (line 8)${again}, ŷ by majority vote (line 14)`;
  // The activity's result, in this workflow's history, holds the debate's text; the parent gets ŷ and the answers.
  const { inference } = queueActivities(settings.queues);
  const { outcome } = await inference.debateQuestion.executeWithOptions(debateActivityOptions(settings.queues, summary), [input]);
  return outcome;
}
