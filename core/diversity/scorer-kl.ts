/**
 * C.2 and C.3: KL between replies, each turned into its token probabilities by one fixed scoring
 * model S (docs/diversity.md). A reply y with tokens y_1..y_T, scored after the question x, gives
 * the vector s_t = S(y_t | x, y_<t); two replies are compared position by position over the shorter
 * one's T tokens with the pointwise (generalized) KL of scipy.special.kl_div and torch's kl_div:
 *
 *     KL(y, y') = (1/T) Σ_{t≤T} [ s_t ln(s_t / s'_t) - s_t + s'_t ]
 *
 * Every term is >= 0 and 0 exactly when s_t = s'_t; probabilities are never 0, so it is finite.
 * The inputs are log-probabilities a_t = ln s_t: a term is e^a (a - b) - e^a + e^b.
 */
import { meanOffDiagonal } from './matrices';

export function pointwiseKl(a: ReadonlyArray<number>, b: ReadonlyArray<number>): number {
  const T = Math.min(a.length, b.length);
  if (T === 0) throw new Error('a reply without tokens has no token probabilities');
  let sum = 0;
  for (let t = 0; t < T; t++) sum += Math.exp(a[t]) * (a[t] - b[t]) - Math.exp(a[t]) + Math.exp(b[t]);
  return sum / T;
}

/** C.2 for one question: matrix[i][j] = KL(y_i, y_j) of the agents' replies (0 on the diagonal). */
export function klPairwiseMatrix(replies: ReadonlyArray<ReadonlyArray<number>>): number[][] {
  return replies.map((a, i) => replies.map((b, j) => (i === j ? 0 : pointwiseKl(a, b))));
}

/** C.2 for one question: the mean over ordered pairs of agents. */
export const questionKlPairwise = (replies: ReadonlyArray<ReadonlyArray<number>>): number => meanOffDiagonal(klPairwiseMatrix(replies));

/** C.3 for one question: KL(y_n, b_k) averaged over the agents' replies y_n and the base model's replies b_k. */
export function questionKlFromBase(replies: ReadonlyArray<ReadonlyArray<number>>, baseReplies: ReadonlyArray<ReadonlyArray<number>>): number {
  if (replies.length === 0 || baseReplies.length === 0) throw new Error('KL from the base needs replies of both');
  let sum = 0;
  for (const a of replies) for (const b of baseReplies) sum += pointwiseKl(a, b);
  return sum / (replies.length * baseReplies.length);
}
