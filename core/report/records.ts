/**
 * The raw records behind a report: one per (run, iteration) evaluation. An experiment writes them as
 * JSONL; tables and plots are computed from them alone.
 */
import type { BehaviourProfile } from '../behaviour/types';
import type { DiversityMetrics } from '../diversity/types';

export interface EvaluationRecord {
  /** The experiment that ran this run, or null for a run started on its own. */
  experiment: string | null;
  runId: string;
  /** The row label of the paper's tables, e.g. "Multiagent FT" or "Multiagent FT (w/o summary)". */
  method: string;
  /** e.g. "arithmetic", "gsm8k", "math", "mmlu". */
  task: string;
  baseModel: string;
  seed: number;
  /** 0 is the base society (before finetuning); l >= 1 after iteration l. */
  iteration: number;
  accuracy: number;
  standardError: number;
  correct: number;
  total: number;
  diversity: DiversityMetrics | null;
  /** How the agents behaved in these debates (docs/behaviour.md); absent or null in records without it. */
  behaviour?: BehaviourProfile | null;
}
