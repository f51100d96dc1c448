/**
 * Everything a run needs on one machine: the Temporal dev server, a model backend and maft's
 * workers. The backend is the simulator (in process) or the real model SmolLM2-135M-Instruct: the
 * gpu-runtime's trainer and vLLM's CPU build serving it and an encoder (child processes). `maft demo` and `maft up` persist to
 * <stateDir>/temporal.db with artifacts in <stateDir>/artifacts; tests use an in-memory server,
 * random ports and a temporary folder.
 */
import { Client, Connection } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import * as path from 'node:path';
import { startSimulator, type SimulatorOptions } from '../simulator/server';
import { PROJECT_ROOT, startDevServer, type DevServer } from './dev-server';
import { CPU_ENGINE_SEQS, MINILM, SMOLLM2, startRuntimeServices, type RuntimeServices } from './runtime-services';
import { workerSettingsFromEnv, type WorkerSettings } from './settings';
import { dataConverterFromEnv } from './codec';
import { createWorkers } from './workers';

export interface LocalStackOptions {
  /** Holds temporal.db (unless inMemory) and artifacts/. */
  stateDir: string;
  /** An in-memory Temporal server instead of <stateDir>/temporal.db. */
  inMemory?: boolean;
  /** Ports; omitted: any free port. */
  port?: number;
  uiPort?: number;
  /** 'simulator' (default) or 'smollm2': the real small model, trained by the gpu-runtime and served by vLLM. */
  backend?: Backend;
  simulator?: SimulatorOptions;
  settings?: Partial<WorkerSettings>;
  workflowBundle?: WorkerOptions['workflowBundle'];
  say?: (line: string) => void;
}

export type Backend = 'simulator' | 'smollm2';

/** The base model each backend serves. */
export const BACKEND_BASE_MODEL: Record<Backend, string> = { simulator: 'sim-base', smollm2: SMOLLM2 };

interface ModelBackend {
  /** C, when the backend bounds it. */
  capacity?: number;
  inferenceUrl: string;
  trainingUrl: string;
  /** The encoder for embedding dissimilarity, when the backend serves one. */
  embeddings?: { url: string; model: string };
  /** The real model's services, for tests that kill and restart them. */
  runtime?: RuntimeServices;
  describe: string;
  stop(): Promise<void>;
}

async function startBackend(options: LocalStackOptions, adapterRoot: string): Promise<ModelBackend> {
  if (options.backend === 'smollm2') {
    const services = await startRuntimeServices({
      stateDir: options.stateDir,
      modelsDir: process.env.MAFT_MODELS_DIR ?? path.join(PROJECT_ROOT, '.maft', 'models'),
      adapterRoot,
      baseModel: SMOLLM2,
    });
    return {
      // vLLM's CPU build runs CPU_ENGINE_SEQS sequences at once: more calls in flight would only queue there.
      capacity: CPU_ENGINE_SEQS,
      inferenceUrl: `${services.engine.url}/v1`,
      trainingUrl: `${services.trainer.url}/v1`,
      embeddings: { url: `${services.encoder.url}/v1`, model: MINILM },
      runtime: services,
      describe: `${SMOLLM2} on vLLM (CPU) at ${services.engine.url}/v1, ${MINILM} embeddings at ${services.encoder.url}/v1, trainer at ${services.trainer.url}/v1`,
      stop: services.stop,
    };
  }
  const simulator = await startSimulator(options.simulator);
  const embeddingModel = (options.simulator?.embeddingModels ?? ['sim-embed'])[0];
  return {
    inferenceUrl: `${simulator.url}/v1`,
    trainingUrl: `${simulator.url}/v1`,
    ...(embeddingModel ? { embeddings: { url: `${simulator.url}/v1`, model: embeddingModel } } : {}),
    describe: `simulator (seeded simulated agents, not a model) at ${simulator.url}/v1`,
    stop: () => simulator.close(),
  };
}

export interface LocalStack {
  server: DevServer;
  client: Client;
  backendUrls: { inference: string; training: string };
  /** The real model's services (backend 'smollm2'). */
  runtime?: RuntimeServices;
  settings: WorkerSettings;
  stopWorkers(): Promise<void>;
  stop(options?: { keepServer?: boolean }): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const say = options.say ?? (() => undefined);
  const dbFile = options.inMemory ? undefined : path.join(options.stateDir, 'temporal.db');
  const server = await startDevServer({ dbFile, port: options.port, uiPort: options.uiPort });
  say(`maft: Temporal dev server at ${server.address}${dbFile ? `, state in ${dbFile}` : ''}`);
  const artifactRoot = path.join(options.stateDir, 'artifacts');
  const adapterRoot = path.join(artifactRoot, 'adapters');
  const backend = await startBackend(options, adapterRoot).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  say(`maft: ${backend.describe}`);
  const settings = workerSettingsFromEnv(process.env, {
    temporal: server.connection,
    inferenceUrl: backend.inferenceUrl,
    trainingUrl: backend.trainingUrl,
    ...(backend.capacity ? { inferenceConcurrency: backend.capacity } : {}),
    ...(backend.embeddings ? { embeddings: { ...backend.embeddings, apiKey: 'EMPTY' } } : {}),
    artifactRoot,
    adapterRoot,
    trainingPollMs: 200,
    ...options.settings,
  });
  const { workers, connection } = await createWorkers({ settings, workflowBundle: options.workflowBundle });
  const running = workers.map((w) => w.run());
  say(`maft: workers polling ${Object.values(settings.queues).join(', ')}`);
  const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace: server.namespace, dataConverter: dataConverterFromEnv() });

  let workersStopped = false;
  const stopWorkers = async () => {
    if (workersStopped) return;
    workersStopped = true;
    workers.filter((w) => w.getState() === 'RUNNING').forEach((w) => w.shutdown());
    await Promise.allSettled(running);
    await connection.close();
  };
  return {
    server,
    client,
    backendUrls: { inference: backend.inferenceUrl, training: backend.trainingUrl },
    runtime: backend.runtime,
    settings,
    stopWorkers,
    async stop({ keepServer = false } = {}) {
      await stopWorkers();
      await backend.stop();
      await client.connection.close();
      if (!keepServer) await server.stop();
    },
  };
}
