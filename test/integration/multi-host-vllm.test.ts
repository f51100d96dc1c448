/**
 * Algorithm 1 (L=2) on the real model across hosts that share nothing but the network: the dev
 * server, SeaweedFS, vLLM's CPU build serving SmolLM2-135M-Instruct with LoRA on an "engine host",
 * the gpu-runtime's trainer on a "trainer host" and one `maft worker` per task queue, each in a
 * network namespace of its own (bench/namespaced-stack.ts). The trainer uploads each adapter to the
 * bucket before its job succeeds; the engine host's S3 LoRA resolver fetches it into its own cache
 * when the inference worker names it. The same config then runs on one host (the local stack: one
 * adapter folder shared by the trainer and vLLM, a directory store), and the two must agree.
 *
 * Greedy decoding, and vLLM serves reproducibly in both runs (MAFT_VLLM_REPRODUCIBLE=1: one sequence
 * at a time, no prefix cache), so no reply depends on how the engine batched the calls or what it had
 * cached (docs/serving.md, determinism); the trainer is seeded. Both runs' replies, datasets and
 * scores are then the same computation.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUCKET, KEY_PREFIX, startNamespacedStack, type NamespacedStack } from '../../bench/namespaced-stack';
import { SMOLLM2 } from '../../workers/runtime-services';
import { multiagentFinetuning } from '../../workflows';
import type { MultiagentFinetuningInput, RunResult } from '../../workflows/run-types';
import { namespacesOf, workerLeftovers } from '../helpers/namespaced-hosts';
import { startStack } from '../helpers/stack';
import { readBucket, readTree } from '../helpers/stored-artifacts';

jest.setTimeout(1_800_000);

const config = {
  runId: 'hosts-vllm',
  baseModel: SMOLLM2,
  iterations: 2,
  summarize: false,
  task: { trainSize: 3, testSize: 1 },
  sampling: { temperature: 0, maxTokens: 64 },
  training: { generation: { epochs: 1 }, critic: { epochs: 1 } },
};
const run = { taskQueue: 'maft', workflowId: 'maft-hosts-vllm', args: [{ config }] as [MultiagentFinetuningInput] };
const ADAPTER_FILES = ['adapter_config.json', 'adapter_model.safetensors', 'maft_model.json'];

let stateDir: string;
let hosts: NamespacedStack;
let namespaces: Record<string, string>;
let multi: RunResult;
let objects: Map<string, Buffer>;
/** The engine host's adapter cache after the run: what its resolver fetched from the bucket. */
let engineCache: string[];
let single: RunResult;
let files: Map<string, Buffer>;
const timings: Record<string, number> = {};

/** The run's own artifacts (the adapters and the workers' write checks are compared apart). */
const runKeys = (stored: Map<string, Buffer>) => [...stored.keys()].filter((k) => k.startsWith(`runs/${config.runId}/`)).sort();

beforeAll(async () => {
  // Reproducible serving in both runs (the launcher reads it): every reply is the same computation.
  process.env.MAFT_VLLM_REPRODUCIBLE = '1';
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'maft-hosts-vllm-'));
  let started = Date.now();
  hosts = await startNamespacedStack({ stateDir, model: { name: SMOLLM2 }, workerEnv: { MAFT_TRAINING_POLL_MS: '500', MAFT_INFERENCE_CONCURRENCY: '1' } });
  namespaces = namespacesOf(hosts);
  timings.multiHostStart = Date.now() - started;
  started = Date.now();
  multi = await hosts.client.workflow.execute(multiagentFinetuning, run);
  timings.multiHostRun = Date.now() - started;
  objects = await readBucket(hosts.seaweed.env, BUCKET, KEY_PREFIX);
  engineCache = readdirSync(path.join(stateDir, 'engine', 'adapters')).filter((f) => !f.startsWith('.'));
  await hosts.stop();

  started = Date.now();
  const stack = await startStack({ backend: 'smollm2', settings: { embeddings: null, trainingPollMs: 500, inferenceConcurrency: 1 } });
  try {
    single = await stack.client.workflow.execute(multiagentFinetuning, run);
    files = readTree(stack.artifactRoot);
  } finally {
    await stack.stop();
  }
  timings.singleHost = Date.now() - started;
  console.log(`multi-host-vllm timings (ms): ${JSON.stringify(timings)}`);
});

afterAll(async () => {
  delete process.env.MAFT_VLLM_REPRODUCIBLE;
  await hosts?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('Algorithm 1 on SmolLM2 with vLLM and the trainer on hosts of their own, artifacts in SeaweedFS', () => {
  it('ran each service and each worker in a network namespace of its own', () => {
    expect(Object.keys(namespaces)).toEqual(['test', 'temporal', 's3', 'engine', 'trainer', 'workflow', 'inference', 'training']);
    expect(new Set(Object.values(namespaces)).size).toBe(8);
  });

  it('left nothing in the workers’ own folders', () => {
    expect(workerLeftovers(hosts)).toEqual([]);
  });

  it('trained agents in both iterations, each adapter uploaded by the trainer host in PEFT layout under adapters/<name>/', () => {
    // The models each iteration made: its agents' models that are new (an agent with an empty dataset keeps its model).
    const trained = multi.history.map((h) => [...h.agents.generation, ...h.agents.critic].filter((m) => m.startsWith(`${config.runId}-l${h.iteration}-`)));
    expect(trained.map((models) => models.length)).toEqual(multi.history.map((h) => 6 - h.skipped.length));
    expect(trained.every((models) => models.length > 0)).toBe(true);
    const adapters = new Set([...objects.keys()].filter((k) => k.startsWith('adapters/')).map((k) => k.split('/')[1]));
    expect([...adapters].sort()).toEqual(trained.flat().sort());
    for (const name of adapters) for (const file of ADAPTER_FILES) expect(objects.has(`adapters/${name}/${file}`)).toBe(true);
    for (const name of adapters) expect(JSON.parse(objects.get(`adapters/${name}/adapter_config.json`)!.toString()).base_model_name_or_path).toBe(SMOLLM2);
  });

  it('served the adapters the engine host fetched from the bucket into its own cache, by name', () => {
    const evaluated = [...multi.agents.generation, ...multi.agents.critic].filter((m) => m !== SMOLLM2);
    expect(evaluated.length).toBeGreaterThan(0);
    expect(engineCache).toEqual(expect.arrayContaining(evaluated));
    for (const name of evaluated) expect(readdirSync(path.join(stateDir, 'engine', 'adapters', name))).toEqual(expect.arrayContaining(ADAPTER_FILES));
  });

  it('ends with the single-host run’s result, and stored every artifact of the run byte for byte as the single-host run did', () => {
    expect(multi.history.map((h) => h.iteration)).toEqual([1, 2]);
    expect(multi).toEqual(single);
    expect(runKeys(objects)).toEqual(runKeys(files));
    expect(runKeys(objects).filter((k) => k.includes('/datasets/'))).toHaveLength(2 * (6 + 1)); // D^G_n, D^C_n and a summary an iteration
    const differing = runKeys(files).filter((key) => !objects.get(key)!.equals(files.get(key)!));
    expect(differing).toEqual([]);
  });
});
