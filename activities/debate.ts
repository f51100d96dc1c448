/**
 * One question's whole debate in one activity: load x, run the M rounds (core/debate.ts, Algorithm
 * 1 lines 8-13), STaR's rationalization where the method has it, then ŷ by majority vote and the
 * transcript stored (line 14). One Temporal activity per question instead of one per round plus two
 * local activities: Temporal's per-task cost is paid once for all the debate's model calls (N, then
 * 2N a round with summaries), which is what keeps the inference engine full (docs/benchmarks.md).
 * Each finished round is checkpointed in the heartbeat, so an attempt retried after a killed worker
 * resumes after the last checkpointed round instead of asking those calls again; a debate an earlier
 * attempt of the run already recorded is not redone.
 */
import { debateRequestId, debateRounds, debateSeed, openingState, type Ask, type DebateInput, type DebateState } from '../core/debate';
import type { Rationalization } from '../core/star';
import type { DebateOutcome } from '../core/transcript';
import { createDebateRecordActivities } from './debate-records';
import { checkpointing } from './heartbeat';
import type { RunArtifacts } from './run-artifacts';
import { createRationalizer } from './star';

export function createDebateActivity(ask: Ask, artifacts: RunArtifacts) {
  const { loadQuestion, recordDebate } = createDebateRecordActivities(artifacts);
  const rationalize = createRationalizer(async (call) => (await ask(call)).content, artifacts);

  return {
    /** Algorithm 1, lines 6-14 (or Algorithm 2's debate) for one question; returns ŷ and the answers, no text. */
    async debateQuestion(input: DebateInput): Promise<DebateOutcome> {
      const { settings, iteration, split, index, agents } = input;
      const x = await loadQuestion({ runId: settings.runId, iteration, split, index });
      if (x.recorded) return x.recorded;
      return checkpointing<DebateState, DebateOutcome>(async (resumed, checkpoint) => {
        const { conversations, summaries, truncated } = await debateRounds(ask, input, x.critic, resumed ?? openingState(input, x.prompt), checkpoint);

        let rationalization: Rationalization | null = null;
        if (settings.star && split === 'train') {
          rationalization = await rationalize({
            runId: settings.runId,
            task: settings.task,
            split,
            index,
            model: agents.generation[0],
            answer: conversations[0][1].content,
            sampling: { ...settings.sampling, temperature: settings.temperatures[0] },
            seed: debateSeed(input, 'rationalize'),
            requestId: debateRequestId(input, 'rationalize'),
          });
        }

        // Line 14: ŷ = Majority(y_{M,1..N}); the transcript goes to the artifact store.
        return recordDebate({ runId: settings.runId, iteration, split, questionId: x.id, task: settings.task, seed: settings.seed, agents, conversations, summaries, truncated, rationalization });
      });
    },
  };
}
