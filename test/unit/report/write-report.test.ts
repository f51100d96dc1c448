import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { PNG_SCALE, svgToPng, writeReport } from '../../../activities/report';
import { DirectoryStore } from '../../../activities/directory-store';
import { parseRecordsJsonl } from '../../../core/report/record-schema';
import { CHART_LAYOUT } from '../../../core/report/svg-chart';
import { behaviour, diversity, record } from './fixtures';
import { checkPng, crc32 } from '../../helpers/png-check';

/** Two methods, two seeds, iterations 0..2; consensus and NLL measured, the other metrics not; run 0-0 with behaviour profiles. */
const records = ['Multiagent FT', 'Single-agent FT'].flatMap((method, m) =>
  [0, 1].flatMap((seed) =>
    [0, 1, 2].map((iteration) =>
      record({
        runId: `${m}-${seed}`,
        method,
        seed,
        iteration,
        accuracy: 0.5 + (m === 0 ? 0.1 : 0.03) * iteration + 0.02 * seed,
        ...(m === 0 && seed === 0 ? { behaviour: behaviour() } : {}),
        diversity: diversity({
          consensus: 0.6 + (m === 0 ? 0.02 : 0.1) * iteration,
          nll: 2 - 0.1 * iteration + 0.05 * seed,
          unavailable: { embeddingDissimilarity: 'no embedding model', agentKl: 'no logprobs' },
        }),
      }),
    ),
  ),
);

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

function pixel(image: PNG, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * image.width + Math.round(x)) * 4;
  return [image.data[i], image.data[i + 1], image.data[i + 2]];
}

function darkPixels(image: PNG, yFrom: number, yTo: number): number {
  let dark = 0;
  for (let y = yFrom; y < yTo; y++) for (let x = 0; x < image.width; x++) if (pixel(image, x, y).every((c) => c < 100)) dark++;
  return dark;
}

/** The report in `dir`, written as a folder of a directory store. */
const at = (dir: string) => ({ store: new DirectoryStore(path.dirname(dir)), folder: path.basename(dir) });

