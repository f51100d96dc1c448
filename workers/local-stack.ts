/**
 * Everything a run needs on one machine: the Temporal dev server, a model backend and maft's
 * workers. The backend is the simulator (in process) or real models (SmolLM2-135M-Instruct by
 * default): the gpu-runtime's trainer and vLLM's CPU build serving them and an encoder (child
 * processes). A society of several base models gets one engine per base (`baseModels`: one vLLM each,
 * or one simulator each) and the workers the matching engine map. `maft demo` and `maft up` persist to
 * <stateDir>/temporal.db with artifacts in <stateDir>/artifacts; tests use an in-memory server,
 * random ports and a temporary folder.
 */
import { Client, Connection } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import * as path from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/server';
import { PROJECT_ROOT } from '../activities/project-root';
import { startDevServer, type DevServer } from './dev-server';
import { CPU_ENGINE_SEQS, MINILM, SMOLLM2, startRuntimeServices, type RuntimeServices } from './runtime-services';
import { workerSettingsFromEnv, type EngineSettings, type WorkerSettings } from './settings';
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
  /** The base models to serve, one engine each: vLLM engines of models in .maft/models (default
   * [SMOLLM2]), or with the simulator one simulator each (its own trainer too); omitted with the
   * simulator: one simulator serving every model it knows (`simulator.baseModels`). */
  baseModels?: string[];
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
  /** One engine per base model, or one serving every model (models null); capacity omitted: the worker's C. */
  engines: Array<Omit<EngineSettings, 'capacity'> & { capacity?: number }>;
  /** The simulators, one per engine (tests read their state, or stop one). */
  simulators?: Simulator[];
  /** The encoder for embedding dissimilarity, when the backend serves one. */
  embeddings?: { url: string; model: string };
  /** The real model's services, for tests that kill and restart them. */
  runtime?: RuntimeServices;
  describe: string;
  stop(): Promise<void>;
}

/** An engine serving one base model (or, with no model, every model), with its own trainer when it has one. */
function engineFor(model: string | null, url: string, options: { capacity?: number; trainingUrl?: string } = {}): ModelBackend['engines'][number] {
  const training = options.trainingUrl ? { url: options.trainingUrl, apiKey: 'EMPTY' } : null;
  return { name: model ?? 'default', url, apiKey: 'EMPTY', models: model === null ? null : [model], training, capacity: options.capacity };
}

async function startBackend(options: LocalStackOptions, adapterRoot: string): Promise<ModelBackend> {
  if (options.backend === 'smollm2') {
    const baseModels = options.baseModels ?? [SMOLLM2];
    const services = await startRuntimeServices({
      stateDir: options.stateDir,
      modelsDir: process.env.MAFT_MODELS_DIR ?? path.join(PROJECT_ROOT, '.maft', 'models'),
      adapterRoot,
      baseModels,
    });
    const engines = [...services.engines].map(([model, engine]) => engineFor(model, `${engine.url}/v1`, { capacity: CPU_ENGINE_SEQS }));
    return {
      // vLLM's CPU build runs CPU_ENGINE_SEQS sequences at once: more calls in flight would only queue there.
      capacity: CPU_ENGINE_SEQS,
      inferenceUrl: engines[0].url,
      trainingUrl: `${services.trainer.url}/v1`,
      engines,
      embeddings: { url: `${services.encoder.url}/v1`, model: MINILM },
      runtime: services,
      describe: `${engines.map((e) => `${e.name} on vLLM (CPU) at ${e.url}`).join(', ')}, ${MINILM} embeddings at ${services.encoder.url}/v1, trainer at ${services.trainer.url}/v1`,
      stop: services.stop,
    };
  }
  const perModel = options.baseModels?.map((model, i) => ({ ...options.simulator, baseModels: [model], port: i === 0 ? options.simulator?.port : 0 }));
  const simulators: Simulator[] = [];
  try {
    for (const simulatorOptions of perModel ?? [options.simulator]) simulators.push(await startSimulator(simulatorOptions));
  } catch (error) {
    await Promise.all(simulators.map((sim) => sim.close()));
    throw error;
  }
  const url = `${simulators[0].url}/v1`;
  const embeddingModel = (options.simulator?.embeddingModels ?? ['sim-embed'])[0];
  return {
    inferenceUrl: url,
    trainingUrl: url,
    // Each simulator trains its own base's agents: its trainer and its engine share their state.
    engines: perModel
      ? simulators.map((sim, i) => engineFor(perModel[i].baseModels[0], `${sim.url}/v1`, { trainingUrl: `${sim.url}/v1` }))
      : [engineFor(null, url)],
    simulators,
    ...(embeddingModel ? { embeddings: { url, model: embeddingModel } } : {}),
    describe: `simulator (seeded simulated agents, not a model) at ${simulators.map((sim) => `${sim.url}/v1`).join(', ')}`,
    stop: async () => void (await Promise.all(simulators.map((sim) => sim.close()))),
  };
}

export interface LocalStack {
  server: DevServer;
  client: Client;
  backendUrls: { inference: string; training: string };
  /** The real model's services (backend 'smollm2'). */
  runtime?: RuntimeServices;
  /** The simulators, one per engine (backend 'simulator'). */
  simulators?: Simulator[];
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
  const fromEnv = workerSettingsFromEnv(process.env, {
    temporal: server.connection,
    inferenceUrl: backend.inferenceUrl,
    trainingUrl: backend.trainingUrl,
    engines: [], // the backend's, below: a local stack ignores MAFT_ENGINES
    ...(backend.capacity ? { inferenceConcurrency: backend.capacity } : {}),
    ...(backend.embeddings ? { embeddings: { ...backend.embeddings, apiKey: 'EMPTY' } } : {}),
    artifactRoot,
    adapterRoot,
    trainingPollMs: 200,
    ...options.settings,
  });
  const settings = {
    ...fromEnv,
    engines: options.settings?.engines ?? backend.engines.map((e) => ({ ...e, capacity: e.capacity ?? fromEnv.inferenceConcurrency })),
  };
  const { workers, connection } = await createWorkers({ settings, workflowBundle: options.workflowBundle });
  const running = workers.map((w) => w.run());
  say(`maft: workers polling ${Object.values(settings.queues).join(', ')}`);
  const client = new Client({
    connection: await Connection.connect({ address: server.address }),
    namespace: server.namespace,
    dataConverter: dataConverterFromEnv(),
  });

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
    simulators: backend.simulators,
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
