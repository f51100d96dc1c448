/**
 * Algorithm 1 (L=2, the simulator) across hosts that share nothing but the network: the dev server,
 * SeaweedFS, the simulator and one `maft worker` per task queue each in a network namespace of its
 * own (bench/namespaced-stack.ts), artifacts only in the bucket. The same config then runs on one
 * host (the in-process stack, directory store), and the two must agree: the RunResult, and every
 * artifact (transcripts, D^G_n and D^C_n JSONL, evaluation records and the rest) byte for byte: no
 * artifact records a time, a host, a path or a process, so none is left out of the comparison. The
 * bucket holds one object more, the workers' start check (ObjectStore.check).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUCKET, KEY_PREFIX, startNamespacedStack, type NamespacedStack } from '../../bench/namespaced-stack';
import { multiagentFinetuning } from '../../workflows';
import type { MultiagentFinetuningInput, RunResult } from '../../workflows/run-types';
import { namespacesOf, workerLeftovers } from '../helpers/namespaced-hosts';
import { startStack } from '../helpers/stack';
import { readBucket, readTree } from '../helpers/stored-artifacts';

jest.setTimeout(300_000);

const config = { runId: 'hosts', seed: 1, baseModel: 'sim-base', iterations: 2, task: { trainSize: 12, testSize: 6 }, maxConcurrentDebates: 8 };
const run = { taskQueue: 'maft', workflowId: 'maft-hosts', args: [{ config }] as [MultiagentFinetuningInput] };

let stateDir: string;
let hosts: NamespacedStack;
let namespaces: Record<string, string>;
/** The multi-host run's result and every object under the bucket's prefix, by key below it. */
let multi: RunResult;
let objects: Map<string, Buffer>;
/** The single-host run's result and every file of its artifact directory, by relative path. */
let single: RunResult;
let files: Map<string, Buffer>;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'maft-hosts-'));
  hosts = await startNamespacedStack({ stateDir, simulatorFlags: ['--seed', '0'], workerEnv: { MAFT_TRAINING_POLL_MS: '50' } });
  namespaces = namespacesOf(hosts);
  multi = await hosts.client.workflow.execute(multiagentFinetuning, run);
  objects = await readBucket(hosts.seaweed.env, BUCKET, KEY_PREFIX);
  await hosts.stop();

  const stack = await startStack();
  try {
    single = await stack.client.workflow.execute(multiagentFinetuning, run);
    files = readTree(stack.artifactRoot);
  } finally {
    await stack.stop();
  }
});

afterAll(async () => {
  await hosts?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('Algorithm 1 across network namespaces, artifacts in SeaweedFS', () => {
  it('ran each service and each worker in a network namespace of its own', () => {
    expect(Object.keys(namespaces)).toEqual(['test', 'temporal', 's3', 'simulator', 'workflow', 'inference', 'training']);
    expect(new Set(Object.values(namespaces)).size).toBe(7);
  });

  it('left nothing in the workers’ own folders: they read and wrote only through the network', () => {
    expect(workerLeftovers(hosts)).toEqual([]);
  });

  it('ends with the single-host run’s result', () => {
    expect(multi.history.map((h) => h.evaluation.total)).toEqual([6, 6]);
    expect(multi).toEqual(single);
  });

  it('stored every artifact in the bucket under the run’s keys, byte for byte as the single-host run stored it in its directory', () => {
    // Beside the run's objects, the one each worker writes at its start to check that it may (ObjectStore.check).
    expect([...objects.keys()].sort()).toEqual(['.maft-write-check', ...files.keys()].sort());
    const keys = [...files.keys()].sort();
    expect(keys).toEqual(
      expect.arrayContaining([
        'runs/hosts/result.json',
        'runs/hosts/task/train.jsonl',
        'runs/hosts/iteration-0/evaluation.jsonl',
        'runs/hosts/records/iteration-2.json',
        ...[1, 2].flatMap((l) =>
          [1, 2, 3].flatMap((n) => [`runs/hosts/iteration-${l}/datasets/generation-${n}.jsonl`, `runs/hosts/iteration-${l}/datasets/critic-${n}.jsonl`]),
        ),
      ]),
    );
    expect(keys.filter((k) => k.startsWith('runs/hosts/iteration-1/debates/train/'))).toHaveLength(12);
    // Not a comparison of empty files: each iteration kept some D^G_n and D^C_n examples, and the stored result is the run's.
    for (const l of [1, 2]) expect(objects.get(`runs/hosts/iteration-${l}/datasets/generation-1.jsonl`)!.length).toBeGreaterThan(0);
    expect(multi.history.map((h) => h.datasets.criticMinus[0] + h.datasets.criticPlus[0])).not.toContain(0);
    expect(JSON.parse(objects.get('runs/hosts/result.json')!.toString('utf8'))).toEqual(multi);
    const differing = keys.filter((key) => !objects.get(key)!.equals(files.get(key)!));
    expect(differing).toEqual([]);
  });
});
