/**
 * maft deployed across hosts that share nothing but the network (bench/lan.ts): the Temporal dev
 * server, SeaweedFS (the artifact store, S3), the models (the simulator, engine and trainer on one
 * host; or a real model: vLLM's CPU build on an engine host and the gpu-runtime's trainer on a trainer
 * host) and one `maft worker` per task queue, each on a host of its own. Each worker starts in an empty working directory with an
 * empty TMPDIR of its own and reaches everything by address; artifacts live only in the bucket. The
 * caller, in this (root) namespace, drives runs through `client`. The multi-host test and the hosts
 * benchmark use it.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../activities/project-root';
import { startDevServer, type DevServer } from '../workers/dev-server';
import { startTrainer, startVllm, type RuntimeService } from '../workers/runtime-services';
import { createBucket, startSeaweed, type Seaweed } from '../workers/seaweedfs';
import { WORKER_KINDS, type WorkerKind } from '../workers/workers';
import { startLan, type Lan, type LanHost } from './lan';
import { startSimulatorProcess, type SimulatorProcess } from './stack';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** The hosts, one per service and one per worker kind (the simulator's host, or the real model's engine and trainer hosts). */
const HOSTS = {
  temporal: 'temporal',
  s3: 's3',
  simulator: 'sim',
  engine: 'engine',
  trainer: 'trainer',
  workflow: 'workflow',
  inference: 'inference',
  training: 'training',
} as const;
const TEMPORAL_PORT = 7233;
const SIMULATOR_PORT = 8100;
const ENGINE_PORT = 8000;
const TRAINER_PORT = 8200;
export const BUCKET = 'maft';
export const KEY_PREFIX = 'artifacts';

export interface NamespacedWorker {
  kind: WorkerKind;
  host: LanHost;
  /** Its working directory and its TMPDIR, empty at its start. */
  cwd: string;
  tmpdir: string;
  process: WorkerProcess;
}

export interface NamespacedStack {
  lan: Lan;
  server: DevServer;
  seaweed: Seaweed;
  /** The simulator (no `model` option), or the real model's engine and trainer, each on its host. */
  simulator?: SimulatorProcess;
  engine?: RuntimeService;
  trainer?: RuntimeService;
  /** MAFT_ARTIFACTS of every worker: s3://BUCKET/KEY_PREFIX. */
  artifacts: string;
  workers: NamespacedWorker[];
  client: Client;
  /** Stops everything it started and deletes the LAN; idempotent. */
  stop(): Promise<void>;
}

export interface NamespacedStackOptions {
  /** Holds each host's own folders (SeaweedFS's data, each worker's cwd and TMPDIR); no two hosts share one. */
  stateDir: string;
  /** The simulator's flags (its host and port are the stack's). */
  simulatorFlags?: string[];
  /** A real base model instead of the simulator (e.g. SmolLM2-135M-Instruct, from the project's models folder, read only):
   * vLLM's CPU build serves it with LoRA on an engine host (adapters fetched from the bucket by its S3 resolver into that
   * host's own cache) and the gpu-runtime's trainer trains it on a trainer host (adapters uploaded to the bucket). */
  model?: { name: string; engineEnv?: NodeJS.ProcessEnv };
  /** Whether the workers measure embedding dissimilarity with the simulator's encoder, sim-embed [true]. */
  embeddings?: boolean;
  /** More variables for every worker (e.g. MAFT_TRAINING_POLL_MS). */
  workerEnv?: NodeJS.ProcessEnv;
}

