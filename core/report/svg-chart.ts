/**
 * A small, pure SVG line-chart builder for the report's plots (and the pipeline benchmark's
 * timeline): axes with ticks, grid lines, one line per series with a marker per point, vertical
 * error bars (± standard error) and a legend; charts stacked one above another in one SVG.
 * Text uses the "DejaVu Sans" family, which the PNG rasterizer loads from the dejavu-fonts-ttf
 * package (activities/report.ts), so labels render without system fonts.
 */

export interface ChartPoint {
  x: number;
  y: number;
  /** Half-length of the error bar (one standard error), or null for none. */
  error: number | null;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** x on integer ticks (iterations; the default) or on nice ticks of a continuous quantity (time). */
  xScale?: 'integer' | 'continuous';
  /** Extents the axes cover besides the points' (a time axis shared by stacked charts, a [0, 1] fraction). */
  xExtent?: [number, number];
  yExtent?: [number, number];
  /** A marker per point; default true (false for dense timelines). */
  markers?: boolean;
}

export const CHART_LAYOUT = { width: 760, height: 420, left: 72, right: 250, top: 48, bottom: 60 } as const;
export const FONT_FAMILY = 'DejaVu Sans';

/** Tableau's 10 colours; series past the tenth repeat them dashed. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export interface Axis {
  ticks: number[];
  domain: [number, number];
}

function decimalsOf(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/**
 * Ticks at a "nice" step (1, 2 or 5 times a power of ten) giving at most about `maxTicks`
 * intervals, and the domain they span, covering [min, max].
 */
export function niceAxis(min: number, max: number, maxTicks = 6): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new Error(`niceAxis: bad extent [${min}, ${max}]`);
  if (min === max) {
    const pad = Math.abs(min) * 0.05 || 1;
    [min, max] = [min - pad, max + pad];
  }
  const rough = (max - min) / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough - 1e-12) as number;
  const decimals = decimalsOf(step);
  const round = (v: number) => Number(v.toFixed(decimals));
  const lo = round(Math.floor(min / step + 1e-9) * step);
  const hi = round(Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 1e6; i++) ticks.push(round(lo + i * step));
  return { ticks, domain: [lo, hi] };
}

