/**
 * Worker settings, read from the environment (secrets stay here: API keys never enter workflow
 * inputs or histories). Temporal's own variables name the server (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, TEMPORAL_API_KEY; see workers/connection.ts).
 */
import * as path from 'node:path';
import { QueuesConfig } from '../core/config';
import { temporalConnectionFromEnv, type TemporalConnection } from './connection';

export interface WorkerSettings {
  temporal: TemporalConnection;
  queues: QueuesConfig;
  inferenceUrl: string;
  inferenceApiKey: string;
  trainingUrl: string;
  trainingApiKey: string;
  /** An OpenAI-compatible embeddings endpoint and model for the diversity metrics; none: unavailable. */
  embeddings: { url: string; apiKey: string; model: string } | null;
  artifactRoot: string;
  adapterRoot: string;
  /** C: model calls in flight at once from this worker; the engine's capacity (vLLM max_num_seqs). Slots
   * and pollers follow from it (core/sizing.ts). */
  inferenceConcurrency: number;
  /** Training jobs at once: one per GPU the trainers have. */
  trainingSlots: number;
  trainingPollMs: number;
  /** Request timeout of one model call. */
  requestTimeoutMs: number;
}
type QueuesConfig = ReturnType<typeof QueuesConfig.parse>;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  const artifactRoot = path.resolve(env.MAFT_ARTIFACTS ?? '.maft/artifacts');
  const inferenceUrl = env.MAFT_INFERENCE_URL ?? 'http://127.0.0.1:8100/v1';
  return {
    // Read only when not given: a local stack's own dev server ignores TEMPORAL_* meant for a cluster.
    temporal: overrides.temporal ?? temporalConnectionFromEnv(env),
    queues: QueuesConfig.parse({ workflow: env.MAFT_QUEUE, inference: env.MAFT_INFERENCE_QUEUE, training: env.MAFT_TRAINING_QUEUE }),
    inferenceUrl,
    inferenceApiKey: env.MAFT_INFERENCE_API_KEY ?? env.OPENAI_API_KEY ?? 'EMPTY',
    trainingUrl: env.MAFT_TRAINING_URL ?? inferenceUrl,
    trainingApiKey: env.MAFT_TRAINING_API_KEY ?? env.OPENAI_API_KEY ?? 'EMPTY',
    embeddings: env.MAFT_EMBEDDINGS_MODEL
      ? {
          url: env.MAFT_EMBEDDINGS_URL ?? inferenceUrl,
          apiKey: env.MAFT_EMBEDDINGS_API_KEY ?? env.MAFT_INFERENCE_API_KEY ?? env.OPENAI_API_KEY ?? 'EMPTY',
          model: env.MAFT_EMBEDDINGS_MODEL,
        }
      : null,
    artifactRoot,
    adapterRoot: env.MAFT_ADAPTER_ROOT ?? path.join(artifactRoot, 'adapters'),
    inferenceConcurrency: integer(env, 'MAFT_INFERENCE_CONCURRENCY', 64),
    trainingSlots: integer(env, 'MAFT_TRAINING_SLOTS', 1),
    trainingPollMs: integer(env, 'MAFT_TRAINING_POLL_MS', 2000),
    requestTimeoutMs: integer(env, 'MAFT_REQUEST_TIMEOUT_MS', 600_000),
    ...overrides,
  };
}
