/**
 * maft's workers, one per task queue: workflows and light activities; model calls (slots sized to
 * the inference engine); training jobs (one slot per GPU). One process runs all three by default;
 * at scale each runs where its resource is (`maft worker --only inference`).
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import OpenAI from 'openai';
import { createActivities } from '../activities';
import { openArtifactStore } from '../activities/open-artifact-store';
import type { QueueContracts } from '../activities/contracts';
import { EngineRouter } from '../activities/engines';
import { Semaphore } from '../core/semaphore';
import { workerSizing } from '../core/sizing';
import { dataConverterFromEnv } from './codec';
import { connectOptions } from './connection';
import type { WorkerSettings } from './settings';

/** A worker per task queue, each registering its queue's contract (activities/contracts.ts). */
export type WorkerKind = keyof QueueContracts;
export const WORKER_KINDS: WorkerKind[] = ['workflow', 'inference', 'training'];

export interface CreateWorkersOptions {
  settings: WorkerSettings;
  kinds?: WorkerKind[];
  connection?: NativeConnection;
  /** A prebuilt workflow bundle (tests reuse one); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function openAiClient(baseURL: string, apiKey: string, timeoutMs: number): OpenAI {
  // Temporal's retry policy does the retrying, so the client must not retry on its own.
  return new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: timeoutMs });
}

/** The settings' engines as the activities call them: each with its client, its own semaphore and, where it has one, its trainer. */
export function engineRouter(settings: WorkerSettings): EngineRouter {
  const client = (url: string, apiKey: string) => openAiClient(url, apiKey, settings.requestTimeoutMs);
  return new EngineRouter(
    settings.engines.map((e) => ({
      name: e.name,
      models: e.models,
      client: client(e.url, e.apiKey),
      calls: new Semaphore(e.capacity),
      trainer: e.training ? client(e.training.url, e.training.apiKey) : undefined,
    })),
  );
}

export async function createWorkers(options: CreateWorkersOptions): Promise<{ workers: Worker[]; connection: NativeConnection }> {
  const { settings } = options;
  // C: the engines' capacities together (each engine's semaphore bounds its own share).
  const sizing = workerSizing(settings.engines.reduce((sum, e) => sum + e.capacity, 0));
  // Fails at start, naming the setting, when the store cannot be read and written (a wrong bucket, refused credentials).
  const store = openArtifactStore(settings.artifactRoot);
  await store.check();
  const connection = options.connection ?? (await NativeConnection.connect(connectOptions(settings.temporal)));
  const engines = engineRouter(settings);
  const activities = createActivities({
    store,
    engines,
    training: openAiClient(settings.trainingUrl, settings.trainingApiKey, settings.requestTimeoutMs),
    embeddings: settings.embeddings
      ? { client: openAiClient(settings.embeddings.url, settings.embeddings.apiKey, settings.requestTimeoutMs), model: settings.embeddings.model }
      : undefined,
    maxEmbeddingCalls: settings.inferenceConcurrency,
    trainingOptions: { pollIntervalMs: settings.trainingPollMs, trainerFor: (model, base) => engines.trainerFor(model, base) },
    inferenceOptions: { adapterRoot: settings.adapterRoot },
  });
  const dataConverter = dataConverterFromEnv(); // payloads encrypted when MAFT_CODEC_KEY is set

  const workers: Worker[] = [];
  for (const kind of options.kinds ?? WORKER_KINDS) {
    const common = { connection, namespace: settings.temporal.namespace, taskQueue: settings.queues[kind], activities: activities[kind], dataConverter };
    if (kind === 'workflow') {
      workers.push(
        await Worker.create({
          ...common,
          ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
          maxCachedWorkflows: sizing.cachedWorkflows,
        }),
      );
    } else if (kind === 'inference') {
      workers.push(
        await Worker.create({
          ...common,
          maxConcurrentActivityTaskExecutions: sizing.inferenceActivitySlots,
          maxConcurrentActivityTaskPolls: sizing.inferencePollers,
        }),
      );
    } else {
      workers.push(
        await Worker.create({
          ...common,
          maxConcurrentActivityTaskExecutions: settings.trainingSlots,
          // The heartbeats carry each job's step and loss for `maft run`'s progress: send them every few
          // seconds rather than the default 0.8 x heartbeat timeout (96 s, capped at 60 s).
          maxHeartbeatThrottleInterval: '5 seconds',
        }),
      );
    }
  }
  return { workers, connection };
}
