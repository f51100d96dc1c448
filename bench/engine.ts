/**
 * The engine path's throughput: maft's own chat call (activities/inference.ts createChatTurn, the
 * openai client) against an OpenAI-compatible server, at several numbers of concurrent requests,
 * on the base model alone and on a mix of adapters (2N of them, one per agent model).
 *
 *   node dist/bench/engine.js --url http://127.0.0.1:8000/v1 --base SmolLM2-135M-Instruct \
 *     --adapters a1,a2,a3,a4,a5,a6 [--concurrency 1,8,32] [--max-tokens 96] [--rounds 2] [--label vllm]
 *
 * Each cell sends rounds × concurrency requests, `concurrency` at a time, with distinct seeds and
 * arithmetic prompts, at the paper's temperature 1 / top_p 0.9, and reports completion tokens/s and
 * calls/s over the cell's wall time. Prints one JSON line per cell (for docs/benchmarks.md).
 */
import OpenAI from 'openai';
import { createChatTurn } from '../activities/inference';

interface Cell {
  label: string;
  models: 'base' | 'adapters';
  concurrency: number;
  calls: number;
  seconds: number;
  completionTokens: number;
  tokensPerSecond: number;
  callsPerSecond: number;
}

function flag(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`bench/engine: --${name} is required`);
  return value;
}

async function cell(
  client: OpenAI,
  label: string,
  models: string[],
  kind: Cell['models'],
  concurrency: number,
  rounds: number,
  maxTokens: number,
): Promise<Cell> {
  const turn = createChatTurn(client, concurrency);
  let completionTokens = 0;
  const started = performance.now();
  const calls = Array.from({ length: rounds * concurrency }, async (_, k) => {
    const model = models[k % models.length];
    const messages = [
      {
        role: 'user' as const,
        content: `What is the result of ${k % 17}+${(k * 7) % 23}*${(k * 3) % 11}+${k % 5}-${(k * 5) % 13}*${k % 7}? Make sure to state your answer at the end of the response.`,
      },
    ];
    const reply = await turn({ model, messages, temperature: 1, topP: 0.9, maxTokens, seed: 1000 + k });
    completionTokens += reply.completionTokens ?? 0;
  });
  await Promise.all(calls);
  const seconds = (performance.now() - started) / 1000;
  return {
    label,
    models: kind,
    concurrency,
    calls: rounds * concurrency,
    seconds,
    completionTokens,
    tokensPerSecond: completionTokens / seconds,
    callsPerSecond: (rounds * concurrency) / seconds,
  };
}

async function main(): Promise<void> {
  const url = flag('url');
  const label = flag('label', url);
  const base = flag('base');
  const adapters = flag('adapters').split(',').filter(Boolean);
  const levels = flag('concurrency', '1,8,32').split(',').map(Number);
  const maxTokens = Number(flag('max-tokens', '96'));
  const rounds = Number(flag('rounds', '2'));
  const client = new OpenAI({ baseURL: url, apiKey: process.env.MAFT_INFERENCE_API_KEY ?? 'EMPTY', maxRetries: 0, timeout: 600_000 });
  await cell(client, label, [base], 'base', 1, 1, 8); // warm-up: first-request compilation and caches
  for (const [kind, models] of [
    ['base', [base]],
    ['adapters', adapters],
  ] as const) {
    for (const concurrency of levels) {
      process.stdout.write(`${JSON.stringify(await cell(client, label, [...models], kind, concurrency, rounds, maxTokens))}\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
