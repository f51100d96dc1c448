/** Helpers shared by the simulator's integration tests. */
import OpenAI, { toFile } from 'openai';
import { arithmeticQuestion } from '../../../core/tasks/arithmetic';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../simulator/server';

/** Parsed JSON of a response, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function withSimulator<T>(options: SimulatorOptions, body: (sim: Simulator, client: OpenAI) => Promise<T>): Promise<T> {
  const sim = await startSimulator(options);
  try {
    return await body(sim, clientFor(sim));
  } finally {
    await sim.close();
  }
}

export function clientFor(sim: Simulator, maxRetries = 0): OpenAI {
  return new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sim', maxRetries, timeout: 10_000 });
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; text: string; json: () => Json; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text), headers: response.headers };
}

export async function getJson(url: string): Promise<Json> {
  const response = await fetch(url);
  return response.json();
}

/** A training example: question i of the arithmetic task answered `answer`. */
export function example(i: number, answer: (truth: number) => number, seed = 0): { messages: Array<{ role: string; content: string }> } {
  const q = arithmeticQuestion(seed, i);
  const value = answer(Number(q.reference));
  return {
    messages: [
      { role: 'user', content: q.prompt },
      { role: 'assistant', content: `Working it out carefully. The answer is ${value}.` },
    ],
  };
}

export function jsonl(lines: unknown[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
}

export async function upload(client: OpenAI, text: string, filename = 'train.jsonl'): Promise<string> {
  const file = await client.files.create({ file: await toFile(Buffer.from(text), filename), purpose: 'fine-tune' });
  return file.id;
}

/** Polls a job until it leaves queued/running. */
export async function waitForJob(client: OpenAI, id: string, timeoutMs = 5_000): Promise<OpenAI.FineTuning.FineTuningJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.fineTuning.jobs.retrieve(id);
    if (job.status !== 'queued' && job.status !== 'running' && job.status !== 'validating_files') return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Loads an adapter the way the project's client does (vLLM's runtime LoRA endpoint). */
export function loadAdapter(sim: Simulator, name: string) {
  return postJson(`${sim.url}/v1/load_lora_adapter`, { lora_name: name, lora_path: `/adapters/${name}` });
}
