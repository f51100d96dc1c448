/** The small records the workflows exchange and keep in their histories (no bulk text). */
import type { AgentTable } from '../core/agents';
import type { RunConfig, RunConfigInput } from '../core/config';
import type { Accuracy } from '../core/stats';
import type { DatasetSizes } from '../core/datasets';
import type { DiversityMetrics } from '../core/diversity/types';

/** What one finetuning iteration l did. */
export interface IterationRecord {
  iteration: number;
  /** |D^G_n|, |D^C-_n|, |D^C+_n|, |D^C_n| per agent. */
  datasets: DatasetSizes;
  /** The models the agents had after iteration l; an agent with an empty dataset kept its model. */
  agents: AgentTable;
  /** Agents not finetuned this iteration because their dataset came out empty, e.g. "critic 2". */
  skipped: string[];
  evaluation: Accuracy;
  /** The society's diversity on the evaluation debates (docs/diversity.md); null when not measured. */
  diversity: DiversityMetrics | null;
}

/** What iteration l did, before Algorithm 2 has evaluated its society. */
export type TrainedIteration = Omit<IterationRecord, 'evaluation' | 'diversity'>;

export interface RunState {
  /** The iteration this workflow run performs (1-based). */
  iteration: number;
  agents: AgentTable;
  baseEvaluation: Accuracy | null;
  /** Iterations whose evaluation has finished. */
  history: IterationRecord[];
  /** Iteration l-1, finetuned but not yet evaluated: this run evaluates it beside iteration l. */
  trained?: TrainedIteration | null;
}

export interface MultiagentFinetuningInput {
  config: RunConfigInput;
  /** Carried across continue-as-new; absent when a run starts. */
  state?: RunState;
}

export interface RunResult {
  runId: string;
  config: RunConfig;
  agents: AgentTable;
  baseEvaluation: Accuracy | null;
  history: IterationRecord[];
}

export type Phase = 'starting' | 'debate' | 'datasets' | 'finetune' | 'evaluate' | 'done';

/** An evaluation in progress: the society after `iteration` (0: the base agents) on the test split. */
export interface EvaluationProgress {
  iteration: number;
  questionsDone: number;
  questionsTotal: number;
}

/** What the `progress` query answers. */
export interface Progress {
  runId: string;
  iteration: number;
  iterations: number;
  phase: Phase;
  questionsDone: number;
  questionsTotal: number;
  /** Training jobs finished of those started this iteration. */
  trainingDone: number;
  trainingTotal: number;
  latestAccuracy: Accuracy | null;
  /** Algorithm 2 in progress, beside the iteration's other phases when pipelined; null when none runs. */
  evaluation: EvaluationProgress | null;
  history: IterationRecord[];
  baseEvaluation: Accuracy | null;
}
