/** Workflow ids: a run and each of its question debates can be found by name. */
import type { Split } from '../core/artifact-paths';

export const workflowIds = {
  run: (runId: string) => `maft-${runId}`,
  experiment: (experimentId: string) => `maft-experiment-${experimentId}`,
  evaluation: (runId: string, iteration: number) => `maft-${runId}-l${iteration}-evaluate`,
  debate: (runId: string, iteration: number, split: Split, index: number) => `maft-${runId}-l${iteration}-${split}-q${index}`,
};
