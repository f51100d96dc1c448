/**
 * Round-to-round moves of one agent (docs/behaviour.md): how its answer changed from round m-1 to
 * round m, and whether it moved to the answer most of the other agents held in round m-1.
 */
import type { AnswerChange } from './types';

/** An answer as graded: its class representative (null: unparseable) and whether it is right. */
export interface GradedAnswer {
  answer: string | null;
  right: boolean;
}

/** The change from `before` (round m-1) to `after` (round m); every pair falls in exactly one class. */
export function answerChange(before: GradedAnswer, after: GradedAnswer): AnswerChange {
  if (before.right) return after.right ? 'keptRight' : 'regressed';
  if (after.right) return 'corrected';
  if (after.answer === null) return 'toUnparseable';
  return before.answer === after.answer ? 'keptWrong' : 'otherWrong';
}

/**
 * The answer a strict majority of the agents other than n hold: more than half of the N - 1 others
 * (unparseable answers count among the others but never form a majority). null when no answer has
 * one (a tie, a split, N = 1).
 */
export function othersMajority(answers: ReadonlyArray<string | null>, n: number): string | null {
  const others = answers.filter((_, j) => j !== n);
  const counts = new Map<string, number>();
  for (const a of others) if (a !== null) counts.set(a, (counts.get(a) ?? 0) + 1);
  for (const [answer, count] of counts) if (2 * count > others.length) return answer;
  return null;
}

export type ConformityMove = 'none' | 'conformed' | 'heldOut' | 'heldOutRight';

/**
 * Agent n's move from round m-1 (`previous`: every agent's answer then) to `after`: 'none' when the
 * others had no majority or n already held it; else whether n took it, or held out (and is right).
 */
export function conformityMove(previous: ReadonlyArray<string | null>, n: number, after: GradedAnswer): ConformityMove {
  const majority = othersMajority(previous, n);
  if (majority === null || previous[n] === majority) return 'none';
  if (after.answer === majority) return 'conformed';
  return after.right ? 'heldOutRight' : 'heldOut';
}