export async function startNamespacedStack(options: NamespacedStackOptions): Promise<NamespacedStack> {
  const modelHosts: (keyof typeof HOSTS)[] = options.model ? ['engine', 'trainer'] : ['simulator'];
  const lan = startLan((['temporal', 's3', ...modelHosts, 'workflow', 'inference', 'training'] as const).map((key) => HOSTS[key]));
  const stoppers: Array<() => Promise<void>> = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
    lan.teardown();
  };
  try {
    const host = (key: keyof typeof HOSTS) => lan.hosts[HOSTS[key]];
    const server = await startDevServer({ ip: host('temporal').ip, port: TEMPORAL_PORT, uiPort: TEMPORAL_PORT + 1000, prefix: host('temporal').prefix });
    stoppers.push(() => server.stop());
    const seaweed = await startSeaweed({
      dataDir: path.join(options.stateDir, 's3'),
      ip: host('s3').ip,
      s3Port: 8333,
      accessKey: 'maft-test',
      secretKey: 'maft-test-secret',
      prefix: host('s3').prefix,
    });
    stoppers.push(() => seaweed.stop());
    await createBucket(seaweed, BUCKET);
    const artifacts = `s3://${BUCKET}/${KEY_PREFIX}`;
    const models = options.model
      ? await startModelHosts(
          options.model,
          { engine: host('engine'), trainer: host('trainer') },
          { MAFT_ARTIFACTS: artifacts, ...seaweed.env },
          options.stateDir,
        )
      : await startSimulatorHost(options.simulatorFlags ?? [], host('simulator'), options.embeddings !== false);
    stoppers.push(models.stop);
    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: server.address,
      MAFT_ARTIFACTS: artifacts,
      ...seaweed.env,
      ...models.workerEnv,
      // tsx (the tests run workers from source) would cache its compiled files under TMPDIR.
      TSX_DISABLE_CACHE: '1',
      ...options.workerEnv,
    };
    const workers = await Promise.all(
      WORKER_KINDS.map(async (kind): Promise<NamespacedWorker> => {
        const cwd = path.join(options.stateDir, kind, 'cwd');
        const tmpdir = path.join(options.stateDir, kind, 'tmp');
        mkdirSync(cwd, { recursive: true });
        mkdirSync(tmpdir, { recursive: true });
        const worker = await startWorkerProcess({ ...env, TMPDIR: tmpdir }, { args: ['--only', kind], cwd, prefix: host(kind).prefix });
        stoppers.push(() => worker.kill());
        return { kind, host: host(kind), cwd, tmpdir, process: worker };
      }),
    );
    const connection = await Connection.connect({ address: server.address });
    stoppers.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });
    return { lan, server, seaweed, ...models.services, artifacts, workers, client, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface ModelHosts {
  services: Pick<NamespacedStack, 'simulator' | 'engine' | 'trainer'>;
  /** Where the workers reach them. */
  workerEnv: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** The simulator, engine and trainer in one. --lora-resolver: with adapters in the bucket, the inference worker
 * publishes one by naming it in a call (activities/inference.ts). */
async function startSimulatorHost(flags: string[], host: LanHost, embeddings: boolean): Promise<ModelHosts> {
  const simulator = await startSimulatorProcess([...flags, '--lora-resolver', '--host', host.ip, '--port', String(SIMULATOR_PORT)], host.prefix);
  const modelUrl = `${simulator.url}/v1`;
  return {
    services: { simulator },
    workerEnv: {
      MAFT_INFERENCE_URL: modelUrl,
      MAFT_TRAINING_URL: modelUrl,
      ...(embeddings ? { MAFT_EMBEDDINGS_URL: modelUrl, MAFT_EMBEDDINGS_MODEL: 'sim-embed' } : {}),
    },
    async stop() {
      simulator.process.kill();
      if (simulator.process.exitCode === null && simulator.process.signalCode === null) await new Promise((r) => simulator.process.once('exit', r));
    },
  };
}

/** vLLM on the engine host and the trainer on the trainer host, each with its own state and adapter folders; both reach
 * the bucket with `storeEnv` (MAFT_ARTIFACTS and the AWS_* variables). No encoder: the workers measure no embeddings. */
async function startModelHosts(
  model: NonNullable<NamespacedStackOptions['model']>,
  hosts: { engine: LanHost; trainer: LanHost },
  storeEnv: NodeJS.ProcessEnv,
  stateDir: string,
): Promise<ModelHosts> {
  const modelsDir = path.join(PROJECT_ROOT, '.maft', 'models');
  const own = (name: string) => ({ stateDir: path.join(stateDir, name), adapterRoot: path.join(stateDir, name, 'adapters') });
  const started = await Promise.allSettled([
    startVllm({
      role: 'generation',
      model: model.name,
      modelsDir,
      ...own('engine'),
      port: ENGINE_PORT,
      host: hosts.engine.ip,
      prefix: hosts.engine.prefix,
      env: { ...storeEnv, ...model.engineEnv },
    }),
    startTrainer({ modelsDir, ...own('trainer'), port: TRAINER_PORT, host: hosts.trainer.ip, prefix: hosts.trainer.prefix, env: storeEnv }),
  ]);
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(up.map((service) => service.stop()));
    throw failed.reason;
  }
  const [engine, trainer] = up;
  return {
    services: { engine, trainer },
    workerEnv: { MAFT_INFERENCE_URL: `${engine.url}/v1`, MAFT_TRAINING_URL: `${trainer.url}/v1` },
    stop: async () => void (await Promise.all([engine.stop(), trainer.stop()])),
  };
}
