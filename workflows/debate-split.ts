/**
 * Algorithm 1, lines 6-16 over a whole split: one child debate per question, at most `fanOut` at
 * once (bounded fan-out keeps the inference engine's queue full without flooding it). Each child is
 * named by its question id, so a run's debate of any question can be found in the UI.
 */
import { executeChild } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import type { Split } from '../core/artifact-paths';
import { mapBounded } from '../core/bounded';
import { debate, type DebateSettings } from './debate';
import { workflowIds } from './ids';

export interface SplitDebates {
  settings: DebateSettings;
  iteration: number;
  split: Split;
  questionIds: string[];
  rounds: number;
  agents: AgentTable;
  fanOut: number;
  /** Called as each debate finishes (progress counters). */
  onDebated: () => void;
}

export async function debateSplit({ settings, iteration, split, questionIds, rounds, agents, fanOut, onDebated }: SplitDebates): Promise<void> {
  await mapBounded(questionIds, fanOut, async (questionId, index) => {
    await executeChild(debate, {
      workflowId: workflowIds.debate(settings.runId, iteration, split, questionId),
      staticSummary: `${split === 'train' ? 'Algorithm 1' : 'Algorithm 2'}, iteration ${iteration}: ${rounds}-round debate of ${split} question ${questionId}`,
      args: [{ settings, iteration, split, index, rounds, agents }],
    });
    onDebated();
  });
}
