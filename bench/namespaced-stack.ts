/**
 * maft deployed across hosts that share nothing but the network (bench/lan.ts): the Temporal dev
 * server, SeaweedFS (the artifact store, S3), the simulator (engine and trainer) and one `maft worker`
 * per task queue, each on a host of its own. Each worker starts in an empty working directory with an
 * empty TMPDIR of its own and reaches everything by address; artifacts live only in the bucket. The
 * caller, in this (root) namespace, drives runs through `client`. The multi-host test and the hosts
 * benchmark use it.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { startDevServer, type DevServer } from '../workers/dev-server';
import { createBucket, startSeaweed, type Seaweed } from '../workers/seaweedfs';
import { WORKER_KINDS, type WorkerKind } from '../workers/workers';
import { startLan, type Lan, type LanHost } from './lan';
import { startSimulatorProcess, type SimulatorProcess } from './stack';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** The hosts, one per service and one per worker kind. */
const HOSTS = { temporal: 'temporal', s3: 's3', simulator: 'sim', workflow: 'workflow', inference: 'inference', training: 'training' } as const;
const TEMPORAL_PORT = 7233;
const SIMULATOR_PORT = 8100;
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
  simulator: SimulatorProcess;
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
  /** Whether the workers measure embedding dissimilarity with the simulator's encoder, sim-embed [true]. */
  embeddings?: boolean;
  /** More variables for every worker (e.g. MAFT_TRAINING_POLL_MS). */
  workerEnv?: NodeJS.ProcessEnv;
}

export async function startNamespacedStack(options: NamespacedStackOptions): Promise<NamespacedStack> {
  const lan = startLan(Object.values(HOSTS));
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
    // --lora-resolver: with adapters in the bucket, the inference worker publishes one by naming it in a call (activities/inference.ts).
    const simulator = await startSimulatorProcess(
      [...(options.simulatorFlags ?? []), '--lora-resolver', '--host', host('simulator').ip, '--port', String(SIMULATOR_PORT)],
      host('simulator').prefix,
    );
    stoppers.push(async () => {
      simulator.process.kill();
      if (simulator.process.exitCode === null && simulator.process.signalCode === null) await new Promise((r) => simulator.process.once('exit', r));
    });
    const artifacts = `s3://${BUCKET}/${KEY_PREFIX}`;
    const modelUrl = `${simulator.url}/v1`;
    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: server.address,
      MAFT_ARTIFACTS: artifacts,
      ...seaweed.env,
      MAFT_INFERENCE_URL: modelUrl,
      MAFT_TRAINING_URL: modelUrl,
      ...(options.embeddings === false ? {} : { MAFT_EMBEDDINGS_URL: modelUrl, MAFT_EMBEDDINGS_MODEL: 'sim-embed' }),
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
    return { lan, server, seaweed, simulator, artifacts, workers, client, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
