/**
 * A small, pure SVG heatmap builder for the report's agent-by-agent matrices (behaviour-section.ts):
 * one square cell per (row, column) coloured on a white-to-blue scale over the domain, its value
 * written in it, labelled rows and columns with axis titles, and a colour bar. A null cell (not
 * defined) is grey with "—". Fonts as svg-chart.ts.
 */
import { escapeXml, FONT_FAMILY } from './svg-chart';

export interface Heatmap {
  title: string;
  /** Labels of the rows and of the columns (the same agents). */
  labels: string[];
  rowTitle: string;
  columnTitle: string;
  /** matrix[i][j]: row i, column j; null where the value is not defined. */
  matrix: Array<Array<number | null>>;
  /** The values drawn lightest and darkest; default the smallest and largest value. */
  domain?: [number, number];
}

const LIGHT = [247, 251, 255];
const DARK = [8, 48, 107];
const MISSING_FILL = '#e0e0e0';
export const HEATMAP_LAYOUT = { left: 96, top: 56, bottom: 64, legend: 96, minWidth: 560 } as const;

/** The colour of a value at fraction t in [0, 1] of the domain: LIGHT at 0, DARK at 1. */
export function heatColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, t));
  return `#${LIGHT.map((c, k) =>
    Math.round(c + (DARK[k] - c) * clamped)
      .toString(16)
      .padStart(2, '0'),
  ).join('')}`;
}

/** Side of a cell: 64 px, smaller for large matrices so the grid stays near 384 px. */
export function cellSize(n: number): number {
  return Math.max(24, Math.min(64, Math.floor(384 / n)));
}

const r2 = (v: number) => String(Number(v.toFixed(2)));

function domainOf(heatmap: Heatmap): [number, number] {
  if (heatmap.domain) return heatmap.domain;
  const values = heatmap.matrix.flat().filter((v): v is number => v !== null);
  return values.length === 0 ? [0, 1] : [Math.min(...values), Math.max(...values)];
}

function text(x: number, y: number, content: string, attributes: string): string {
  return `<text x="${r2(x)}" y="${r2(y)}" ${attributes}>${escapeXml(content)}</text>`;
}

export function heatmapSvg(heatmap: Heatmap): string {
  const n = heatmap.labels.length;
  if (n === 0 || heatmap.matrix.length !== n || heatmap.matrix.some((row) => row.length !== n)) {
    throw new Error(`heatmap "${heatmap.title}": the matrix is not ${n} x ${n} like its labels`);
  }
  const [lo, hi] = domainOf(heatmap);
  const fraction = (v: number) => (hi === lo ? 0 : (v - lo) / (hi - lo));
  const cell = cellSize(n);
  const { left, top, bottom, legend, minWidth } = HEATMAP_LAYOUT;
  const grid = n * cell;
  // about 9 px per character of the bold 15 px title
  const width = Math.max(minWidth, left + grid + legend, 9 * heatmap.title.length + 40);
  const height = top + grid + bottom;
  const fontSize = Math.min(13, Math.floor(cell / 4));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(width / 2, 28, heatmap.title, 'class="title" text-anchor="middle" font-size="15" font-weight="bold" fill="#111"'),
    '<g class="cells">',
  ];
  heatmap.matrix.forEach((row, i) =>
    row.forEach((value, j) => {
      const [x, y] = [left + j * cell, top + i * cell];
      const t = value === null ? 0 : fraction(value);
      const fill = value === null ? MISSING_FILL : heatColor(t);
      parts.push(`<rect class="cell" data-row="${i}" data-column="${j}" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ffffff"/>`);
      const ink = value !== null && t > 0.5 ? '#ffffff' : '#111111';
      parts.push(
        text(
          x + cell / 2,
          y + cell / 2 + fontSize / 3,
          value === null ? '—' : value.toFixed(2),
          `class="value" text-anchor="middle" font-size="${fontSize}" fill="${ink}"`,
        ),
      );
    }),
  );
  parts.push('</g>', '<g class="labels" font-size="12" fill="#222">');
  heatmap.labels.forEach((label, k) => {
    parts.push(text(left - 8, top + k * cell + cell / 2 + 4, label, 'class="row-label" text-anchor="end"'));
    parts.push(text(left + k * cell + cell / 2, top + grid + 18, label, 'class="column-label" text-anchor="middle"'));
  });
  parts.push(text(left + grid / 2, top + grid + 44, heatmap.columnTitle, 'class="column-title" text-anchor="middle" font-size="13"'));
  const yMid = top + grid / 2;
  parts.push(text(20, yMid, heatmap.rowTitle, `class="row-title" text-anchor="middle" font-size="13" transform="rotate(-90 20 ${r2(yMid)})"`));
  parts.push('</g>', colourBar(left + grid + 24, top, grid, lo, hi), '</svg>');
  return parts.join('\n');
}

/** Ten bands from the domain's top (dark) to its bottom (light), with both ends labelled. */
function colourBar(x: number, y: number, height: number, lo: number, hi: number): string {
  const band = height / 10;
  const parts = ['<g class="colour-bar" font-size="11" fill="#222">'];
  for (let k = 0; k < 10; k++)
    parts.push(`<rect x="${x}" y="${r2(y + k * band)}" width="14" height="${r2(band + 0.5)}" fill="${heatColor(1 - (k + 0.5) / 10)}"/>`);
  parts.push(text(x + 20, y + 10, hi.toFixed(2), 'class="bar-max"'), text(x + 20, y + height, lo.toFixed(2), 'class="bar-min"'), '</g>');
  return parts.join('');
}
