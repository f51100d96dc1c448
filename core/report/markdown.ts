/** Markdown table rendering: pipes in cells are escaped, a missing value is "—". */

export const MISSING = '—';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub-flavoured markdown table; `rightAligned[i]` right-aligns column i (numbers). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[] = []): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) throw new Error(`markdown table row ${i} has ${row.length} cells, the header ${header.length}`);
  }
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (rightAligned[i] ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
