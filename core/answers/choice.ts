/**
 * Multiple-choice answers (MMLU). The authors' prompt asks "Put your final answer in the form (X)
 * at the end of your response."; their parser takes the last "(X)". Here X is A-D, and a final
 * \boxed{B} counts too when it comes after the last "(X)". A lowercase "(d)" counts where it is
 * stated as the answer: at the end of the response, or right after "answer is", "option is",
 * "choice is" (or "answer:"); elsewhere "(a)" is more often a part of the question than a choice.
 */
import { lastBoxed } from './boxed';

const PARENTHESIZED = /\(([A-D])\)|(?<=\b(?:[Aa]nswer|[Oo]ption|[Cc]hoice)(?: is|:)\s*)\(([a-d])\)|\(([a-d])\)(?=[\s.!*$]*$)/g;

/** The letter an answer names: "(B)", "B", "\text{(B)}", "\boxed{B}", "$(b)$." all give "B"; else null. */
export function choiceLetter(answer: string): string | null {
  const bare = answer.replace(/\\(?:boxed|fbox|text|textbf|mathrm|mathbf)\s*\{([^{}]*)\}/g, '$1').replace(/[\s$().]/g, '');
  return /^[a-zA-Z]$/.test(bare) ? bare.toUpperCase() : null;
}

/** The last choice a response states: its last "(X)", or a later \boxed{X}. */
export function lastChoice(response: string): string | null {
  let letter: string | null = null;
  let position = -1;
  for (const match of response.matchAll(PARENTHESIZED)) {
    letter = (match[1] ?? match[2] ?? match[3]).toUpperCase();
    position = match.index;
  }
  const boxed = lastBoxed(response);
  const boxedLetter = boxed === null ? null : choiceLetter(boxed);
  if (boxedLetter !== null && Math.max(response.lastIndexOf('\\boxed'), response.lastIndexOf('\\fbox')) > position) return boxedLetter;
  return letter;
}
