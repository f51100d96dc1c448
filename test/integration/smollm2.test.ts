/**
 * Algorithm 1 with L=1 on the real model: the gpu-runtime's trainer finetunes SmolLM2-135M-Instruct
 * LoRA adapters on CPU, vLLM's CPU build (started by gpu-runtime/scripts/serve-vllm.sh) serves the
 * base model and the adapters, and all-MiniLM-L6-v2 on a second vLLM gives the embeddings.
 *
 * In the middle of the evaluation vLLM is SIGKILLed and started again: it has forgotten every
 * adapter, its filesystem resolver loads them again by name from the adapter root, and the run
 * completes. What must hold is what does not depend on how vLLM batched the calls (docs/serving.md,
 * determinism): debates finished before the kill are kept as they were, every debate is recorded
 * once, exactly 2N training jobs ran, and the datasets equal a recomputation from the transcripts.
 *
 * One debate at a time (inferenceCapacity 1: a fan-out of one debate), so that some debates are
 * finished and some are not when the engine dies. Greedy decoding, so that SmolLM2's copies agree
 * often enough for every agent to get data from five questions (the demo samples, cli/demo.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DebateTranscript } from '../../core/transcript';
import { MINILM, SMOLLM2 } from '../../workers/runtime-services';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(1_500_000);

const N = 3;
const TEST_QUESTIONS = 3;
let stack: Stack;
let result: RunResult;
/** Evaluation transcripts that existed when vLLM was killed: file -> [contents, mtime]. */
const finishedAtKill = new Map<string, [string, number]>();
let killedAt = 0;

const testDebates = () => path.join(stack.artifactRoot, 'runs', 'smollm2', 'iteration-1', 'debates', 'test');
const transcripts = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []);

async function until(condition: () => boolean, what: string, timeoutMs = 1_200_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  stack = await startStack({ backend: 'smollm2', settings: { trainingPollMs: 500 } });
  const handle = await stack.client.workflow.start(multiagentFinetuning, {
    taskQueue: 'maft',
    workflowId: 'maft-smollm2',
    args: [
      {
        config: {
          runId: 'smollm2',
          baseModel: SMOLLM2,
          iterations: 1,
          evaluateBase: false,
          inferenceCapacity: 1,
          criticMix: 0,
          task: { trainSize: 5, testSize: TEST_QUESTIONS },
          sampling: { temperature: 0, maxTokens: 64 },
          training: { generation: { epochs: 1 } },
        },
      },
    ],
  });
  // The first evaluation debate is recorded: kill the engine as a crash would, mid-evaluation.
  await until(() => transcripts(testDebates()).length >= 1, 'the first evaluation debate');
  for (const f of transcripts(testDebates())) {
    const file = path.join(testDebates(), f);
    finishedAtKill.set(f, [readFileSync(file, 'utf8'), statSync(file).mtimeMs]);
  }
  await stack.runtime!.engines.get(SMOLLM2)!.kill();
  killedAt = Date.now();
  await stack.runtime!.restartEngine();
  result = await handle.result();
});

afterAll(async () => {
  await stack?.stop();
});

describe('Algorithm 1 on SmolLM2 served by vLLM, with vLLM killed mid-evaluation', () => {
  it('killed the engine with evaluation debates still to run', () => {
    expect(finishedAtKill.size).toBeGreaterThanOrEqual(1);
    expect(finishedAtKill.size).toBeLessThan(TEST_QUESTIONS);
  });

  it('finetunes all 2N agents once each and names their adapters by run, iteration and role', async () => {
    const [iteration] = result.history;
    const names = [...iteration.agents.generation, ...iteration.agents.critic];
    expect(iteration.skipped).toEqual([]);
    expect(names).toEqual(['smollm2-l1-gen1', 'smollm2-l1-gen2', 'smollm2-l1-gen3', 'smollm2-l1-critic1', 'smollm2-l1-critic2', 'smollm2-l1-critic3']);
    for (const name of names) {
      const folder = path.join(stack.settings.adapterRoot, name);
      expect(existsSync(path.join(folder, 'adapter_model.safetensors'))).toBe(true);
      // vLLM's resolver serves a folder only if it names the served base model.
      expect(JSON.parse(readFileSync(path.join(folder, 'adapter_config.json'), 'utf8')).base_model_name_or_path).toBe(SMOLLM2);
    }
    const jobs = (await (await fetch(`${stack.backendUrls.training}/fine_tuning/jobs?limit=100`)).json()) as { data: Array<{ status: string; model: string }> };
    expect(jobs.data).toHaveLength(2 * N);
    expect(jobs.data.every((j) => j.status === 'succeeded' && j.model === SMOLLM2)).toBe(true);
  });

  it('keeps the debates finished before the kill and records every other one once, with the finetuned agents', () => {
    const files = transcripts(testDebates());
    expect(files).toHaveLength(TEST_QUESTIONS);
    for (const [f, [contents, mtime]] of finishedAtKill) {
      const file = path.join(testDebates(), f);
      expect(readFileSync(file, 'utf8')).toBe(contents);
      expect(statSync(file).mtimeMs).toBe(mtime);
    }
    const after = files.filter((f) => !finishedAtKill.has(f));
    expect(after.length).toBeGreaterThanOrEqual(1);
    for (const f of after) expect(statSync(path.join(testDebates(), f)).mtimeMs).toBeGreaterThan(killedAt);
    for (const f of files) {
      const t = JSON.parse(readFileSync(path.join(testDebates(), f), 'utf8')) as DebateTranscript;
      expect(t.agents).toEqual(result.history[0].agents);
      expect(t.conversations.every((c) => c.filter((m) => m.role === 'assistant').every((m) => m.content.length > 0))).toBe(true);
    }
    expect(result.history[0].evaluation.total).toBe(TEST_QUESTIONS);
  });

  it('serves the adapters again after the restart without publishing them: the filesystem resolver loads them', async () => {
    const models = (await (await fetch(`${stack.backendUrls.inference}/models`)).json()) as { data: Array<{ id: string }> };
    const critics = result.history[0].agents.critic;
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining([SMOLLM2, ...critics]));
    const log = readFileSync(path.join(stack.settings.artifactRoot, '..', 'logs', 'vllm.log'), 'utf8');
    for (const name of critics) expect(log).toContain(`Resolved and loaded LoRA adapter '${name}' using FilesystemResolver`);
  });

  it('measures embedding dissimilarity with the real encoder', () => {
    const diversity = result.history[0].diversity!;
    expect(diversity.unavailable.embeddingDissimilarity).toBeUndefined();
    expect(stack.settings.embeddings?.model).toBe(MINILM);
    if (diversity.embeddingDissimilarity !== null) {
      expect(diversity.embeddingDissimilarity).toBeGreaterThanOrEqual(0);
      expect(diversity.embeddingDissimilarity).toBeLessThanOrEqual(2);
    }
  });
});
