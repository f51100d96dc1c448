/**
 * The four answer checkers a task can name (types.ts). Each reads the final answer a response
 * states and decides equivalence with a reference or another agent's answer; the majority vote
 * groups answers by `equivalent` (Algorithm 1, line 14).
 */
import { lastBoxed } from './boxed';
import { choiceLetter, lastChoice } from './choice';
import { mathAnswersEquivalent } from './math-equivalence';
import { numberChecker } from './number-checker';
import type { AnswerChecker, CheckerName } from './types';

/** MATH: the last \boxed{}; equivalence by value and shape (math-equivalence.ts). */
const mathChecker: AnswerChecker = {
  name: 'math',
  extract: (response) => lastBoxed(response),
  equivalent: mathAnswersEquivalent,
};

/** MMLU: the last "(X)" (or a later \boxed{X}); letters compared case-insensitively. */
const choiceChecker: AnswerChecker = {
  name: 'choice',
  extract: lastChoice,
  equivalent: (answer, reference) => {
    const letter = choiceLetter(answer);
    return letter !== null && letter === choiceLetter(reference);
  },
};

/** Custom JSONL tasks: the last \boxed{}, else what follows the last "answer is" / "answer:" on its line. */
const exactChecker: AnswerChecker = {
  name: 'exact',
  extract: (response) => lastBoxed(response) ?? statedAnswer(response),
  equivalent: (answer, reference) => {
    const normalized = exactForm(answer);
    return normalized !== '' && normalized === exactForm(reference);
  },
};

/** Trimmed, whitespace collapsed, lower case. */
function exactForm(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

function statedAnswer(response: string): string | null {
  const phrases = [...response.matchAll(/answer(?: is|:)/gi)];
  const last = phrases[phrases.length - 1];
  if (!last) return null;
  const stated = response
    .slice(last.index + last[0].length)
    .split('\n')[0]
    .trim()
    .replace(/\.$/, '')
    .trim();
  return stated === '' ? null : stated;
}

const checkers: Readonly<Record<CheckerName, AnswerChecker>> = {
  number: numberChecker,
  math: mathChecker,
  choice: choiceChecker,
  exact: exactChecker,
};

export function answerChecker(name: CheckerName): AnswerChecker {
  const checker = checkers[name];
  if (!checker) throw new Error(`unknown answer checker "${name}" (known: ${Object.keys(checkers).join(', ')})`);
  return checker;
}