/** Integer ticks from min to max (iterations), at most about 10, and a domain padded by half a step. */
export function integerAxis(min: number, max: number): Axis {
  const step = Math.max(1, Math.ceil((max - min) / 10));
  const ticks: number[] = [];
  for (let t = min; t <= max; t += step) ticks.push(t);
  return { ticks, domain: [min - step / 2, max + step / 2] };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const n = (v: number) => String(Number(v.toFixed(2)));

/** Maps data coordinates to SVG coordinates for the chart's axes. */
export interface Scales {
  x(value: number): number;
  y(value: number): number;
  xAxis: Axis;
  yAxis: Axis;
}

export function chartScales(chart: LineChart): Scales {
  const points = chart.series.flatMap((s) => s.points);
  if (points.length === 0) throw new Error(`chart "${chart.title}" has no points`);
  const xs = [...points.map((p) => p.x), ...(chart.xExtent ?? [])];
  const lows = [...points.map((p) => p.y - (p.error ?? 0)), ...(chart.yExtent ?? [])];
  const highs = [...points.map((p) => p.y + (p.error ?? 0)), ...(chart.yExtent ?? [])];
  const xAxis = chart.xScale === 'continuous' ? niceAxis(Math.min(...xs), Math.max(...xs), 10) : integerAxis(Math.min(...xs), Math.max(...xs));
  const yAxis = niceAxis(Math.min(...lows), Math.max(...highs));
  const { width, height, left, right, top, bottom } = CHART_LAYOUT;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const [x0, x1] = xAxis.domain;
  const [y0, y1] = yAxis.domain;
  return {
    x: (v) => left + ((v - x0) / (x1 - x0)) * plotWidth,
    y: (v) => top + ((y1 - v) / (y1 - y0)) * plotHeight,
    xAxis,
    yAxis,
  };
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attributes ? ' ' + attributes : ''}>${escapeXml(content)}</text>`;
}

function seriesStyle(index: number): string {
  const dash = index >= PALETTE.length ? ' stroke-dasharray="6 3"' : '';
  return `stroke="${PALETTE[index % PALETTE.length]}"${dash}`;
}

function seriesSvg(series: ChartSeries, index: number, scales: Scales, markers: boolean): string {
  const color = PALETTE[index % PALETTE.length];
  const points = [...series.points].sort((a, b) => a.x - b.x);
  const parts = [`<g class="series" data-name="${escapeXml(series.name)}">`];
  if (points.length > 1) {
    parts.push(
      `<polyline fill="none" stroke-width="2" ${seriesStyle(index)} points="${points.map((p) => `${n(scales.x(p.x))},${n(scales.y(p.y))}`).join(' ')}"/>`,
    );
  }
  for (const p of points) {
    const [cx, cy] = [scales.x(p.x), scales.y(p.y)];
    if (p.error) {
      const [yLow, yHigh] = [scales.y(p.y - p.error), scales.y(p.y + p.error)];
      parts.push(
        `<path class="error-bar" stroke="${color}" stroke-width="1.5" fill="none" d="M${n(cx)},${n(yLow)}V${n(yHigh)}M${n(cx - 4)},${n(yLow)}H${n(cx + 4)}M${n(cx - 4)},${n(yHigh)}H${n(cx + 4)}"/>`,
      );
    }
    if (markers) parts.push(`<circle class="point" cx="${n(cx)}" cy="${n(cy)}" r="3.5" fill="${color}"/>`);
  }
  parts.push('</g>');
  return parts.join('');
}

function axesSvg(chart: LineChart, scales: Scales): string {
  const { width, height, left, right, top, bottom } = CHART_LAYOUT;
  const [xRight, yBottom] = [width - right, height - bottom];
  const decimals = decimalsOf(scales.yAxis.ticks.length > 1 ? scales.yAxis.ticks[1] - scales.yAxis.ticks[0] : 1);
  const parts = ['<g class="axes" font-size="12" fill="#222">'];
  for (const t of scales.yAxis.ticks) {
    const y = scales.y(t);
    parts.push(`<line class="grid" x1="${left}" x2="${xRight}" y1="${n(y)}" y2="${n(y)}" stroke="#e0e0e0"/>`);
    parts.push(text(left - 8, y + 4, t.toFixed(decimals), 'class="y-tick" text-anchor="end"'));
  }
  for (const t of scales.xAxis.ticks) {
    const x = scales.x(t);
    parts.push(`<line x1="${n(x)}" x2="${n(x)}" y1="${yBottom}" y2="${yBottom + 5}" stroke="#222"/>`);
    parts.push(text(x, yBottom + 20, String(t), 'class="x-tick" text-anchor="middle"'));
  }
  parts.push(`<path class="axis" d="M${left},${top}V${yBottom}H${xRight}" fill="none" stroke="#222"/>`);
  parts.push(text((left + xRight) / 2, height - 16, chart.xLabel, 'class="x-label" text-anchor="middle" font-size="13"'));
  const yMid = (top + yBottom) / 2;
  parts.push(text(18, yMid, chart.yLabel, `class="y-label" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${n(yMid)})"`));
  parts.push('</g>');
  return parts.join('');
}

function legendSvg(series: readonly ChartSeries[], markers: boolean): string {
  const x = CHART_LAYOUT.width - CHART_LAYOUT.right + 20;
  const parts = ['<g class="legend" font-size="12" fill="#222">'];
  series.forEach((s, i) => {
    const y = CHART_LAYOUT.top + 10 + i * 20;
    parts.push(`<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke-width="2" ${seriesStyle(i)}/>`);
    if (markers) parts.push(`<circle cx="${x + 12}" cy="${y}" r="3.5" fill="${PALETTE[i % PALETTE.length]}"/>`);
    parts.push(text(x + 32, y + 4, s.name));
  });
  parts.push('</g>');
  return parts.join('');
}

/** The chart's elements, without the enclosing document. */
function chartBody(chart: LineChart): string[] {
  const scales = chartScales(chart);
  const markers = chart.markers ?? true;
  return [
    text(CHART_LAYOUT.width / 2, 28, chart.title, 'class="title" text-anchor="middle" font-size="16" font-weight="bold" fill="#111"'),
    axesSvg(chart, scales),
    ...chart.series.map((s, i) => seriesSvg(s, i, scales, markers)),
    legendSvg(chart.series, markers),
  ];
}

function svgDocument(height: number, body: string[]): string {
  const { width } = CHART_LAYOUT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** The chart as a standalone SVG document. */
export function lineChartSvg(chart: LineChart): string {
  return svgDocument(CHART_LAYOUT.height, chartBody(chart));
}

/** Charts one above another in one SVG document (each in its own group, shifted down). */
export function stackedChartsSvg(charts: readonly LineChart[]): string {
  const { height } = CHART_LAYOUT;
  return svgDocument(
    height * charts.length,
    charts.map((chart, i) => [`<g class="chart" transform="translate(0 ${height * i})">`, ...chartBody(chart), '</g>'].join('\n')),
  );
}
