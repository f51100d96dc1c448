/**
 * Assembles DiversityMetrics from what was measured per question: the debates' answers, each
 * question's embedding-dissimilarity matrix, and each question's NLL and KL matrices. A part the
 * backend could not supply arrives as its reason and leaves its metrics null.
 */
import { answerDisagreementMatrix, meanConsensus } from './consensus';
import type { DebateView } from './debate-view';
import { meanMatrix, meanOffDiagonal } from './matrices';
import type { DiversityMetrics, PairwiseMetric } from './types';

export type Measured<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface MeasuredParts {
  round: number;
  debates: ReadonlyArray<Pick<DebateView, 'finalAnswers' | 'majority'>>;
  /** Per question: 1 - cos between the agents' round-r responses (core/diversity/embeddings.ts). */
  dissimilarities: Measured<number[][][]>;
  /** Per question: nll[j][i], agent i's response under agent j, and kl[i][j] = KL(p_i || p_j) (likelihood.ts). */
  likelihoods: Measured<Array<{ nll: number[][]; kl: number[][] }>>;
}

export function diversityMetrics(parts: MeasuredParts): DiversityMetrics {
  const { debates } = parts;
  if (debates.length === 0) throw new Error('diversity needs at least one debate');
  const agents = debates[0].finalAnswers.length;
  const unavailable: Record<string, string> = {};
  const result: DiversityMetrics = {
    questions: debates.length,
    round: parts.round,
    consensus: meanConsensus(debates),
    embeddingDissimilarity: null,
    negativeLogLikelihood: null,
    klDivergence: null,
    pairwise: null,
    unavailable,
  };
  if (agents < 2) {
    const reason = 'a society of one agent has no pair of agents to compare';
    Object.assign(unavailable, { embeddingDissimilarity: reason, negativeLogLikelihood: reason, klDivergence: reason });
    return result;
  }
  const matrices: Partial<Record<PairwiseMetric, number[][]>> = {
    answerDisagreement: answerDisagreementMatrix(debates.map((d) => d.finalAnswers)),
  };
  if (parts.dissimilarities.ok) {
    matrices.embeddingDissimilarity = meanMatrix(parts.dissimilarities.value);
    result.embeddingDissimilarity = meanOffDiagonal(matrices.embeddingDissimilarity);
  } else unavailable.embeddingDissimilarity = parts.dissimilarities.reason;
  if (parts.likelihoods.ok) {
    // nll[j][i]: agent i's response under held-out agent j; the diagonal (an agent scoring itself) is left out.
    result.negativeLogLikelihood = meanOffDiagonal(meanMatrix(parts.likelihoods.value.map((q) => q.nll)));
    matrices.klDivergence = meanMatrix(parts.likelihoods.value.map((q) => q.kl));
    result.klDivergence = meanOffDiagonal(matrices.klDivergence);
  } else {
    unavailable.negativeLogLikelihood = parts.likelihoods.reason;
    unavailable.klDivergence = parts.likelihoods.reason;
  }
  const best = (['klDivergence', 'embeddingDissimilarity'] as const).find((m) => matrices[m]) ?? 'answerDisagreement';
  result.pairwise = { metric: best, matrix: matrices[best]! };
  return result;
}
