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
import { artifactPaths } from '../core/artifact-paths';
import { debateRequestId, debateRounds, debateSeed, openingState, type Ask, type DebateInput, type DebateState } from '../core/debate';
import type { Conversation, DebateOutcome, DebateTranscript, Rationalization } from '../core/transcript';
import { createQuestionRecords } from './debate-records';
import { checkpointing } from './heartbeat';
import type { RunArtifacts } from './run-artifacts';
import { createRationalizer } from './star';

/** The debate's text, so that the debate reads in the Temporal UI (its child's history), and ŷ with the answers for the parent. */
export interface DebateResult {
  outcome: DebateOutcome;
  conversations: Conversation[];
  summaries: string[][];
}

export function createDebateActivity(ask: Ask, artifacts: RunArtifacts) {
  const { loadQuestion, recordDebate } = createQuestionRecords(artifacts);
  const rationalize = createRationalizer(ask, artifacts);

  return {
    /** Algorithm 1, lines 6-14 (or Algorithm 2's debate) for one question. */
    async debateQuestion(input: DebateInput): Promise<DebateResult> {
      const { settings, iteration, split, index, agents } = input;
      const x = await loadQuestion({ runId: settings.runId, iteration, split, index });
      if (x.recorded) {
        const { conversations, summaries } = await artifacts.store.readJson<DebateTranscript>(artifactPaths.debate(settings.runId, iteration, split, x.id));
        return { outcome: x.recorded, conversations, summaries };
      }
      return checkpointing<DebateState, DebateResult>(async (resumed, checkpoint) => {
        const { conversations, summaries, truncated } = await debateRounds(ask, input, x.critic, resumed ?? openingState(input, x.prompt), checkpoint);

        let rationalization: Rationalization | null = null;
        if (settings.star && split === 'train') {
          rationalization = await rationalize({
            runId: settings.runId,
            task: settings.task,
            split,
            index,
            model: agents.generation[0],
            baseModel: settings.baseModels?.[0],
            answer: conversations[0][1].content,
            truncated: truncated[0][0],
            sampling: { ...settings.sampling, temperature: settings.temperatures[0] },
            seed: debateSeed(input, 'rationalize'),
            requestId: debateRequestId(input, 'rationalize'),
          });
        }

        // Line 14: ŷ = Majority(y_{M,1..N}); the transcript goes to the artifact store.
        const outcome = await recordDebate({
          runId: settings.runId,
          iteration,
          split,
          questionId: x.id,
          task: settings.task,
          seed: settings.seed,
          agents,
          conversations,
          summaries,
          truncated,
          rationalization,
        });
        return { outcome, conversations, summaries };
      });
    },
  };
}
