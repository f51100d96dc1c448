/**
 * prepareTask on the real data files (MAFT_DATA_DIR, else ../shared/data beside the repository):
 * counts against the data README, seeded disjoint splits, and each question traced back to its
 * source line independently of the loaders.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryStore } from '../../../activities/directory-store';
import { createDebateRecordActivities } from '../../../activities/debate-records';
import { createRunArtifacts } from '../../../activities/run-artifacts';
import { artifactPaths } from '../../../core/artifact-paths';
import { parseRunConfig } from '../../../core/config';
import type { Question, TaskRecord } from '../../../core/tasks';

const DATA_DIR = process.env.MAFT_DATA_DIR ?? path.resolve(__dirname, '../../..', '../shared/data');
const store = new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-prepare-')));
const activities = createDebateRecordActivities(createRunArtifacts(store), DATA_DIR);

let runs = 0;
async function prepare(task: object, seed = 0) {
  const runId = `run${runs++}`;
  const config = parseRunConfig({ runId, baseModel: 'b', seed, task });
  const sizes = await activities.prepareTask({ runId, seed, task: config.task });
  const split = (s: 'train' | 'test') => store.readJsonl<Question>(artifactPaths.split(runId, s));
  return { runId, sizes, train: await split('train'), test: await split('test'), record: await store.readJson<TaskRecord>(artifactPaths.task(runId)) };
}

const lines = new Map<string, string[]>();
const lineOf = (file: string, line: number) => {
  if (!lines.has(file)) lines.set(file, readFileSync(file, 'utf8').split('\n'));
  return lines.get(file)![line - 1];
};

describe('prepareTask on the data files', () => {
  it('GSM8K: 500 + 500 disjoint questions from test.jsonl, each traced to its line', async () => {
    const { sizes, train, test, record } = await prepare({ name: 'gsm8k' });
    expect([sizes.train.length, sizes.test.length]).toEqual([500, 500]);
    expect(new Set([...train, ...test].map((q) => q.id)).size).toBe(1000);
    const file = path.join(DATA_DIR, 'gsm8k', 'test.jsonl');
    expect(record.eligible).toBe(1319); // the README's count
    expect(record.sources).toEqual([{ file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') }]);
    for (const q of [...train, ...test]) {
      expect(q.source!.file).toBe(file);
      const original = JSON.parse(lineOf(file, q.source!.line)) as { question: string; answer: string };
      expect(q.text).toBe(original.question);
      expect(original.answer.replace(/,/g, '').endsWith(`#### ${q.reference}`)).toBe(true);
      expect(q.prompt).toContain(original.question);
    }
  });

  it('MATH: levels 1-3 by default (437 + 894 + 1131 test problems), filters by level and subject', async () => {
    const { train, test, record } = await prepare({ name: 'math' });
    expect(record.eligible).toBe(437 + 894 + 1131);
    expect(record.config).toEqual({ name: 'math', trainSize: 500, testSize: 500, file: 'math/test.jsonl', levels: [1, 2, 3] });
    const file = path.join(DATA_DIR, 'math', 'test.jsonl');
    for (const q of [...train, ...test]) {
      const original = JSON.parse(lineOf(file, q.source!.line)) as { problem: string; level: string; unique_id: string; solution: string };
      expect(['Level 1', 'Level 2', 'Level 3']).toContain(original.level);
      expect(q.source!.id).toBe(original.unique_id);
      expect(q.text).toBe(original.problem);
      // The reference is what the last \boxed{...} holds (spaces aside).
      const lastBox = original.solution.slice(original.solution.lastIndexOf('\\boxed')).replace(/\s+/g, '');
      expect(lastBox.startsWith(`\\boxed{${q.reference.replace(/\s+/g, '')}}`)).toBe(true);
    }
    expect((await prepare({ name: 'math', levels: [5], trainSize: 10, testSize: 10 })).record.eligible).toBe(1324);
    expect((await prepare({ name: 'math', levels: [1, 2, 3, 4, 5], subjects: ['Geometry'], trainSize: 10, testSize: 10 })).record.eligible).toBe(479);
  });

  it('MMLU: every subject of mmlu/test (14,042 rows) or the chosen ones', async () => {
    const all = await prepare({ name: 'mmlu' });
    expect(all.record.sources).toHaveLength(57);
    expect(all.record.eligible! + all.record.duplicates).toBe(14042);
    const some = await prepare({ name: 'mmlu', subjects: ['anatomy', 'virology'], trainSize: 100, testSize: 100 });
    expect(some.record.sources.map((s) => path.basename(s.file))).toEqual(['anatomy_test.csv', 'virology_test.csv']);
    for (const q of [...some.train, ...some.test]) {
      expect(q.id).toMatch(/^mmlu-(anatomy|virology)-\d+$/);
      expect(['A', 'B', 'C', 'D']).toContain(q.reference);
    }
    await expect(prepare({ name: 'mmlu', subjects: ['astrology'] })).rejects.toThrow(/task\.subjects: no file in .*mmlu\/test for astrology/);
  });

  it('draws the same splits for the same seed in another run, other splits for another seed', async () => {
    const a = await prepare({ name: 'gsm8k', trainSize: 50, testSize: 50 }, 7);
    const b = await prepare({ name: 'gsm8k', trainSize: 50, testSize: 50 }, 7);
    const c = await prepare({ name: 'gsm8k', trainSize: 50, testSize: 50 }, 8);
    expect(b.train).toEqual(a.train);
    expect(b.test).toEqual(a.test);
    expect(c.train.map((q) => q.id)).not.toEqual(a.train.map((q) => q.id));
  });

  it('keeps the stored splits when called again for the same run', async () => {
    const first = await prepare({ name: 'gsm8k', trainSize: 5, testSize: 5 }, 1);
    const again = await activities.prepareTask({
      runId: first.runId,
      seed: 2,
      task: parseRunConfig({ runId: 'x', baseModel: 'b', task: { name: 'gsm8k', trainSize: 5, testSize: 5 } }).task,
    });
    expect([again.train.length, again.test.length]).toEqual([5, 5]);
    expect(await store.readJsonl<Question>(artifactPaths.split(first.runId, 'train'))).toEqual(first.train);
  });

  it('names the config field and the file it cannot read, and a pool too small', async () => {
    await expect(prepare({ name: 'gsm8k', file: 'gsm8k/nope.jsonl' })).rejects.toThrow(`task.file: cannot read ${path.join(DATA_DIR, 'gsm8k', 'nope.jsonl')}`);
    await expect(prepare({ name: 'math', levels: [1], trainSize: 400, testSize: 100 })).rejects.toThrow(
      `task math (${path.join(DATA_DIR, 'math', 'test.jsonl')}; levels 1) has 437 distinct questions, fewer than trainSize + testSize = 400 + 100`,
    );
  });
});
