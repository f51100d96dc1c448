/**
 * An experiment: every run of a grid (method variants x tasks x seeds) as a child run on shared
 * splits, then one report over all of them. Resumable like any run: started again under the same id,
 * it skips the runs that finished, and unfinished runs reuse their stored debates and training jobs.
 */
import { ApplicationFailure, defineQuery, executeChild, setHandler } from '@temporalio/workflow';
import { artifactPaths } from '../core/artifact-paths';
import { mapBounded } from '../core/bounded';
import { ConfigError } from '../core/config';
import { experimentCells, parseExperimentConfig, type ExperimentCell, type ExperimentConfigInput } from '../core/experiment';
import type { WrittenReport } from '../activities/contracts';
import { queueActivities } from './activity-proxies';
import { workflowIds } from './ids';
import { multiagentFinetuning } from './multiagent-finetuning';
import { markRun } from './search-attributes';

export interface ExperimentInput {
  config: ExperimentConfigInput;
}

export type RunStatus = 'pending' | 'running' | 'finished' | 'failed';

export interface ExperimentProgress {
  experimentId: string;
  runs: Array<{ runId: string; status: RunStatus; error?: string }>;
  report: WrittenReport | null;
}

export interface ExperimentResult {
  experimentId: string;
  runIds: string[];
  report: WrittenReport;
}

export const experimentProgressQuery = defineQuery<ExperimentProgress>('progress');

function validCells(input: ExperimentInput): { experimentId: string; maxConcurrentRuns: number; cells: ExperimentCell[] } {
  try {
    const config = parseExperimentConfig(input.config, 'in workflow input');
    return { experimentId: config.experimentId, maxConcurrentRuns: config.maxConcurrentRuns, cells: experimentCells(config) };
  } catch (error) {
    if (error instanceof ConfigError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidConfig');
    throw error;
  }
}

export async function experiment(input: ExperimentInput): Promise<ExperimentResult> {
  const { experimentId, maxConcurrentRuns, cells } = validCells(input);
  const { queues } = cells[0].config;
  const { light } = queueActivities(queues);
  const progress: ExperimentProgress = {
    experimentId,
    runs: cells.map((c) => ({ runId: c.runId, status: 'pending' })),
    report: null,
  };
  setHandler(experimentProgressQuery, () => progress);
  markRun(cells[0].config.searchAttributes, { experiment: experimentId }, `${cells.length} runs`);

  await mapBounded(cells, maxConcurrentRuns, async (cell, i) => {
    const run = progress.runs[i];
    if (await light.finishedRun({ runId: cell.runId })) {
      run.status = 'finished';
      return;
    }
    run.status = 'running';
    try {
      await executeChild(multiagentFinetuning, { workflowId: workflowIds.run(cell.runId), args: [{ config: cell.config }] });
      run.status = 'finished';
    } catch (error) {
      // One failed run does not stop the others; the experiment reports what finished, then fails.
      run.status = 'failed';
      run.error = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
  });

  const runIds = cells.map((c) => c.runId);
  progress.report = await light.reportRuns({
    title: `Experiment ${experimentId}`,
    runIds,
    outDir: artifactPaths.experimentReport(experimentId),
  });
  const failed = progress.runs.filter((r) => r.status === 'failed');
  if (failed.length) {
    throw ApplicationFailure.nonRetryable(
      `${failed.length} of ${cells.length} runs failed (start the experiment again to resume them):\n  ` +
        failed.map((r) => `${r.runId}: ${r.error}`).join('\n  '),
      'RunsFailed',
    );
  }
  return { experimentId, runIds, report: progress.report };
}
