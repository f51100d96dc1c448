/**
 * How often N copies of one model agree in round 1, by sampling temperature: the measurement behind
 * the demo's temperature (README, "What the main job shows"). For each temperature, N samples (own
 * seeds) of each arithmetic question through maft's chat call; a majority exists when at least two
 * parsed answers are equal.
 *
 *   node dist/bench/agreement.js --url http://127.0.0.1:8000/v1 --model SmolLM2-135M-Instruct \
 *     [--questions 24] [--temperatures 0,0.1,0.2,0.3,0.5,0.7,1] [--agents 3] [--max-tokens 96]
 *
 * Prints one JSON line per temperature: questions with a majority, with all N equal, with a correct
 * majority, and the mean number of distinct answers.
 */
import OpenAI from 'openai';
import { createChatTurn } from '../activities/inference';
import { arithmeticQuestion, parseArithmeticAnswer } from '../core/tasks/arithmetic';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const url = flag('url', 'http://127.0.0.1:8000/v1');
  const model = flag('model', 'SmolLM2-135M-Instruct');
  const questions = Array.from({ length: Number(flag('questions', '24')) }, (_, i) => arithmeticQuestion(0, i));
  const agents = Number(flag('agents', '3'));
  const maxTokens = Number(flag('max-tokens', '96'));
  const turn = createChatTurn(new OpenAI({ baseURL: url, apiKey: 'EMPTY', maxRetries: 0, timeout: 600_000 }), 32);
  for (const temperature of flag('temperatures', '0,0.1,0.2,0.3,0.5,0.7,1').split(',').map(Number)) {
    const rows = await Promise.all(
      questions.map(async (q, i) => {
        const replies = await Promise.all(
          Array.from({ length: agents }, (_, n) =>
            turn({ model, messages: [{ role: 'user', content: q.prompt }], temperature, topP: 0.9, maxTokens, seed: 7 * i + n }),
          ),
        );
        return { truth: Number(q.reference), answers: replies.map((r) => parseArithmeticAnswer(r.content)) };
      }),
    );
    let majority = 0;
    let unanimous = 0;
    let majorityRight = 0;
    let distinct = 0;
    for (const { truth, answers } of rows) {
      const counts = new Map<number, number>();
      for (const a of answers) if (a !== undefined) counts.set(a, (counts.get(a) ?? 0) + 1);
      const [top, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0];
      if (count >= 2) majority++;
      if (count >= 2 && top === truth) majorityRight++;
      if (count === agents) unanimous++;
      distinct += new Set(answers.map(String)).size;
    }
    const result = {
      model,
      temperature,
      questions: rows.length,
      majority,
      unanimous,
      majorityRight,
      meanDistinctAnswers: Number((distinct / rows.length).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
