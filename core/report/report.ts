/**
 * The experiment report, built purely from evaluation records: report.md's text and the plots'
 * SVG documents. activities/report.ts writes them, the PNGs and records.jsonl to disk.
 */
import { groupRuns, type MethodRuns } from './aggregate';
import { behaviourSection, type BuiltHeatmap } from './behaviour-section';
import { isTable1Method, isTable2Method, orderLabels, TABLE1_METHODS, TABLE2_METHODS } from './methods';
import { reportPlots, type PlotSpec } from './plots';
import type { EvaluationRecord } from './records';
import { lineChartSvg } from './svg-chart';
import { accuracyPerIterationTable, diversityPerRunTable, methodsByTaskTable, unavailableMetricsList } from './tables';

export interface BuiltPlot extends PlotSpec {
  svg: string;
}

export interface BuiltReport {
  markdown: string;
  plots: BuiltPlot[];
  /** The behaviour section's agent-by-agent heatmaps. */
  heatmaps: BuiltHeatmap[];
}

const CELL_RULE =
  "Cells are accuracy % ± standard error at each run's final iteration (the last iteration every seed of the cell reached; " +
  "iteration 0 for methods without finetuning). One seed: that run's accuracy and binomial SE over its test questions, " +
  "sqrt(p(1 − p)/n). Several seeds: the mean accuracy over seeds ± the SE across seeds, s/sqrt(k) (sample standard deviation s of the k seeds' accuracies). " +
  '"—": no run.';

function seedsSentence(groups: readonly MethodRuns[]): string {
  const counts = [...new Set(groups.map((g) => g.runs.length))].sort((a, b) => a - b);
  const seeds = counts.length === 1 ? String(counts[0]) : `${counts[0]} to ${counts[counts.length - 1]}`;
  return `Seeds per cell: ${seeds} (see the Seeds column of the per-iteration table).`;
}

function table1Section(groups: readonly MethodRuns[]): string[] {
  const present = groups.map((g) => g.method);
  const methods = orderLabels(present.filter(isTable1Method), TABLE1_METHODS);
  const body = methods.length === 0 ? ['No run of a Table 1 method.'] : [methodsByTaskTable(groups, methods)];
  return ['## Table 1: methods', '', ...body, ''];
}

function table2Section(groups: readonly MethodRuns[]): string[] {
  const present = groups.map((g) => g.method);
  if (present.every(isTable1Method)) return ['## Table 2: ablations', '', 'No ablation run in this experiment.', ''];
  const methods = orderLabels(present.filter(isTable2Method), TABLE2_METHODS);
  return ['## Table 2: ablations', '', methodsByTaskTable(groups, methods), ''];
}

function plotsSection(plots: readonly PlotSpec[]): string[] {
  const lines = ['## Plots', ''];
  lines.push('One line per method; error bars: ± SE (accuracy as in the tables; a diversity metric: SE across seeds, none for one seed).', '');
  for (const plot of plots) lines.push(`![${plot.chart.title}](${plot.path}.png) ([SVG](${plot.path}.svg))`, '');
  return lines;
}

export function buildReport(title: string, records: readonly EvaluationRecord[]): BuiltReport {
  if (records.length === 0) throw new Error('report: no evaluation records');
  const groups = groupRuns(records);
  const plots = reportPlots(groups).map((p) => ({ ...p, svg: lineChartSvg(p.chart) }));
  const experiments = [...new Set(records.map((r) => r.experiment ?? '(none)'))].sort();
  const runs = groups.reduce((sum, g) => sum + g.runs.length, 0);
  const unavailable = unavailableMetricsList(records);
  const behaviour = behaviourSection(groups);
  const markdown = [
    `# ${title}`,
    '',
    `${records.length} evaluation records of ${runs} runs (experiment: ${experiments.join(', ')}); raw records in [records.jsonl](records.jsonl).`,
    '',
    CELL_RULE,
    seedsSentence(groups),
    '',
    ...table1Section(groups),
    ...table2Section(groups),
    '## Accuracy per iteration',
    '',
    'Accuracy % ± SE at every iteration (0 = the base society, l = after finetuning iteration l); a cell combines the seeds that reached that iteration, as above.',
    '',
    accuracyPerIterationTable(groups),
    '',
    '## Diversity per run and iteration',
    '',
    'Measured on each iteration\'s evaluation debates; "—": the metric is unavailable.',
    '',
    diversityPerRunTable(groups),
    '',
    ...(unavailable.length > 0 ? ['Unavailable metrics:', '', ...unavailable, ''] : []),
    ...plotsSection(plots),
    ...behaviour.lines,
  ].join('\n');
  return { markdown, plots, heatmaps: behaviour.heatmaps };
}
