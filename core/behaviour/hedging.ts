/**
 * The hedging detector (docs/behaviour.md): a reply hedges when it states no parseable final
 * answer, when it contains a phrase of uncertainty, or when it states several candidate answers
 * that the task's checker does not find equivalent.
 */
import { allBoxed } from '../answers/boxed';
import type { AnswerChecker } from '../answers/types';

/** Matched case-insensitively on word boundaries, curly apostrophes read as straight ones. */
export const HEDGE_PHRASES = [
  "i'm not sure",
  'i am not sure',
  'not certain',
  'unsure',
  'uncertain',
  'not confident',
  "i don't know",
  'i do not know',
  'cannot be determined',
  "can't be determined",
  'cannot determine',
  "can't determine",
  'impossible to determine',
  'hard to say',
  'difficult to say',
  'unclear',
  'my best guess',
  'i would guess',
  'could be either',
] as const;

const PHRASE = new RegExp(`\\b(?:${HEDGE_PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'i');

export function hasHedgePhrase(reply: string): boolean {
  return PHRASE.test(reply.replace(/[\u2018\u2019]/g, "'"));
}

/**
 * The candidate answers a reply states: the content of every \boxed{...}, and, when its last
 * non-empty line has no \boxed, what the checker reads from each part of that line split at the
 * word "or" ("The answer is (A) or (C).").
 */
export function candidateAnswers(reply: string, checker: AnswerChecker): string[] {
  const lines = reply.split('\n').filter((l) => l.trim() !== '');
  const lastLine = lines[lines.length - 1] ?? '';
  const parts = lastLine.split(/\bor\b/i);
  const fromLastLine = parts.length < 2 || /\\(?:boxed|fbox)/.test(lastLine) ? [] : parts.flatMap((part) => checker.extract(part) ?? []);
  return [...allBoxed(reply), ...fromLastLine];
}

/** Whether the candidates hold two answers the checker does not find equivalent (either way round). */
export function hasSeveralCandidates(reply: string, checker: AnswerChecker): boolean {
  const candidates = candidateAnswers(reply, checker);
  return candidates.some((a, i) => candidates.slice(i + 1).some((b) => a !== b && !checker.equivalent(a, b) && !checker.equivalent(b, a)));
}

export interface HedgeVerdict {
  noAnswer: boolean;
  phrase: boolean;
  candidates: boolean;
}

/** `answer`: the reply's parsed final answer as the transcript stored it (null: unparseable). */
export function hedgeVerdict(reply: string, answer: string | null, checker: AnswerChecker): HedgeVerdict {
  return { noAnswer: answer === null, phrase: hasHedgePhrase(reply), candidates: hasSeveralCandidates(reply, checker) };
}
