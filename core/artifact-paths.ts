/** Deterministic artifact paths, relative to the artifact store's root, by run / iteration / agent. */
import type { Role } from './agents';

export type Split = 'train' | 'test';

export const artifactPaths = {
  split: (runId: string, split: Split) => `runs/${runId}/task/${split}.jsonl`,
  /** The task's record beside its splits: config, checker, source files, filters, counts. */
  task: (runId: string) => `runs/${runId}/task/task.json`,
  debate: (runId: string, iteration: number, split: Split, questionId: string) => `runs/${runId}/iteration-${iteration}/debates/${split}/${questionId}.json`,
  debates: (runId: string, iteration: number, split: Split) => `runs/${runId}/iteration-${iteration}/debates/${split}`,
  dataset: (runId: string, iteration: number, role: Role, n: number) => `runs/${runId}/iteration-${iteration}/datasets/${role}-${n + 1}.jsonl`,
  /** The one dataset of a method that finetunes a single model for every agent. */
  sharedDataset: (runId: string, iteration: number) => `runs/${runId}/iteration-${iteration}/datasets/shared.jsonl`,
  datasetSummary: (runId: string, iteration: number) => `runs/${runId}/iteration-${iteration}/datasets/summary.json`,
  evaluation: (runId: string, iteration: number) => `runs/${runId}/iteration-${iteration}/evaluation.jsonl`,
  /** The evaluation debates' behaviour profile (core/behaviour/), written with the scores. */
  behaviour: (runId: string, iteration: number) => `runs/${runId}/iteration-${iteration}/behaviour.json`,
  /** The report's raw record of one evaluation (core/report/records.ts). */
  evaluationRecord: (runId: string, iteration: number) => `runs/${runId}/records/iteration-${iteration}.json`,
  evaluationRecords: (runId: string) => `runs/${runId}/records`,
  /** Written when a run finishes: what `RunResult` holds. */
  runResult: (runId: string) => `runs/${runId}/result.json`,
  runReport: (runId: string) => `runs/${runId}/report`,
  experimentReport: (experimentId: string) => `experiments/${experimentId}/report`,
};