describe('writeReport', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'maft-report-'));
  });
  afterAll(() => fs.rm(outDir, { recursive: true, force: true }));

  it('writes report.md, records.jsonl and an SVG and a PNG per plot', async () => {
    const { markdown, files } = await writeReport({ title: 'Test report', records, ...at(outDir) });
    const panel = 'plots/arithmetic--model-a';
    const plots = ['accuracy', 'diversity', 'nll'].flatMap((p) => [`${panel}--${p}.svg`, `${panel}--${p}.png`]);
    const heatmaps = [0, 1, 2].flatMap((l) =>
      ['disagreement-generation', 'disagreement-critics', 'distance-generation', 'distance-critics'].flatMap((h) =>
        ['svg', 'png'].map((ext) => `plots/behaviour/0-0--iteration-${l}--${h}.${ext}`),
      ),
    );
    expect(files).toEqual(['report.md', 'records.jsonl', ...plots, ...heatmaps]);
    expect(markdown).toContain('## Behavioural divergence');
    expect((await listFiles(outDir)).sort()).toEqual([...files].sort());
    expect(await fs.readFile(path.join(outDir, 'report.md'), 'utf8')).toBe(markdown);
    expect(markdown).toContain(`![Accuracy on arithmetic (model-a)](${panel}--accuracy.png)`);
    const jsonl = path.join(outDir, 'records.jsonl');
    expect(parseRecordsJsonl(await fs.readFile(jsonl, 'utf8'), jsonl)).toEqual(records);
  });

  it('writes valid, non-blank PNGs with rendered text and points where the SVG puts them', async () => {
    const { files } = await writeReport({ title: 'Test report', records, ...at(outDir) });
    for (const file of files.filter((f) => f.endsWith('.png') && !f.startsWith('plots/behaviour/'))) {
      const bytes = await fs.readFile(path.join(outDir, file));
      const structure = checkPng(bytes);
      expect([structure.width, structure.height]).toEqual([CHART_LAYOUT.width * PNG_SCALE, CHART_LAYOUT.height * PNG_SCALE]);
      const image = PNG.sync.read(bytes);
      expect([image.width, image.height]).toEqual([structure.width, structure.height]);
      // not blank: many non-white pixels in several colours
      const colours = new Set<string>();
      let nonWhite = 0;
      for (let y = 0; y < image.height; y += 2) {
        for (let x = 0; x < image.width; x += 2) {
          const rgb = pixel(image, x, y);
          if (rgb.some((c) => c < 250)) nonWhite++;
          colours.add(rgb.join(','));
        }
      }
      expect(nonWhite).toBeGreaterThan(2000);
      expect(colours.size).toBeGreaterThan(20);
      // the title is the only thing in the top 40 SVG units: its glyphs must be there
      expect(darkPixels(image, 0, 40 * PNG_SCALE)).toBeGreaterThan(500);
      // the last series is drawn last: its final marker's centre has its colour (#ff7f0e)
      const svg = await fs.readFile(path.join(outDir, file.replace(/\.png$/, '.svg')), 'utf8');
      const lastSeries = svg.slice(svg.lastIndexOf('<g class="series"'));
      const [, cx, cy] = [...lastSeries.matchAll(/class="point" cx="([\d.]+)" cy="([\d.]+)"/g)].pop() as RegExpMatchArray;
      expect(pixel(image, Number(cx) * PNG_SCALE, Number(cy) * PNG_SCALE)).toEqual([0xff, 0x7f, 0x0e]);
    }
  });

  it('renders each heatmap at twice its SVG size, with its title drawn and each cell in its colour', async () => {
    const { files } = await writeReport({ title: 'Test report', records, ...at(outDir) });
    const heatmaps = files.filter((f) => f.startsWith('plots/behaviour/') && f.endsWith('.png'));
    expect(heatmaps).toHaveLength(12);
    for (const file of heatmaps) {
      const image = PNG.sync.read(await fs.readFile(path.join(outDir, file)));
      const svg = await fs.readFile(path.join(outDir, file.replace(/\.png$/, '.svg')), 'utf8');
      const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg) as RegExpExecArray;
      expect([image.width, image.height]).toEqual([Number(width) * PNG_SCALE, Number(height) * PNG_SCALE]);
      expect(darkPixels(image, 0, 40 * PNG_SCALE)).toBeGreaterThan(300);
      // a point inside each cell, away from its value's text (the cell's top-left corner plus 5)
      for (const [, x, y, fill] of svg.matchAll(/class="cell"[^>]*x="(\d+)" y="(\d+)"[^>]*fill="#([0-9a-f]{6})"/g)) {
        const expected = [0, 2, 4].map((k) => parseInt(fill.slice(k, k + 2), 16));
        expect(pixel(image, (Number(x) + 5) * PNG_SCALE, (Number(y) + 5) * PNG_SCALE)).toEqual(expected);
      }
    }
  });

  it('renders text from the packaged font, with no system fonts', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="30"><rect width="80" height="30" fill="#fff"/><text x="4" y="22" font-size="20">Ag</text></svg>';
    const image = PNG.sync.read(svgToPng(svg));
    expect(darkPixels(image, 0, image.height)).toBeGreaterThan(50);
  });

  it('rejects invalid records before writing anything', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'maft-report-bad-'));
    const bad = [...records.slice(0, 2), { ...records[2], iteration: -1 }];
    await expect(writeReport({ title: 't', records: bad, ...at(dir) })).rejects.toThrow(
      'records[2] (runId 0-0): iteration: Number must be greater than or equal to 0',
    );
    expect(await listFiles(dir)).toEqual([]);
    await fs.rm(dir, { recursive: true });
  });
});

describe('the PNG checker', () => {
  it('computes the standard CRC-32 and catches a corrupted chunk', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
    const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#f00"/></svg>');
    expect(checkPng(png).chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
    const corrupted = Buffer.from(png);
    corrupted[40] ^= 0xff;
    expect(() => checkPng(corrupted)).toThrow(/CRC mismatch/);
  });
});
