/**
 * ŷ = Majority(y_{M,1..N}) (Algorithm 1, line 14). Answers are grouped by equivalence, not string
 * equality (DESIGN.md): each answer joins the first class whose representative the task's checker
 * finds equivalent, as the released code's most_frequent does, and is stored as that representative,
 * so string equality on representatives is equivalence for D^G_n, D^C-_n, D^C+_n. Unparseable answers
 * (null) do not vote; a tie is broken by a seeded draw, so the same seed and question always pick the
 * same winner.
 */
import { createRng, seedFrom } from './random';

/**
 * The class representative of every answer of a debate, answers[m][n] for round m+1 and agent n.
 * The last round is grouped first, so earlier answers join the last round's classes before forming
 * their own. A class is represented by its smallest last-round member (by string order; its
 * smallest member if it has none there), so neither the agents' order nor which of two equivalent
 * spellings came first changes the representatives or the tie-break.
 */
export function equivalenceClasses(
  answers: ReadonlyArray<ReadonlyArray<string | null>>,
  equivalent: (answer: string, representative: string) => boolean,
): Array<Array<string | null>> {
  const last = answers.length - 1;
  const ordered = [last, ...Array.from({ length: last }, (_, m) => m)];
  const classes: Array<{ first: string; lastRound: string[]; all: string[] }> = [];
  const index: Array<Array<number | null>> = answers.map((round) => round.map(() => null));
  for (const m of ordered) {
    answers[m].forEach((answer, n) => {
      if (answer === null) return;
      let k = classes.findIndex((c) => c.first === answer || equivalent(answer, c.first));
      if (k < 0) k = classes.push({ first: answer, lastRound: [], all: [] }) - 1;
      classes[k].all.push(answer);
      if (m === last) classes[k].lastRound.push(answer);
      index[m][n] = k;
    });
  }
  const smallest = (members: string[]) => members.reduce((a, b) => (b < a ? b : a));
  const representative = classes.map((c) => smallest(c.lastRound.length > 0 ? c.lastRound : c.all));
  return index.map((round) => round.map((k) => (k === null ? null : representative[k])));
}

/** The most common class among the answers (representatives); null when none parsed. */
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
