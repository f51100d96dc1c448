/**
 * Diversity of a society at one iteration, measured on its evaluation debates (docs/diversity.md).
 * A metric the backend cannot supply is null, with the reason in `unavailable`; it is never
 * estimated some other way.
 */

/** The scalar metrics, by the names `unavailable` uses. */
export type DiversityMetricName = 'consensus' | 'embeddingDissimilarity' | 'negativeLogLikelihood' | 'klDivergence';

/** What a pairwise matrix holds: KL(p_i || p_j), mean 1 - cos of the embeddings, or the fraction of
 * questions where the final answers of agents i and j differ. */
export type PairwiseMetric = 'klDivergence' | 'embeddingDissimilarity' | 'answerDisagreement';

export interface DiversityMetrics {
  /** Evaluation debates measured (always set by measureDiversity; optional for records written before). */
  questions?: number;
  /** The debate round whose responses the embedding, likelihood and KL metrics read (1: the
   * generation agents' independent answers to x). Consensus always reads the last round. */
  round?: number;
  /** Mean over questions of the fraction of agents whose final answer is the majority; diversity = 1 - consensus. */
  consensus: number | null;
  /** Mean cosine dissimilarity (1 - cos) between agents' response embeddings. */
  embeddingDissimilarity: number | null;
  /** Mean negative log-likelihood (nats per token) of other agents' responses under a held-out agent. */
  negativeLogLikelihood: number | null;
  /** Mean KL divergence (nats per token) between agents' response distributions. */
  klDivergence: number | null;
  /** Agent-by-agent matrix[i][j] (agent numbers from 0) of the best metric available, in the order of
   * PairwiseMetric (`metric` is one of them); null with fewer than two agents. */
  pairwise: { metric: PairwiseMetric | string; matrix: number[][] } | null;
  /** metric name (DiversityMetricName) -> why it is unavailable. */
  unavailable: Record<string, string>;
}
