/** Each task queue's activities, built from their dependencies (the Temporal samples' factory pattern). */
import type OpenAI from 'openai';
import type { ArtifactStore } from './artifact-store';
import type { QueueContracts } from './contracts';
import { createDebateRecordActivities } from './debate-records';
import { createDiversityActivities, type EmbeddingsBackend } from './diversity';
import { createEngineSleepActivities } from './engine-sleep';
import type { EngineRouter } from './engines';
import { createFinetuningDataActivities } from './finetuning-data';
import { createInferenceActivities, type InferenceOptions } from './inference';
import { createReportingActivities } from './reporting';
import { createRunArtifacts } from './run-artifacts';
import { createTrainingActivities, type TrainingOptions } from './training';

export interface ActivityDependencies {
  store: ArtifactStore;
  /** The inference engines, one per base model or one serving every model (activities/engines.ts). */
  engines: EngineRouter;
  training: OpenAI;
  trainingOptions: TrainingOptions;
  inferenceOptions: InferenceOptions;
  /** The embeddings endpoint of the diversity metrics; absent: embedding dissimilarity is reported unavailable. */
  embeddings?: EmbeddingsBackend;
  /** Embeddings calls in flight at once. */
  maxEmbeddingCalls: number;
}

/** The queue's implementation, checked against its contract: a missing activity, a wrong signature or
 * an extra activity (one no contract lists) is a type error here. */
function serving<Contract>() {
  return <Impl extends Contract>(activities: Impl & Record<Exclude<keyof Impl, keyof Contract>, never>): Contract => activities;
}

export function createActivities(deps: ActivityDependencies): QueueContracts {
  const artifacts = createRunArtifacts(deps.store);
  return {
    workflow: serving<QueueContracts['workflow']>()({
      ...createDebateRecordActivities(artifacts),
      ...createFinetuningDataActivities(artifacts),
      ...createReportingActivities(deps.store),
    }),
    inference: serving<QueueContracts['inference']>()({
      ...createInferenceActivities(deps.engines, deps.inferenceOptions, artifacts),
      ...createEngineSleepActivities(deps.engines.engines.map((e) => e.client)),
      ...createDiversityActivities({
        store: deps.store,
        engines: deps.engines,
        embeddings: deps.embeddings ?? null,
        maxConcurrentCalls: deps.maxEmbeddingCalls,
      }),
    }),
    training: serving<QueueContracts['training']>()(createTrainingActivities(deps.training, deps.store, deps.trainingOptions)),
  };
}
