/**
 * Algorithm 1, lines 6-16 over a whole split: one child debate per question, each holding one of
 * the run's debate lanes while it runs. Both splits' debates share the lanes (one bounded fan-out
 * keeps the inference engine's queue full without flooding it); the training split's go first
 * when both wait, since they are on the critical path. Each child is named by its question id, so
 * a run's debate of any question can be found in the UI.
 */
import { executeChild } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import type { Split } from '../core/artifact-paths';
import type { Semaphore } from '../core/semaphore';
import { debate, type DebateSettings } from './debate';
import { workflowIds } from './ids';

export interface SplitDebates {
  settings: DebateSettings;
  iteration: number;
  split: Split;
  questionIds: string[];
  rounds: number;
  agents: AgentTable;
  /** The run's debate lanes: at most `capacity` question debates at once, over both splits. */
  lanes: Semaphore;
  /** Called as each debate finishes (progress counters). */
  onDebated: () => void;
}

/** Lane priority of a split's debates: the training split's are on the critical path. */
const priority = (split: Split) => (split === 'train' ? 0 : 1);

export async function debateSplit({ settings, iteration, split, questionIds, rounds, agents, lanes, onDebated }: SplitDebates): Promise<void> {
  await Promise.all(
    questionIds.map((questionId, index) =>
      lanes.use(async () => {
        await executeChild(debate, {
          workflowId: workflowIds.debate(settings.runId, iteration, split, questionId),
          staticSummary: `${split === 'train' ? 'Algorithm 1' : 'Algorithm 2'}, iteration ${iteration}: ${rounds}-round debate of ${split} question ${questionId}`,
          args: [{ settings, iteration, split, index, rounds, agents }],
        });
        onDebated();
      }, priority(split)),
    ),
  );
}
