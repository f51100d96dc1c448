/**
 * Seeded, disjoint train and test splits (the paper: 500 questions each). Loaded tasks shuffle the
 * eligible records with the seed and take the first trainSize for training and the next testSize
 * for testing (generated arithmetic questions: core/tasks/arithmetic.ts).
 */
import { createRng, seedFrom } from '../random';
import type { Question } from './question';

export interface Splits {
  train: Question[];
  test: Question[];
}

export interface DrawnSplits extends Splits {
  /** Distinct questions the splits were drawn from. */
  eligible: number;
  /** Records dropped because an earlier record asks the same prompt. */
  duplicates: number;
}

/** Splits drawn from loaded questions; `what` names the source in the error when there are too few. */
export function drawnSplits(pool: readonly Question[], seed: number, trainSize: number, testSize: number, what: string): DrawnSplits {
  const seen = new Set<string>();
  const distinct = pool.filter((q) => !seen.has(q.prompt) && Boolean(seen.add(q.prompt)));
  const wanted = trainSize + testSize;
  if (distinct.length < wanted) {
    throw new Error(`${what} has ${distinct.length} distinct questions, fewer than trainSize + testSize = ${trainSize} + ${testSize}`);
  }
  const order = distinct.map((_, i) => i);
  const rng = createRng(seedFrom(seed, 'splits'));
  for (let i = 0; i < wanted; i++) {
    const j = i + Math.floor(rng() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const drawn = order.slice(0, wanted).map((i) => distinct[i]);
  return { train: drawn.slice(0, trainSize), test: drawn.slice(trainSize), eligible: distinct.length, duplicates: pool.length - distinct.length };
}
