/**
 * Algorithm 1 with L=1 through the real gpu-runtime: the trainer finetunes SmolLM2-135M-Instruct
 * LoRA adapters on CPU, the CPU inference server publishes and serves them, and the evaluation
 * debates with them. Greedy sampling makes copies of one model agree, so D^G_n and D^C+_n are
 * non-empty; with no D^C-_n the w-mix would be empty, so w = 0 (critics learn from D^C+_n) and
 * all 2N agents train.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DebateTranscript } from '../../core/transcript';
import { CPU_SERVER_BATCH } from '../../workers/local-stack';
import { SMOLLM2 } from '../../workers/runtime-services';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(900_000);

const N = 3;
let stack: Stack;
let result: RunResult;

beforeAll(async () => {
  stack = await startStack({ backend: 'smollm2', settings: { trainingPollMs: 500 } });
  result = await stack.client.workflow.execute(multiagentFinetuning, {
    taskQueue: 'maft',
    workflowId: 'maft-smollm2',
    args: [
      {
        config: {
          runId: 'smollm2',
          baseModel: SMOLLM2,
          iterations: 1,
          evaluateBase: false,
          inferenceCapacity: CPU_SERVER_BATCH,
          criticMix: 0,
          task: { trainSize: 3, testSize: 2 },
          sampling: { temperature: 0, maxTokens: 96 },
          training: { generation: { epochs: 1 } },
        },
      },
    ],
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('Algorithm 1 with the real trainer and CPU server', () => {
  it('finetunes all 2N agents and publishes their adapters', async () => {
    const [iteration] = result.history;
    expect(iteration.skipped).toEqual([]);
    const names = [...iteration.agents.generation, ...iteration.agents.critic];
    expect(names).toEqual(['smollm2-l1-gen1', 'smollm2-l1-gen2', 'smollm2-l1-gen3', 'smollm2-l1-critic1', 'smollm2-l1-critic2', 'smollm2-l1-critic3']);
    for (const name of names) {
      const folder = path.join(stack.settings.adapterRoot, name);
      expect(existsSync(path.join(folder, 'adapter_config.json'))).toBe(true);
      expect(existsSync(path.join(folder, 'adapter_model.safetensors'))).toBe(true);
    }
    const models = (await (await fetch(`${stack.backendUrls.inference}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining([SMOLLM2, ...names]));
    const jobs = (await (await fetch(`${stack.backendUrls.training}/fine_tuning/jobs?limit=100`)).json()) as { data: Array<{ status: string; model: string }> };
    expect(jobs.data).toHaveLength(2 * N);
    expect(jobs.data.every((j) => j.status === 'succeeded' && j.model === SMOLLM2)).toBe(true);
  });

  it('evaluates with the finetuned agents', () => {
    const dir = path.join(stack.artifactRoot, 'runs', 'smollm2', 'iteration-1', 'debates', 'test');
    const transcripts = readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as DebateTranscript);
    expect(transcripts).toHaveLength(2);
    for (const t of transcripts) {
      expect(t.agents).toEqual(result.history[0].agents);
      expect(t.conversations.every((c) => c.filter((m) => m.role === 'assistant').every((m) => m.content.length > 0))).toBe(true);
    }
    expect(result.history[0].evaluation.total).toBe(2);
  });
});
