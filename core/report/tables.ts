/**
 * The report's markdown tables, computed from grouped records alone (aggregate.ts):
 * Table 1 / Table 2 in the paper's shape (rows: methods; columns: tasks; one block of rows per base
 * model), accuracy per iteration, and each run's diversity per iteration.
 */
import { formatAccuracy } from '../stats';
import { combineAccuracy, finalIteration, iterationsOf, recordsAt, type MethodRuns } from './aggregate';
import { SCALAR_DIVERSITY_METRICS } from './diversity-metrics';
import { markdownTable, MISSING } from './markdown';
import { taskNames } from '../tasks/registry';
import { orderLabels, orderMethods } from './methods';
import type { EvaluationRecord } from './records';

const sortStrings = (values: Iterable<string>) => [...new Set(values)].sort();

/** Tasks in the registry's order (core/tasks/registry.ts), others after them by name. */
export const orderTasks = (tasks: Iterable<string>) => orderLabels(tasks, taskNames);
export const orderBaseModels = sortStrings;

/** Groups in report order: base model, then task (paper's order), then method (paper's order). */
export function orderGroups(groups: readonly MethodRuns[]): MethodRuns[] {
  const models = orderBaseModels(groups.map((g) => g.baseModel));
  const tasks = orderTasks(groups.map((g) => g.task));
  const methods = orderMethods(groups.map((g) => g.method));
  const rank = (g: MethodRuns) => [models.indexOf(g.baseModel), tasks.indexOf(g.task), methods.indexOf(g.method)];
  return [...groups].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  });
}

function findGroup(groups: readonly MethodRuns[], baseModel: string, task: string, method: string): MethodRuns | undefined {
  return groups.find((g) => g.baseModel === baseModel && g.task === task && g.method === method);
}

function accuracyCell(group: MethodRuns | undefined, iteration: number | 'final'): string {
  if (!group) return MISSING;
  const records = recordsAt(group, iteration === 'final' ? finalIteration(group) : iteration);
  if (records.length === 0) return MISSING;
  const { mean, standardError } = combineAccuracy(records);
  return formatAccuracy({ accuracy: mean, standardError });
}

/**
 * A Table-1-shaped table: for each base model a block of rows, one per method in `methods` (already
 * in order); one column per task present. A cell is the method's accuracy at its final iteration
 * (the last one every seed reached), "—" where no run exists. The base model is named on its
 * block's first row, as in the paper.
 */
export function methodsByTaskTable(groups: readonly MethodRuns[], methods: readonly string[]): string {
  const inTable = groups.filter((g) => methods.includes(g.method));
  const tasks = orderTasks(inTable.map((g) => g.task));
  const rows = orderBaseModels(inTable.map((g) => g.baseModel)).flatMap((baseModel) =>
    methods.map((method, i) => [i === 0 ? baseModel : '', method, ...tasks.map((task) => accuracyCell(findGroup(inTable, baseModel, task, method), 'final'))]),
  );
  return markdownTable(['Base model', 'Method', ...tasks], rows, [false, false, ...tasks.map(() => true)]);
}

function seedsCell(group: MethodRuns): string {
  const finals = group.runs.map((run) => run[run.length - 1].iteration);
  const k = String(group.runs.length);
  return new Set(finals).size === 1 ? k : `${k} (final iterations ${finals.join(', ')})`;
}

/** Accuracy at every iteration: one row per (base model, task, method), one column per iteration. */
export function accuracyPerIterationTable(groups: readonly MethodRuns[]): string {
  const ordered = orderGroups(groups);
  const last = Math.max(...ordered.flatMap(iterationsOf));
  const iterations = Array.from({ length: last + 1 }, (_, l) => l);
  const rows = ordered.map((g) => [g.baseModel, g.task, g.method, seedsCell(g), ...iterations.map((l) => accuracyCell(g, l))]);
  return markdownTable(['Base model', 'Task', 'Method', 'Seeds', ...iterations.map(String)], rows, [false, false, false, true, ...iterations.map(() => true)]);
}

const formatMetric = (value: number | null) => (value === null ? MISSING : value.toFixed(3));

/** One row per run per iteration: the run's accuracy and every scalar diversity metric. */
export function diversityPerRunTable(groups: readonly MethodRuns[]): string {
  const records = orderGroups(groups).flatMap((g) => g.runs.flat());
  const rows = records.map((r) => [
    r.runId,
    r.method,
    r.task,
    r.baseModel,
    String(r.seed),
    String(r.iteration),
    formatAccuracy(r),
    ...SCALAR_DIVERSITY_METRICS.map((m) => formatMetric(r.diversity ? m.value(r.diversity) : null)),
  ]);
  const header = ['Run', 'Method', 'Task', 'Base model', 'Seed', 'Iteration', 'Accuracy %', ...SCALAR_DIVERSITY_METRICS.map((m) => m.label)];
  return markdownTable(
    header,
    rows,
    header.map((_, i) => i >= 4),
  );
}

/** Why metrics are missing: each distinct (metric, reason) once, with the runs it applies to. */
export function unavailableMetricsList(records: readonly EvaluationRecord[]): string[] {
  const allRuns = new Set(records.map((r) => r.runId));
  const runsByReason = new Map<string, Set<string>>();
  for (const r of records) {
    const reasons = r.diversity ? Object.entries(r.diversity.unavailable) : [['all diversity metrics', 'no diversity measured'] as const];
    for (const [metric, reason] of reasons) {
      const line = `\`${metric}\`: ${reason}`;
      runsByReason.set(line, (runsByReason.get(line) ?? new Set()).add(r.runId));
    }
  }
  return [...runsByReason].map(([line, runs]) => `- ${line} (${runs.size === allRuns.size ? 'all runs' : [...runs].sort().join(', ')})`);
}
