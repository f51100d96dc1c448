/**
 * Worker settings, read from the environment (secrets stay here: API keys never enter workflow
 * inputs or histories). Temporal's own variables name the server (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, TEMPORAL_API_KEY; see workers/connection.ts).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ADAPTERS_FOLDER, formatArtifactLocation, parseArtifactLocation } from '../core/artifact-location';
import { QueuesConfig } from '../core/config';
import { EngineMapError, parseEngineMap } from '../core/engines';
import { temporalConnectionFromEnv, type TemporalConnection } from './connection';

/** One inference engine as the worker calls it (core/engines.ts; keys read from the environment). */
export interface EngineSettings {
  name: string;
  url: string;
  apiKey: string;
  /** The base models it serves; null: every model (the one engine of a worker without MAFT_ENGINES). */
  models: string[] | null;
  /** Its bases' trainer; null: the worker's trainingUrl. */
  training: { url: string; apiKey: string } | null;
  /** Model calls in flight at once to it. */
  capacity: number;
}

export interface WorkerSettings {
  temporal: TemporalConnection;
  queues: QueuesConfig;
  inferenceUrl: string;
  inferenceApiKey: string;
  /** The inference engines, one per base model or family (MAFT_ENGINES); without it, one engine at inferenceUrl serving every model. */
  engines: EngineSettings[];
  trainingUrl: string;
  trainingApiKey: string;
  /** An OpenAI-compatible embeddings endpoint and model for the diversity metrics; none: unavailable. */
  embeddings: { url: string; apiKey: string; model: string } | null;
  /** The artifact store, as MAFT_ARTIFACTS spells it: a directory (absolute) or s3://bucket/prefix. */
  artifactRoot: string;
  /** Where the engines find adapters by name: a folder they share with the trainer (sent as vLLM's lora_path), or,
   * with artifacts in object storage, s3://bucket/prefix/adapters, which each engine host fetches from itself. */
  adapterRoot: string;
  /** C: model calls in flight at once from this worker to an engine without its own capacity (vLLM
   * max_num_seqs). Slots and pollers follow from the engines' capacities together (core/sizing.ts). */
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

/** MAFT_ENGINES: inline JSON (starting with "{") or the path of a JSON file; errors name the field and the source. */
export function enginesFromEnv(env: NodeJS.ProcessEnv, fallback: { url: string; apiKey: string; capacity: number }): EngineSettings[] {
  const raw = env.MAFT_ENGINES;
  if (raw === undefined || raw.trim() === '')
    return [{ name: 'default', url: fallback.url, apiKey: fallback.apiKey, models: null, training: null, capacity: fallback.capacity }];
  const inline = raw.trim().startsWith('{');
  const source = inline ? 'in MAFT_ENGINES (inline JSON)' : `${path.resolve(raw)} (MAFT_ENGINES)`;
  let json: unknown;
  try {
    json = JSON.parse(inline ? raw : readFileSync(raw, 'utf8'));
  } catch (error) {
    throw new EngineMapError(source, [`(root): ${(error as Error).message}`]);
  }
  const keyOf = (field: string, name: string | undefined): string => {
    if (name === undefined) return 'EMPTY';
    const key = env[name];
    if (key === undefined || key === '') throw new EngineMapError(source, [`${field}: environment variable ${name} is not set`]);
    return key;
  };
  return parseEngineMap(json, source).engines.map((e, i) => ({
    name: e.name,
    url: e.url,
    apiKey: keyOf(`engines.${i}.apiKeyEnv`, e.apiKeyEnv),
    models: e.models,
    training: e.trainingUrl ? { url: e.trainingUrl, apiKey: keyOf(`engines.${i}.trainingApiKeyEnv`, e.trainingApiKeyEnv) } : null,
    capacity: e.capacity ?? fallback.capacity,
  }));
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  const artifactRoot = formatArtifactLocation(parseArtifactLocation(env.MAFT_ARTIFACTS || '.maft/artifacts', (p) => path.resolve(p)));
  const inferenceUrl = overrides.inferenceUrl ?? env.MAFT_INFERENCE_URL ?? 'http://127.0.0.1:8100/v1';
  const inferenceApiKey = overrides.inferenceApiKey ?? env.MAFT_INFERENCE_API_KEY ?? env.OPENAI_API_KEY ?? 'EMPTY';
  const inferenceConcurrency = overrides.inferenceConcurrency ?? integer(env, 'MAFT_INFERENCE_CONCURRENCY', 64);
  return {
    // Read only when not given: a local stack's own dev server ignores TEMPORAL_* meant for a cluster.
    temporal: overrides.temporal ?? temporalConnectionFromEnv(env),
    queues: QueuesConfig.parse({ workflow: env.MAFT_QUEUE, inference: env.MAFT_INFERENCE_QUEUE, training: env.MAFT_TRAINING_QUEUE }),
    inferenceUrl,
    inferenceApiKey,
    engines: overrides.engines ?? enginesFromEnv(env, { url: inferenceUrl, apiKey: inferenceApiKey, capacity: inferenceConcurrency }),
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
    adapterRoot: env.MAFT_ADAPTER_ROOT ?? `${artifactRoot}/${ADAPTERS_FOLDER}`,
    inferenceConcurrency,
    trainingSlots: integer(env, 'MAFT_TRAINING_SLOTS', 1),
    trainingPollMs: integer(env, 'MAFT_TRAINING_POLL_MS', 2000),
    requestTimeoutMs: integer(env, 'MAFT_REQUEST_TIMEOUT_MS', 600_000),
    ...overrides,
  };
}
