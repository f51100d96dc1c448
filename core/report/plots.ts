/**
 * The report's plots, as chart specifications (svg-chart.ts): for each (base model, task), accuracy
 * against iteration and each scalar diversity metric against iteration, one line per method.
 * A point combines the seeds that reached that iteration (aggregate.ts): accuracy with its error
 * bar as in the tables; a diversity metric as its mean over the seeds that measured it, with the
 * SE across seeds as error bar when at least two did (one run has no SE for a diversity metric).
 */
import { acrossSeeds, combineAccuracy, iterationsOf, recordsAt, type MethodRuns } from './aggregate';
import { SCALAR_DIVERSITY_METRICS, type ScalarMetric } from './diversity-metrics';
import type { ChartPoint, ChartSeries, LineChart } from './svg-chart';
import { orderGroups } from './tables';

export interface PlotSpec {
  /** Path without extension, relative to the report folder, e.g. "plots/arithmetic--sim-base--accuracy". */
  path: string;
  baseModel: string;
  task: string;
  chart: LineChart;
}

/** Lower-case letters, digits and single dashes. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'x'
  );
}

function accuracyPoints(group: MethodRuns): ChartPoint[] {
  return iterationsOf(group).map((l) => {
    const { mean, standardError } = combineAccuracy(recordsAt(group, l));
    return { x: l, y: 100 * mean, error: 100 * standardError };
  });
}

function metricPoints(group: MethodRuns, metric: ScalarMetric): ChartPoint[] {
  return iterationsOf(group).flatMap((l) => {
    const values = recordsAt(group, l).flatMap((r) => {
      const value = r.diversity ? metric.value(r.diversity) : null;
      return value === null ? [] : [value];
    });
    if (values.length === 0) return [];
    const { mean, standardError } = acrossSeeds(values);
    return [{ x: l, y: mean, error: standardError }];
  });
}

function chartOf(title: string, yLabel: string, groups: readonly MethodRuns[], points: (g: MethodRuns) => ChartPoint[]): LineChart | null {
  const series: ChartSeries[] = groups.map((g) => ({ name: g.method, points: points(g) })).filter((s) => s.points.length > 0);
  return series.length === 0 ? null : { title, xLabel: 'Finetuning iteration (0 = base)', yLabel, series };
}

/** A function that returns each path it is given, with `-2`, `-3`, ... added when it was given before. */
export function uniquePaths(): (path: string) => string {
  const used = new Set<string>();
  return (path) => {
    let candidate = path;
    for (let i = 2; used.has(candidate); i++) candidate = `${path}-${i}`;
    used.add(candidate);
    return candidate;
  };
}

/** Every plot of the report, in report order, with unique file paths. */
export function reportPlots(groups: readonly MethodRuns[]): PlotSpec[] {
  const byPanel = new Map<string, MethodRuns[]>();
  for (const g of orderGroups(groups)) {
    const panel = JSON.stringify([g.baseModel, g.task]);
    byPanel.set(panel, [...(byPanel.get(panel) ?? []), g]);
  }
  const unique = uniquePaths();
  const plots: PlotSpec[] = [];
  for (const panelGroups of byPanel.values()) {
    const { baseModel, task } = panelGroups[0];
    const prefix = `plots/${slug(task)}--${slug(baseModel)}`;
    const charts: [string, LineChart | null][] = [
      ['accuracy', chartOf(`Accuracy on ${task} (${baseModel})`, 'Accuracy % (± SE)', panelGroups, accuracyPoints)],
      ...SCALAR_DIVERSITY_METRICS.map((m): [string, LineChart | null] => [
        m.id,
        chartOf(`${m.label} on ${task} (${baseModel})`, m.label, panelGroups, (g) => metricPoints(g, m)),
      ]),
    ];
    for (const [name, chart] of charts) {
      if (chart) plots.push({ path: unique(`${prefix}--${name}`), baseModel, task, chart });
    }
  }
  return plots;
}
