/**
 * The scalar diversity metrics a report shows, read from an iteration's DiversityMetrics
 * (core/diversity/types.ts). Consensus (the fraction of agents agreeing with the majority) is shown
 * as diversity = 1 - consensus, so that higher means more diverse everywhere. A null stays null:
 * the report never estimates a metric the backend did not supply.
 */
import type { DiversityMetrics } from '../diversity/types';

export interface ScalarMetric {
  /** File-name part and stable id. */
  id: string;
  /** Axis and column label. */
  label: string;
  value(metrics: DiversityMetrics): number | null;
}

export const SCALAR_DIVERSITY_METRICS: readonly ScalarMetric[] = [
  { id: 'diversity', label: 'Diversity (1 − consensus)', value: (d) => (d.consensus === null ? null : 1 - d.consensus) },
  { id: 'embedding-dissimilarity', label: 'Embedding dissimilarity (1 − cos)', value: (d) => d.embeddingDissimilarity },
  { id: 'negative-log-likelihood', label: "NLL of others' responses (nats/token)", value: (d) => d.negativeLogLikelihood },
  { id: 'kl-divergence', label: 'KL divergence', value: (d) => d.klDivergence },
];
