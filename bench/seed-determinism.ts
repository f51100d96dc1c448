/**
 * What a per-request `seed` reproduces on an engine (docs/serving.md, "Determinism"): each prompt is
 * asked alone twice with one seed, and once more with that seed inside a batch of 32 concurrent
 * requests (the others with other prompts and seeds). Counts the prompts whose reply text is equal.
 *
 *   node dist/bench/seed-determinism.js --url http://127.0.0.1:8000/v1 [--model SmolLM2-135M-Instruct] [--prompts 8]
 */
import OpenAI from 'openai';
import { createChatTurn } from '../activities/inference';
import { arithmeticQuestion } from '../core/tasks/arithmetic';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const model = flag('model', 'SmolLM2-135M-Instruct');
  const prompts = Array.from({ length: Number(flag('prompts', '8')) }, (_, i) => arithmeticQuestion(1, i).prompt);
  const turn = createChatTurn(new OpenAI({ baseURL: flag('url', 'http://127.0.0.1:8000/v1'), apiKey: 'EMPTY', maxRetries: 0, timeout: 600_000 }), 32);
  const ask = async (content: string, seed: number, temperature: number) =>
    (await turn({ model, messages: [{ role: 'user', content }], temperature, topP: 0.9, maxTokens: 96, seed })).content;
  for (const temperature of [1, 0]) {
    let aloneTwiceEqual = 0;
    let aloneVsBatchOf32Equal = 0;
    for (const [k, prompt] of prompts.entries()) {
      const alone = await ask(prompt, 100 + k, temperature);
      if ((await ask(prompt, 100 + k, temperature)) === alone) aloneTwiceEqual++;
      const batch = await Promise.all(
        Array.from({ length: 32 }, (_, j) => (j === 0 ? ask(prompt, 100 + k, temperature) : ask(prompts[(k + j) % prompts.length], 500 + j, temperature))),
      );
      if (batch[0] === alone) aloneVsBatchOf32Equal++;
    }
    process.stdout.write(`${JSON.stringify({ model, temperature, prompts: prompts.length, aloneTwiceEqual, aloneVsBatchOf32Equal })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
