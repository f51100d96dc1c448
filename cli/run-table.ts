/** The final table of a run: accuracy ± SE per iteration and each agent's dataset sizes. */
import { formatAccuracy } from '../core/stats';
import type { RunResult } from '../workflows/run-types';

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
}

export function formatRunTable(result: Pick<RunResult, 'baseEvaluation' | 'history'>): string {
  const header = ['iteration', 'accuracy % (± SE)', '|D^G_n|', '|D^C-_n|', '|D^C+_n|', '|D^C_n|', 'not finetuned'];
  const rows: string[][] = [];
  if (result.baseEvaluation) rows.push(['0 (base)', formatAccuracy(result.baseEvaluation), '', '', '', '', '']);
  for (const h of result.history) {
    const sizes = (xs: number[]) => xs.join(' / ');
    rows.push([
      String(h.iteration),
      formatAccuracy(h.evaluation),
      sizes(h.datasets.generation),
      sizes(h.datasets.criticMinus),
      sizes(h.datasets.criticPlus),
      sizes(h.datasets.critic),
      h.skipped.join(', ') || '-',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const lines = [pad(header, widths), pad(widths.map((w) => '-'.repeat(w)), widths), ...rows.map((r) => pad(r, widths))];
  return lines.join('\n') + '\n(dataset sizes per agent n = 1 / 2 / 3 ...)';
}
