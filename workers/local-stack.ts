/**
 * Everything a run needs on one machine, in one process: the Temporal dev server, the simulator and
 * maft's workers. `maft demo` and `maft up` persist to <stateDir>/temporal.db with artifacts in
 * <stateDir>/artifacts; tests use an in-memory server, random ports and a temporary folder.
 */
import { Client, Connection } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import * as path from 'node:path';
import { startSimulator, type SimulatorOptions } from '../simulator/server';
import { startDevServer, type DevServer } from './dev-server';
import { workerSettingsFromEnv, type WorkerSettings } from './settings';
import { createWorkers } from './workers';

export interface LocalStackOptions {
  /** Holds temporal.db (unless inMemory) and artifacts/. */
  stateDir: string;
  /** An in-memory Temporal server instead of <stateDir>/temporal.db. */
  inMemory?: boolean;
  /** Ports; omitted: any free port. */
  port?: number;
  uiPort?: number;
  simulator?: SimulatorOptions;
  settings?: Partial<WorkerSettings>;
  workflowBundle?: WorkerOptions['workflowBundle'];
  say?: (line: string) => void;
}

export interface LocalStack {
  server: DevServer;
  client: Client;
  simulatorUrl: string;
  settings: WorkerSettings;
  stopWorkers(): Promise<void>;
  stop(options?: { keepServer?: boolean }): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const say = options.say ?? (() => undefined);
  const dbFile = options.inMemory ? undefined : path.join(options.stateDir, 'temporal.db');
  const server = await startDevServer({ dbFile, port: options.port, uiPort: options.uiPort });
  say(`maft: Temporal dev server at ${server.address}${dbFile ? `, state in ${dbFile}` : ''}`);
  const simulator = await startSimulator(options.simulator);
  say(`maft: simulator (seeded simulated agents, not a model) at ${simulator.url}/v1`);
  const artifactRoot = path.join(options.stateDir, 'artifacts');
  const settings = workerSettingsFromEnv(process.env, {
    temporalAddress: server.address,
    inferenceUrl: `${simulator.url}/v1`,
    trainingUrl: `${simulator.url}/v1`,
    artifactRoot,
    adapterRoot: path.join(artifactRoot, 'adapters'),
    trainingPollMs: 200,
    ...options.settings,
  });
  const { workers, connection } = await createWorkers({ settings, workflowBundle: options.workflowBundle });
  const running = workers.map((w) => w.run());
  say(`maft: workers polling ${Object.values(settings.queues).join(', ')}`);
  const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace: server.namespace });

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
    stopWorkers,
    async stop({ keepServer = false } = {}) {
      await stopWorkers();
      await simulator.close();
      await client.connection.close();
      if (!keepServer) await server.stop();
    },
  };
}
