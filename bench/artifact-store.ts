/**
 * The artifact store benchmark: the directory store on local disk and the object store against a
 * SeaweedFS started here (workers/seaweedfs.ts), side by side in one run, through the real
 * ArtifactStore API. Two measurements per store:
 *   - throughput: objects/s and MB/s writing then reading back the three sizes maft writes (a debate
 *     transcript, a finetuning JSONL, an adapter-sized blob), one object at a time, each read
 *     compared with what was written;
 *   - per-debate overhead: the store operations one debate does, through the code that does them
 *     (activities/debate-records.ts: loadQuestion's exists, recordDebate's write; the transcript read
 *     back by buildFinetuningData or scoreEvaluation through readTranscripts).
 *   node dist/bench/artifact-store.js [--tiny] [--out FILE]   # about 40 s on 2 cores; --tiny: about 10 s
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ArtifactStore } from '../activities/artifact-store';
import { createDebateRecordActivities, createQuestionRecords } from '../activities/debate-records';
import { DirectoryStore } from '../activities/directory-store';
import { ObjectStore } from '../activities/object-store';
import { createRunArtifacts } from '../activities/run-artifacts';
import { initialAgents } from '../core/agents';
import { TaskConfig } from '../core/config';
import type { Conversation, DebateOutcome } from '../core/transcript';
import { createBucket, startSeaweed } from '../workers/seaweedfs';
import { flagValue } from './flags';
import { markdownTable } from './markdown-table';

export interface ObjectSize {
  kind: 'transcript' | 'finetuning-jsonl' | 'adapter';
  bytes: number;
  count: number;
}

export interface Throughput extends ObjectSize {
  writeS: number;
  readS: number;
  writeObjectsPerS: number;
  writeMBPerS: number;
  readObjectsPerS: number;
  readMBPerS: number;
  /** Objects read back byte for byte equal to what was written (count, when all went well). */
  readBackEqual: number;
}

export interface DebateOverhead {
  debates: number;
  /** Debates at once (a worker runs up to C); 1: one after another, so msPerDebate is the store's latency per debate. */
  concurrency: number;
  /** Store operations per debate, counted (mean): exists (loadQuestion), writes (recordDebate), reads (readTranscripts; the
   * split and task record are read once per worker, then cached). */
  operations: Record<CountedOperation, number>;
  /** The debates' records read back equal to what recordDebate returned. */
  recordsReadBack: number;
  /** Wall time of all the debates' store work (load, record, the later read) over their number. */
  msPerDebate: number;
}

export interface StoreResult {
  store: 'directory' | 'object';
  location: string;
  throughput: Throughput[];
  /** One after another, then DEBATES_AT_ONCE at once. */
  debates: [DebateOverhead, DebateOverhead];
}

export interface ArtifactStoreBench {
  tiny: boolean;
  stores: [StoreResult, StoreResult];
  /** object / directory: how many times longer the object store takes, per size (write, read) and per debate. */
  ratios: { kind: string; write: number; read: number }[];
  /** Per debate, one after another and DEBATES_AT_ONCE at once. */
  perDebateRatios: [number, number];
}

const KiB = 1024;
const MiB = 1024 * KiB;

export function objectSizes(tiny: boolean): ObjectSize[] {
  return [
    { kind: 'transcript', bytes: 4 * KiB, count: tiny ? 10 : 1000 },
    { kind: 'finetuning-jsonl', bytes: 256 * KiB, count: tiny ? 3 : 100 },
    { kind: 'adapter', bytes: 4 * MiB, count: tiny ? 2 : 25 },
  ];
}

const seconds = (startMs: number) => (performance.now() - startMs) / 1000;

