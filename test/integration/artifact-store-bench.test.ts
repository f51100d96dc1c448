/**
 * The artifact store benchmark at its tiny size, through the built bench (dist/, made by `npm run
 * build`): the directory store and the object store against a real SeaweedFS in one run. Asserts
 * the record's shape and sanity (every object read back equal, the debates' records read back, the
 * store operations a debate does, ratios that are the raw figures' ratios); no timing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../activities/project-root';
import { objectSizes, type ArtifactStoreBench } from '../../bench/artifact-store';

jest.setTimeout(120_000);

const run = promisify(execFile);

describe('node dist/bench/artifact-store.js --tiny', () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'maft-bench-store-')), 'store.json');
  let bench: ArtifactStoreBench;
  let stdout: string;

  beforeAll(async () => {
    ({ stdout } = await run(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'bench', 'artifact-store.js'), '--tiny', '--out', out]));
    bench = JSON.parse(readFileSync(out, 'utf8'));
  });

  it('measures the directory store, then the object store in SeaweedFS', () => {
    expect(bench.tiny).toBe(true);
    expect(bench.stores.map((s) => s.store)).toEqual(['directory', 'object']);
    expect(bench.stores[0].location).toMatch(/^\//);
    expect(bench.stores[1].location).toBe('s3://maft-bench/artifacts');
  });

  it('writes and reads back every object of each size, equal to what it wrote', () => {
    for (const store of bench.stores) {
      expect(store.throughput.map(({ kind, bytes, count }) => ({ kind, bytes, count }))).toEqual(objectSizes(true));
      for (const t of store.throughput) {
        expect(t.readBackEqual).toBe(t.count);
        expect(t.writeObjectsPerS).toBeCloseTo(t.count / t.writeS, 6);
        expect(t.readMBPerS).toBeCloseTo((t.count * t.bytes) / 1024 / 1024 / t.readS, 6);
      }
    }
  });

  it("times each debate's store work through debate-records, one at a time and two at once: one exists, one write, one read back", () => {
    for (const store of bench.stores) {
      expect(store.debates.map((d) => [d.debates, d.concurrency])).toEqual([
        [4, 1],
        [4, 2],
      ]);
      for (const debate of store.debates) {
        expect(debate.recordsReadBack).toBe(4);
        expect(debate.operations.exists).toBe(1);
        expect(debate.operations.writeBytes).toBe(1);
        // Each transcript read back once, and the task record once for all (the split is cached since prepareTask);
        // debates that start together each read it before the first read fills the cache.
        const taskReads = debate.operations.readBytes * 4 - 4;
        expect(taskReads).toBeGreaterThanOrEqual(1);
        expect(taskReads).toBeLessThanOrEqual(debate.concurrency);
        expect(debate.operations.list).toBe(0);
        expect(debate.msPerDebate).toBeGreaterThan(0);
      }
    }
  });

  it('reports object / directory ratios of the raw figures, and prints them', () => {
    const [directory, object] = bench.stores;
    expect(bench.ratios.map((r) => r.kind)).toEqual(['transcript', 'finetuning-jsonl', 'adapter']);
    bench.ratios.forEach((r, i) => {
      expect(r.write).toBeCloseTo(object.throughput[i].writeS / directory.throughput[i].writeS, 9);
      expect(r.read).toBeCloseTo(object.throughput[i].readS / directory.throughput[i].readS, 9);
    });
    bench.perDebateRatios.forEach((ratio, i) => expect(ratio).toBeCloseTo(object.debates[i].msPerDebate / directory.debates[i].msPerDebate, 9));
    expect(stdout).toContain("one debate's store work (exists, write, read back) x 4, 1 at once");
    expect(stdout).toContain("one debate's store work (exists, write, read back) x 4, 2 at once");
    expect(stdout).toContain(`JSON: ${out}`);
  });
});
