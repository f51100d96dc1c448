/**
 * The `number` checker, in a file of its own so that what needs only it (the arithmetic task, which
 * the run config's schema imports, and so the workflow bundle) does not load mathjs.
 */
import { lastBoxed } from './boxed';
import { lastNumber, numberValue } from './numbers';
import type { AnswerChecker } from './types';

/** GSM8K and arithmetic: the last \boxed{} if any, else the final number; values compared exactly. */
export const numberChecker: AnswerChecker = {
  name: 'number',
  extract: (response) => lastNumber(lastBoxed(response) ?? response),
  equivalent: (answer, reference) => {
    const value = numberValue(answer);
    return value !== null && value === numberValue(reference);
  },
};