async function throughput(store: ArtifactStore, size: ObjectSize): Promise<Throughput> {
  const objects = Array.from({ length: size.count }, () => randomBytes(size.bytes));
  const key = (i: number) => `bench/${size.kind}/${i}`;
  let start = performance.now();
  for (const [i, bytes] of objects.entries()) await store.writeBytes(key(i), bytes);
  const writeS = seconds(start);
  start = performance.now();
  const read: Buffer[] = [];
  for (let i = 0; i < size.count; i++) read.push(await store.readBytes(key(i)));
  const readS = seconds(start);
  const mb = (size.bytes * size.count) / MiB;
  return {
    ...size,
    writeS,
    readS,
    writeObjectsPerS: size.count / writeS,
    writeMBPerS: mb / writeS,
    readObjectsPerS: size.count / readS,
    readMBPerS: mb / readS,
    readBackEqual: read.filter((bytes, i) => bytes.equals(objects[i])).length,
  };
}

/** A debate of N=3 agents, M=2 rounds with summaries, at the size the behaviour study's real-model debates have (about 4 KB). */
function conversations(prompt: string, answer: string): { conversations: Conversation[]; summaries: string[][] } {
  const reply = (n: number, m: number) =>
    `Agent ${n}, round ${m}: ${'Adding the terms from left to right and checking each step. '.repeat(6)}\\boxed{${answer}}`;
  const summary = 'The other agents added the terms from left to right and agree on the total. '.repeat(3);
  return {
    conversations: [0, 1, 2].map((n) => [
      { role: 'user', content: prompt },
      { role: 'assistant', content: reply(n, 1) },
      { role: 'user', content: `${summary} Using these answers as additional advice, give your final answer.` },
      { role: 'assistant', content: reply(n, 2) },
    ]),
    summaries: [[summary, summary, summary]],
  };
}

const COUNTED = ['exists', 'writeBytes', 'readBytes', 'list'] as const;
type CountedOperation = (typeof COUNTED)[number];

/** The store with a count of each operation called on it (the JSON helpers call writeBytes and readBytes through it). */
function countingStore(store: ArtifactStore): { store: ArtifactStore; counts: Record<CountedOperation, number> } {
  const counts = Object.fromEntries(COUNTED.map((op) => [op, 0])) as Record<CountedOperation, number>;
  const counting = new Proxy(store, {
    get(target, property, receiver) {
      if ((COUNTED as readonly PropertyKey[]).includes(property)) counts[property as CountedOperation]++;
      return Reflect.get(target, property, receiver);
    },
  });
  return { store: counting, counts };
}

export const DEBATES_AT_ONCE = 16;

