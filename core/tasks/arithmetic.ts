/**
 * The arithmetic task of the paper (and of Du et al.'s debate code): evaluate a+b*c+d-e*f with
 * each value drawn from 0..30, asked with the authors' prompt.
 */
import { numberChecker } from '../answers/number-checker';
import { canonicalDecimal } from '../answers/numbers';
import { opinionBlocks, SUMMARY_REQUEST_PREFIX, user } from '../prompt-parts';
import { createRng, randomInt, seedFrom } from '../random';
import type { ChatMessage } from '../transcript';
import { z } from 'zod';
import { defineTask, splitSizes } from './module';
import type { Question } from './question';
import type { Splits } from './splits';

/** Values are drawn from 0..30 inclusive. */
export const ARITHMETIC_MAX_VALUE = 30;

/** The authors' round-1 prompt, verbatim. */
export function arithmeticPrompt(a: number, b: number, c: number, d: number, e: number, f: number): string {
  return `What is the result of ${a}+${b}*${c}+${d}-${e}*${f}? Make sure to state your answer at the end of the response.`;
}

/** Question `index` of the arithmetic task for `seed`: the same seed and index give the same question. */
export function arithmeticQuestion(seed: number, index: number): Question {
  const rng = createRng(seedFrom(seed, 'arithmetic', index));
  const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => randomInt(rng, 0, ARITHMETIC_MAX_VALUE));
  return {
    id: `arithmetic-${index}`,
    prompt: arithmeticPrompt(a, b, c, d, e, f),
    text: `${a}+${b}*${c}+${d}-${e}*${f}`,
    reference: String(a + b * c + d - e * f),
  };
}

const EXPRESSION = /What is the result of (\d+)\+(\d+)\*(\d+)\+(\d+)-(\d+)\*(\d+)\?/;

/** The true value of an arithmetic prompt, or undefined if the text holds none (used by the simulator). */
export function solveArithmeticPrompt(text: string): number | undefined {
  const match = EXPRESSION.exec(text);
  if (!match) return undefined;
  const [a, b, c, d, e, f] = match.slice(1).map(Number);
  return a + b * c + d - e * f;
}

/**
 * The final answer of a response as a number, read by the task's own checker (core/answers, the
 * `number` checker: the last \boxed{} if any, else the last number, sign included), so the
 * simulator and tests read a reply exactly as the debate's majority vote does. The authors' parser
 * takes the last space-separated token that parses as a float (a documented deviation,
 * docs/deviations.md).
 */
export function parseArithmeticAnswer(response: string): number | undefined {
  const written = numberChecker.extract(response);
  const value = written === null ? null : canonicalDecimal(written);
  return value === null ? undefined : Number(value);
}

/**
 * Splits of generated arithmetic questions. A prompt that was already drawn is skipped, so no test
 * question is also a training question.
 */
export function generatedSplits(seed: number, trainSize: number, testSize: number): Splits {
  const seen = new Set<string>();
  const questions: Question[] = [];
  for (let index = 0; questions.length < trainSize + testSize; index++) {
    const question = arithmeticQuestion(seed, index);
    if (seen.has(question.prompt)) continue;
    seen.add(question.prompt);
    questions.push(question);
  }
  return { train: questions.slice(0, trainSize), test: questions.slice(trainSize) };
}

const ARITHMETIC_CLOSING = ' can you provide an updated answer? Make sure to state your answer at the end of the response.';

/** Du et al., math/gen_math.py: the summary request and critic turns, which never restate the question. */
export function summaryRequest(otherAnswers: readonly string[]): ChatMessage[] {
  return [
    user(
      SUMMARY_REQUEST_PREFIX + opinionBlocks(otherAnswers, 'response') + '\n\n Write a summary of the different opinions from each of the individual agent.',
    ),
  ];
}

export function criticTurnWithSummary(summary: string): ChatMessage {
  return user(`Here is a summary of responses from other agents: ${summary}\n\n Use this summarization carefully as additional advice,${ARITHMETIC_CLOSING}`);
}

export function criticTurnWithOpinions(otherAnswers: readonly string[]): ChatMessage {
  return user(
    'These are the recent/updated opinions from other agents: ' +
      opinionBlocks(otherAnswers, 'response') +
      `\n\n Use these opinions carefully as additional advice,${ARITHMETIC_CLOSING}`,
  );
}

/** a+b*c+d-e*f, generated from the seed (the default task; `name` may be left out). */
export const arithmeticTask = defineTask({
  name: 'arithmetic',
  summary: 'a+b*c+d-e*f generated from the seed (the default)',
  schema: z.object({ name: z.literal('arithmetic').optional().default('arithmetic'), ...splitSizes }).strict(),
  spec: { checker: 'number', prompts: 'arithmetic' },
  source: { kind: 'generated', splits: (config, seed) => generatedSplits(seed, config.trainSize, config.testSize) },
  prompts: {
    critic: {
      summaryRequest,
      criticTurnWithSummary: (summary) => criticTurnWithSummary(summary),
      criticTurnWithOpinions: (others) => criticTurnWithOpinions(others),
    },
    answerFormat: 'Make sure to state your answer at the end of the response.',
  },
});
