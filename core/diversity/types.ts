/**
 * Diversity of a society at one iteration, measured on its evaluation debates. A metric the backend
 * cannot supply is null, with the reason in `unavailable`; it is never estimated some other way.
 */
export interface DiversityMetrics {
  /** Mean over questions of the fraction of agents whose final answer is the majority; diversity = 1 - consensus. */
  consensus: number | null;
  /** Mean cosine dissimilarity (1 - cos) between agents' response embeddings. */
  embeddingDissimilarity: number | null;
  /** Mean negative log-likelihood (nats per token) of other agents' responses under a held-out agent. */
  negativeLogLikelihood: number | null;
  /** Mean KL divergence between agents' token distributions. */
  klDivergence: number | null;
  /** Agent-by-agent divergence: pairwise[i][j] for agents i, j (null when unavailable). */
  pairwise: { metric: string; matrix: number[][] } | null;
  /** metric name -> why it is unavailable. */
  unavailable: Record<string, string>;
}
