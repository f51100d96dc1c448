/**
 * Groups evaluation records into the report's cells and combines seeds.
 *
 * A cell is one (base model, task, method) at one iteration. Its runs differ only in seed (the
 * experiment's shared splits are the same for every run). With one seed the cell is that run's
 * accuracy and binomial standard error over test questions (core/stats.ts); with k >= 2 seeds it is
 * the mean accuracy over seeds and the standard error across seeds, s / sqrt(k) with the sample
 * standard deviation s (k - 1 in the denominator).
 */
import type { EvaluationRecord } from './records';

/** The runs of one (base model, task, method), each run's records sorted by iteration. */
export interface MethodRuns {
  baseModel: string;
  task: string;
  method: string;
  runs: EvaluationRecord[][];
}

export interface Estimate {
  mean: number;
  /** null when it cannot be estimated (one seed of a metric with no per-run standard error). */
  standardError: number | null;
  seeds: number;
}

export interface AccuracyEstimate extends Estimate {
  standardError: number;
}

function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('no values to average');
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** s / sqrt(k), s the sample standard deviation of k >= 2 values. */
function standardErrorOfMean(values: readonly number[]): number {
  const m = mean(values);
  const variance = values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

/** Mean and standard error across seeds; the standard error is null for a single seed. */
export function acrossSeeds(values: readonly number[]): Estimate {
  return { mean: mean(values), standardError: values.length === 1 ? null : standardErrorOfMean(values), seeds: values.length };
}

/** A cell's accuracy: one seed keeps its binomial SE; several seeds give mean ± SE across seeds. */
export function combineAccuracy(records: readonly EvaluationRecord[]): AccuracyEstimate {
  const accuracies = records.map((r) => r.accuracy);
  const standardError = records.length === 1 ? records[0].standardError : standardErrorOfMean(accuracies);
  return { mean: mean(accuracies), standardError, seeds: records.length };
}

const key = (...parts: (string | number)[]) => JSON.stringify(parts);

/**
 * Groups records by (base model, task, method) and run. Throws, naming the runs, when a run appears
 * twice at one iteration, when a run's method, task, base model, seed or experiment changes between
 * its records, or when two runs of one group share a seed (their cell would count a seed twice).
 */
export function groupRuns(records: readonly EvaluationRecord[]): MethodRuns[] {
  const byRun = new Map<string, EvaluationRecord[]>();
  for (const record of records) {
    const run = byRun.get(record.runId) ?? [];
    const first = run[0];
    if (first) {
      for (const field of ['method', 'task', 'baseModel', 'seed', 'experiment'] as const) {
        if (first[field] !== record[field])
          throw new Error(
            `run ${record.runId}: ${field} is ${JSON.stringify(first[field])} at iteration ${first.iteration} but ${JSON.stringify(record[field])} at iteration ${record.iteration}`,
          );
      }
      if (run.some((r) => r.iteration === record.iteration)) throw new Error(`run ${record.runId}: two records for iteration ${record.iteration}`);
    }
    run.push(record);
    byRun.set(record.runId, run);
  }
  const groups = new Map<string, MethodRuns>();
  const seedOwner = new Map<string, string>();
  for (const [runId, run] of byRun) {
    run.sort((a, b) => a.iteration - b.iteration);
    const { baseModel, task, method, seed } = run[0];
    const seedKey = key(baseModel, task, method, seed);
    const other = seedOwner.get(seedKey);
    if (other !== undefined) throw new Error(`runs ${other} and ${runId} are both ${method} on ${task} with ${baseModel} and seed ${seed}`);
    seedOwner.set(seedKey, runId);
    const groupKey = key(baseModel, task, method);
    const group = groups.get(groupKey) ?? { baseModel, task, method, runs: [] };
    group.runs.push(run);
    groups.set(groupKey, group);
  }
  for (const group of groups.values()) group.runs.sort((a, b) => a[0].seed - b[0].seed);
  return [...groups.values()];
}

/** The records of a group's runs at one iteration (runs that did not reach it are left out). */
export function recordsAt(group: MethodRuns, iteration: number): EvaluationRecord[] {
  return group.runs.flatMap((run) => run.filter((r) => r.iteration === iteration));
}

/** The iteration a table cell reports: the last iteration that every seed of the cell reached. */
export function finalIteration(group: MethodRuns): number {
  return Math.min(...group.runs.map((run) => run[run.length - 1].iteration));
}

/** Every iteration any run of the group reached, ascending. */
export function iterationsOf(group: MethodRuns): number[] {
  return [...new Set(group.runs.flatMap((run) => run.map((r) => r.iteration)))].sort((a, b) => a - b);
}
