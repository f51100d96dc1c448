/** All activities, built from their dependencies (the Temporal samples' factory pattern). */
import type OpenAI from 'openai';
import type { ArtifactStore } from './artifact-store';
import { createDebateRecordActivities } from './debate-records';
import { createInferenceActivities, type InferenceOptions } from './inference';
import { createTrainingActivities, type TrainingOptions } from './training';

export interface ActivityDependencies {
  store: ArtifactStore;
  inference: OpenAI;
  training: OpenAI;
  trainingOptions: TrainingOptions;
  inferenceOptions: InferenceOptions;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createDebateRecordActivities(deps.store),
    ...createInferenceActivities(deps.inference, deps.inferenceOptions),
    ...createTrainingActivities(deps.training, deps.store, deps.trainingOptions),
  };
}

export type Activities = ReturnType<typeof createActivities>;
