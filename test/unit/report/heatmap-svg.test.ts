import { cellSize, heatColor, heatmapSvg, HEATMAP_LAYOUT, type Heatmap } from '../../../core/report/heatmap-svg';
import { expectBalancedTags } from '../../helpers/svg-check';

const cellOf = (svg: string, i: number, j: number) => {
  const match = new RegExp(
    `<rect class="cell" data-row="${i}" data-column="${j}" x="(\\d+)" y="(\\d+)" width="(\\d+)" height="\\d+" fill="(#[0-9a-f]{6})"`,
  ).exec(svg);
  if (!match) throw new Error(`no cell ${i}, ${j}`);
  return { x: Number(match[1]), y: Number(match[2]), size: Number(match[3]), fill: match[4] };
};

describe('heatmap SVG', () => {
  const heatmap: Heatmap = {
    title: 'Distance <A & B>',
    labels: ['C1', 'C2'],
    rowTitle: 'agent i',
    columnTitle: 'agent j',
    matrix: [
      [0, 0.5],
      [null, 1],
    ],
    domain: [0, 1],
  };
  const svg = heatmapSvg(heatmap);

  it('colours from white-blue (#f7fbff) to dark blue (#08306b), linearly in RGB', () => {
    expect([heatColor(0), heatColor(1), heatColor(0.5)]).toEqual(['#f7fbff', '#08306b', '#8096b5']); // 0.5: (127.5, 149.5, 181) rounded
    expect([heatColor(-1), heatColor(2)]).toEqual(['#f7fbff', '#08306b']);
  });

  it('draws cell (i, j) at row i, column j, coloured by its place in the domain, its value written in it', () => {
    const { left, top } = HEATMAP_LAYOUT;
    expect(cellSize(2)).toBe(64);
    expect(cellOf(svg, 0, 1)).toEqual({ x: left + 64, y: top, size: 64, fill: '#8096b5' });
    expect(cellOf(svg, 1, 1)).toEqual({ x: left + 64, y: top + 64, size: 64, fill: '#08306b' });
    expect([...svg.matchAll(/class="value"[^>]*fill="(#[0-9a-f]+)">([^<]*)</g)].map((m) => [m[2], m[1]])).toEqual([
      ['0.00', '#111111'],
      ['0.50', '#111111'],
      ['—', '#111111'],
      ['1.00', '#ffffff'], // light text on a dark cell
    ]);
  });

  it('greys out a value that is not defined', () => {
    expect(cellOf(svg, 1, 0).fill).toBe('#e0e0e0');
  });

  it('labels rows and columns and both axes, escapes text, and is well-formed', () => {
    expect([...svg.matchAll(/class="row-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['C1', 'C2']);
    expect([...svg.matchAll(/class="column-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['C1', 'C2']);
    expect(svg).toContain('>agent i</text>');
    expect(svg).toContain('>agent j</text>');
    expect(svg).toContain('Distance &lt;A &amp; B&gt;');
    expect(svg).toMatch(/class="bar-max">1.00</);
    expectBalancedTags(svg);
  });

  it("defaults the domain to the values' range, and shrinks cells for many agents", () => {
    const ranged = heatmapSvg({
      ...heatmap,
      domain: undefined,
      matrix: [
        [2, 3],
        [4, null],
      ],
    });
    expect([cellOf(ranged, 0, 0).fill, cellOf(ranged, 0, 1).fill, cellOf(ranged, 1, 0).fill]).toEqual(['#f7fbff', '#8096b5', '#08306b']);
    expect(cellSize(12)).toBe(32); // 384 / 12
    expect(cellSize(40)).toBe(24);
  });

  it('refuses a matrix that does not match its labels', () => {
    expect(() => heatmapSvg({ ...heatmap, matrix: [[0, 1]] })).toThrow('heatmap "Distance <A & B>": the matrix is not 2 x 2 like its labels');
  });
});
