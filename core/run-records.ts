/** The report's raw record of one evaluation of a run (core/report/records.ts). */
import type { RunConfig } from './config';
import type { DiversityMetrics } from './diversity/types';
import { methodLabel } from './methods';
import type { EvaluationRecord } from './report/records';
import type { Accuracy } from './stats';

export function evaluationRecord(config: RunConfig, iteration: number, accuracy: Accuracy, diversity: DiversityMetrics | null): EvaluationRecord {
  return {
    experiment: config.experiment ?? null,
    runId: config.runId,
    method: methodLabel(config),
    task: config.task.name,
    baseModel: config.baseModel,
    seed: config.seed,
    iteration,
    accuracy: accuracy.accuracy,
    standardError: accuracy.standardError,
    correct: accuracy.correct,
    total: accuracy.total,
    diversity,
  };
}
