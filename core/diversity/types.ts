/**
 * Diversity of a society at one iteration, measured on its evaluation debates (docs/diversity.md).
 * The paper's metrics (Section 4 and Appendix C) keep the paper's names; `agentKl` and `pairwise`
 * are maft's own. A metric the backend cannot supply is null, with the reason in `unavailable`; it
 * is never estimated some other way.
 */

/** The scalar metrics, by the names `unavailable` uses. */
export type DiversityMetricName = 'consensus' | 'nll' | 'klPairwise' | 'klFromBase.generation' | 'klFromBase.critic' | 'embeddingDissimilarity' | 'agentKl';

/** What a pairwise matrix holds: maft's k3 KL(p_i || p_j) between the agents' own models, the C.2
 * scorer KL between agents i and j, or the fraction of questions where their final answers differ. */
export type PairwiseMetric = 'agentKl' | 'klPairwise' | 'answerDisagreement';

export interface DiversityMetrics {
  /** Evaluation debates measured. */
  questions: number;
  /** The round read as the final one: M, or 1 for a society of one model (the paper measures Single-agent FT with M = 1). */
  round: number;
  /** The fixed scoring model of klPairwise and klFromBase (config diversity.scoringModel); null when none was used. */
  scoringModel: string | null;
  /** C.1: over questions with a majority ŷ, the mean fraction of final-round answers equal to ŷ; diversity = 1 - consensus. */
  consensus: number | null;
  /** Section 4: mean per-token NLL (nats) of the other agents' final-round replies under a held-out agent's model. */
  nll: number | null;
  /** C.2: mean pointwise KL between two agents' final-round replies, as token probabilities under the scoring model. */
  klPairwise: number | null;
  /** C.3: mean pointwise KL of the agents' replies from the base model's replies (iteration 0) under the scoring
   * model; generation agents on round 1, critic agents on the final round. */
  klFromBase: { generation: number | null; critic: number | null };
  /** C.4: mean 1 - cos between the embeddings of two agents' final-round replies that match ŷ. */
  embeddingDissimilarity: number | null;
  /** maft's own: mean per-token k3 estimate of KL(p_i || p_j) between the agents' own models on the final-round replies. */
  agentKl: number | null;
  /** maft's own: the agent-by-agent matrix[i][j] (agents from 0) of the first available PairwiseMetric; null with fewer than two agents. */
  pairwise: { metric: PairwiseMetric | string; matrix: number[][] } | null;
  /** metric name (DiversityMetricName) -> why it is unavailable. */
  unavailable: Record<string, string>;
}
