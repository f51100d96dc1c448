/** All activities, built from their dependencies (the Temporal samples' factory pattern). */
import type OpenAI from 'openai';
import type { ArtifactStore } from './artifact-store';
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

export function createActivities(deps: ActivityDependencies) {
  const artifacts = createRunArtifacts(deps.store);
  return {
    ...createDebateRecordActivities(artifacts),
    ...createFinetuningDataActivities(artifacts),
    ...createReportingActivities(deps.store),
    ...createInferenceActivities(deps.engines, deps.inferenceOptions, artifacts),
    ...createEngineSleepActivities(deps.engines.engines.map((e) => e.client)),
    ...createTrainingActivities(deps.training, deps.store, deps.trainingOptions),
    ...createDiversityActivities({
      store: deps.store,
      engines: deps.engines,
      embeddings: deps.embeddings ?? null,
      maxConcurrentCalls: deps.maxEmbeddingCalls,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
