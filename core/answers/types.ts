/**
 * The contract of answer checking: a checker reads the final answer a response states and decides
 * whether two answers are equivalent. Tasks name their checker; the majority vote groups answers by
 * `equivalent` (DESIGN.md: grouped by equivalence, not string equality).
 */
export const checkerNames = ['number', 'math', 'choice', 'exact'] as const;
export type CheckerName = (typeof checkerNames)[number];

export interface AnswerChecker {
  readonly name: CheckerName;
  /** The final answer a response states, as written (e.g. the last \boxed{...}'s content), or null. */
  extract(response: string): string | null;
  /** Whether an extracted answer equals the reference (or another agent's answer). Pure and time-bounded. */
  equivalent(answer: string, reference: string): boolean;
}
