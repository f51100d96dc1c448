/**
 * A task: how its questions are made or loaded, how a response's final answer is read, and how an
 * answer is checked against the reference. Answers are compared by canonical keys: two answers are
 * equivalent exactly when their keys are equal.
 */
import { arithmeticQuestion, parseArithmeticAnswer } from './arithmetic';
import type { Question } from './question';

export type { Question } from './question';

export interface Task {
  name: string;
  /** The canonical key of the final answer stated in a response, or null if none can be read. */
  answerKey(response: string): string | null;
  /** The canonical key of a reference answer. */
  referenceKey(reference: string): string;
}

function numberKey(value: number | undefined): string | null {
  if (value === undefined) return null;
  return String(value === 0 ? 0 : value); // folds -0 into 0
}

export const arithmeticTask: Task = {
  name: 'arithmetic',
  answerKey: (response) => numberKey(parseArithmeticAnswer(response)),
  referenceKey: (reference) => numberKey(Number(reference)) ?? reference,
};

export function taskByName(name: string): Task {
  if (name === arithmeticTask.name) return arithmeticTask;
  throw new Error(`unknown task "${name}"`);
}

/**
 * Seeded, disjoint train and test splits of generated questions. A prompt that was already drawn is
 * skipped, so no test question is also a training question.
 */
export function generatedSplits(
  seed: number,
  trainSize: number,
  testSize: number,
): { train: Question[]; test: Question[] } {
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
