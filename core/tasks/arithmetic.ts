/**
 * The arithmetic task of the paper (and of Du et al.'s debate code): evaluate a+b*c+d-e*f with
 * each value drawn from 0..30, asked with the authors' prompt.
 */
import { answerChecker } from '../answers';
import { canonicalDecimal } from '../answers/numbers';
import { createRng, randomInt, seedFrom } from '../random';
import type { Question } from './question';

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
  const written = answerChecker('number').extract(response);
  const value = written === null ? null : canonicalDecimal(written);
  return value === null ? undefined : Number(value);
}
