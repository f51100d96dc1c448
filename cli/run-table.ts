/** The final table of a run: accuracy ± SE per iteration and each agent's dataset sizes. */
import { formatAccuracy } from '../core/stats';
import type { RunResult } from '../workflows/run-types';
import { formatColumns } from './columns';

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
  return formatColumns(header, rows) + '\n(dataset sizes per agent n = 1 / 2 / 3 ...)';
}
