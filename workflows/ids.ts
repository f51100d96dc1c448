/** Workflow ids: a run and each of its question debates can be found by name. */
import type { Split } from '../core/artifact-paths';

export const workflowIds = {
  run: (runId: string) => `maft-${runId}`,
  experiment: (experimentId: string) => `maft-experiment-${experimentId}`,
  /** A question's debate is found by its question id, e.g. maft-r1-l2-test-gsm8k-17. */
  debate: (runId: string, iteration: number, split: Split, questionId: string) => `maft-${runId}-l${iteration}-${split}-${questionId}`,
};
