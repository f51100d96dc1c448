/** All activities, built from their dependencies (the Temporal samples' factory pattern). */
import type OpenAI from 'openai';
import type { ArtifactStore } from './artifact-store';
import { createDebateRecordActivities } from './debate-records';
import { createDiversityActivities, type EmbeddingsBackend } from './diversity';
import { createEngineSleepActivities } from './engine-sleep';
import { createFinetuningDataActivities } from './finetuning-data';
import { createInferenceActivities, type InferenceOptions } from './inference';
import { createReportingActivities } from './reporting';
import { createRunArtifacts } from './run-artifacts';
import { createTrainingActivities, type TrainingOptions } from './training';

export interface ActivityDependencies {
  store: ArtifactStore;
  inference: OpenAI;
  training: OpenAI;
  trainingOptions: TrainingOptions;
  inferenceOptions: InferenceOptions;
  /** The embeddings endpoint of the diversity metrics; absent: embedding dissimilarity is reported unavailable. */
  embeddings?: EmbeddingsBackend;
}

export function createActivities(deps: ActivityDependencies) {
  const artifacts = createRunArtifacts(deps.store);
  return {
    ...createDebateRecordActivities(artifacts),
    ...createFinetuningDataActivities(artifacts),
    ...createReportingActivities(deps.store),
    ...createInferenceActivities(deps.inference, deps.inferenceOptions, artifacts),
    ...createEngineSleepActivities(deps.inference),
    ...createTrainingActivities(deps.training, deps.store, deps.trainingOptions),
    ...createDiversityActivities({
      store: deps.store,
      scoring: deps.inference,
      embeddings: deps.embeddings ?? null,
      maxConcurrentCalls: deps.inferenceOptions.maxConcurrentCalls,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
