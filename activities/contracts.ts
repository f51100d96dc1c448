/**
 * One contract per task queue: the activities its worker serves and the types that cross the
 * boundary. Types only, so workflows may import it: the worker registers exactly each queue's
 * contract (activities/index.ts checks it at compile time) and the workflows' proxies are typed by it
 * (workflows/activity-proxies.ts), so calling an activity on a queue that does not serve it fails to
 * compile. The names are activity types in recorded histories: renaming one breaks their replay.
 */
import type { DebateInput } from '../core/debate';
import type { DatasetSizes } from '../core/datasets';
import type { DiversityMetrics } from '../core/diversity/types';
import type { ServedModels } from '../core/engines';
import type { EvaluationRecord } from '../core/report/records';
import type { Accuracy } from '../core/stats';
import type { RunResult } from '../workflows/run-types';
import type { DebateResult } from './debate';
import type { PrepareTaskInput, ScoreInput, SplitIds } from './debate-records';
import type { MeasureDiversityInput } from './diversity';
import type { BuildDatasetsInput } from './finetuning-data';
import type { PublishAdapterInput } from './inference';
import type { ReportRunsInput, WrittenReport } from './reporting';
import type { FinetuneInput, FinetuneResult } from './training';

export type { ReportRunsInput, WrittenReport };

/** The workflow queue: light activities beside the workflows, on the artifact store. */
export interface WorkflowQueueActivities {
  prepareTask(input: PrepareTaskInput): Promise<SplitIds>;
  scoreEvaluation(input: ScoreInput): Promise<Accuracy>;
  /** Algorithm 1, lines 18-26. */
  buildFinetuningData(input: BuildDatasetsInput): Promise<DatasetSizes>;
  recordEvaluation(record: EvaluationRecord): Promise<void>;
  recordedEvaluation(input: { runId: string; iteration: number }): Promise<EvaluationRecord | null>;
  recordRunResult(result: RunResult): Promise<void>;
  finishedRun(input: { runId: string }): Promise<RunResult | null>;
  reportRuns(input: ReportRunsInput): Promise<WrittenReport>;
}

/** The inference queue: model calls on the inference engines (slots sized to their capacity). */
export interface InferenceQueueActivities {
  servedModels(): Promise<ServedModels[]>;
  /** Algorithm 1, lines 6-14, for one question (or Algorithm 2's debate). */
  debateQuestion(input: DebateInput): Promise<DebateResult>;
  publishAdapter(input: PublishAdapterInput): Promise<void>;
  measureDiversity(input: MeasureDiversityInput): Promise<DiversityMetrics>;
  sleepEngine(): Promise<void>;
  wakeEngine(): Promise<void>;
}

/** The training queue: one finetuning job per agent (Algorithm 1, lines 27-28), one slot per GPU. */
export interface TrainingQueueActivities {
  finetune(input: FinetuneInput): Promise<FinetuneResult>;
}

/** Each task queue's contract, by the worker kind that polls it (config `queues`). */
export interface QueueContracts {
  workflow: WorkflowQueueActivities;
  inference: InferenceQueueActivities;
  training: TrainingQueueActivities;
}
