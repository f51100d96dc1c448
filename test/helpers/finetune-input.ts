/** A training activity input for tests: one small LoRA job on the simulator's base model. */
import type { FinetuneInput } from '../../activities/training';

export const finetuneInput = (jobKey: string, trainingFile: string): FinetuneInput => ({
  jobKey,
  model: 'sim-base',
  trainingFile,
  suffix: jobKey.replace(/\//g, '-'),
  epochs: 1,
  batchSize: 1,
  learningRate: 5e-5,
  weightDecay: 1e-3,
  method: 'lora',
  lora: { rank: 16, alpha: 32, dropout: 0.05 },
});