/** The store side of `debates` debates, `concurrency` at a time, through debate-records' own functions. */
async function debateOverhead(plain: ArtifactStore, debates: number, concurrency: number): Promise<DebateOverhead> {
  const runId = `bench-debates-${concurrency}`;
  const { store, counts } = countingStore(plain);
  const artifacts = createRunArtifacts(store);
  const task = TaskConfig.parse({ name: 'arithmetic', trainSize: debates, testSize: 1 });
  const { train } = await createDebateRecordActivities(artifacts).prepareTask({ runId, seed: 0, task });
  const { loadQuestion, recordDebate } = createQuestionRecords(artifacts);
  const agents = initialAgents('sim-base', 3);
  for (const op of COUNTED) counts[op] = 0;
  const start = performance.now();
  const outcomes: DebateOutcome[] = [];
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < train.length; index = next++) {
      const x = await loadQuestion({ runId, iteration: 1, split: 'train', index });
      const debate = conversations(x.prompt, String(index));
      outcomes[index] = await recordDebate({
        runId,
        iteration: 1,
        split: 'train',
        questionId: x.id,
        task: task.name,
        seed: 0,
        agents,
        ...debate,
        rationalization: null,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const transcripts = await artifacts.readTranscripts(runId, 1, 'train');
  const totalS = seconds(start);
  return {
    debates,
    concurrency,
    operations: Object.fromEntries(COUNTED.map((op) => [op, counts[op] / debates])) as Record<CountedOperation, number>,
    recordsReadBack: transcripts.filter((t, i) => t.questionId === outcomes[i].questionId && t.majority === outcomes[i].majority && t.majority === String(i))
      .length,
    msPerDebate: (1000 * totalS) / debates,
  };
}

async function measureStore(name: StoreResult['store'], store: ArtifactStore, tiny: boolean): Promise<StoreResult> {
  await store.check();
  // The first write of a fresh SeaweedFS waits for a volume to be allocated (seconds): not part of the figures.
  await store.writeBytes('bench/warm-up', randomBytes(MiB));
  const sizes: Throughput[] = [];
  for (const size of objectSizes(tiny)) sizes.push(await throughput(store, size));
  const debates = tiny ? 4 : 200;
  return {
    store: name,
    location: store.location,
    throughput: sizes,
    debates: [await debateOverhead(store, debates, 1), await debateOverhead(store, debates, tiny ? 2 : DEBATES_AT_ONCE)],
  };
}

export async function runArtifactStoreBench(tiny: boolean): Promise<ArtifactStoreBench> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-bench-store-'));
  const seaweed = await startSeaweed({ dataDir: path.join(dir, 'seaweedfs'), accessKey: 'bench', secretKey: randomBytes(12).toString('hex') });
  const objects = new ObjectStore({ bucket: 'maft-bench', prefix: 'artifacts', env: seaweed.env });
  try {
    await createBucket(seaweed, 'maft-bench');
    const directory = await measureStore('directory', new DirectoryStore(path.join(dir, 'artifacts')), tiny);
    const object = await measureStore('object', objects, tiny);
    return {
      tiny,
      stores: [directory, object],
      ratios: directory.throughput.map((d, i) => ({ kind: d.kind, write: object.throughput[i].writeS / d.writeS, read: object.throughput[i].readS / d.readS })),
      perDebateRatios: [0, 1].map((i) => object.debates[i].msPerDebate / directory.debates[i].msPerDebate) as [number, number],
    };
  } finally {
    objects.close();
    await seaweed.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (v: number, digits = 1) => v.toFixed(digits);

export function formatArtifactStoreBench(bench: ArtifactStoreBench): string {
  const [directory, object] = bench.stores;
  const rows = directory.throughput.map((d, i) => {
    const o = object.throughput[i];
    const r = bench.ratios[i];
    return [
      `${d.kind} (${d.bytes / KiB} KiB) x ${d.count}`,
      `${fmt(d.writeObjectsPerS, 0)} / ${fmt(d.writeMBPerS)}`,
      `${fmt(o.writeObjectsPerS, 0)} / ${fmt(o.writeMBPerS)}`,
      `${fmt(d.readObjectsPerS, 0)} / ${fmt(d.readMBPerS)}`,
      `${fmt(o.readObjectsPerS, 0)} / ${fmt(o.readMBPerS)}`,
      `${fmt(r.write)} / ${fmt(r.read)}`,
    ];
  });
  const table = markdownTable([
    ['objects', 'write dir obj/s / MB/s', 'write S3 obj/s / MB/s', 'read dir obj/s / MB/s', 'read S3 obj/s / MB/s', 'S3 / dir time write / read'],
    ...rows,
    ...directory.debates.map((d, i) => [
      `one debate's store work (exists, write, read back) x ${d.debates}, ${d.concurrency} at once`,
      `${fmt(d.msPerDebate, 2)} ms`,
      `${fmt(object.debates[i].msPerDebate, 2)} ms`,
      '',
      '',
      fmt(bench.perDebateRatios[i]),
    ]),
  ]);
  return `${table}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const tiny = args.includes('--tiny');
  const out = path.resolve(flagValue(args, '--out') ?? path.join(__dirname, '..', '..', '.maft', 'bench', 'artifact-store.json'));
  const bench = await runArtifactStoreBench(tiny);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(bench, null, 2) + '\n');
  process.stdout.write(formatArtifactStoreBench(bench));
  process.stdout.write(`JSON: ${out}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
