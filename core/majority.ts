/**
 * ŷ = Majority(y_{M,1..N}) (Algorithm 1, line 14). Answers are compared by a canonical key (two
 * equivalent answers share one key); unparseable answers (null) do not vote; a tie is broken by a
 * seeded draw, so the same seed and question always pick the same winner.
 */
import { createRng, seedFrom } from './random';

export function majorityVote(answers: ReadonlyArray<string | null>, tieBreakSeed: number): string | null {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    if (answer !== null) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  const top = Math.max(...counts.values());
  // Sorted so the draw depends on the tied answers, not on which agent said them first.
  const tied = [...counts.keys()].filter((key) => counts.get(key) === top).sort();
  if (tied.length === 1) return tied[0];
  return tied[Math.floor(createRng(tieBreakSeed)() * tied.length)];
}

/** The tie-break seed of one question's vote. */
export function tieBreakSeed(seed: number, runId: string, iteration: number, questionId: string): number {
  return seedFrom(seed, runId, iteration, questionId, 'majority');
}
