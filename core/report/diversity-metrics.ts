/**
 * The scalar diversity metrics a report shows, one column and one plot each, read from an
 * iteration's DiversityMetrics (core/diversity/types.ts). Consensus is shown as the paper's
 * diversity = 1 - consensus (C.1), so that higher means more diverse on every plot. A null stays
 * null: the report never estimates a metric the backend did not supply.
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
  { id: 'diversity', label: 'C.1 diversity (1 − consensus)', value: (d) => (d.consensus === null ? null : 1 - d.consensus) },
  { id: 'nll', label: 'NLL under a held-out agent (nats/token)', value: (d) => d.nll },
  { id: 'kl-pairwise', label: 'C.2 KL between agents', value: (d) => d.klPairwise },
  { id: 'kl-from-base-generation', label: 'C.3 KL from base, generation agents', value: (d) => d.klFromBase.generation },
  { id: 'kl-from-base-critic', label: 'C.3 KL from base, critic agents', value: (d) => d.klFromBase.critic },
  { id: 'embedding-dissimilarity', label: 'C.4 embedding dissimilarity (1 − cos)', value: (d) => d.embeddingDissimilarity },
  { id: 'agent-kl', label: "maft's k3 KL between agents' models (nats/token)", value: (d) => d.agentKl },
];
