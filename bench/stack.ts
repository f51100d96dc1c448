/**
 * What every benchmark scenario stands on: the simulator as a child process (so its CPU is its
 * own), the Temporal dev server, maft's workers in this process, and a client; torn down after.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { startDevServer, type DevServer } from '../workers/dev-server';
import { workerSettingsFromEnv, type WorkerSettings } from '../workers/settings';
import { createWorkers } from '../workers/workers';
import { nodeScriptArgs } from './node-script';

export interface SimulatorProcess {
  url: string;
  process: ChildProcess;
}

/** The simulator (bench/node-script.ts) with `--port 0 --quiet --record-calls` and these flags (a later --port wins), run
 * through `prefix` when given (another host, bench/lan.ts); resolves once it listens. */
export async function startSimulatorProcess(flags: string[], prefix: string[] = []): Promise<SimulatorProcess> {
  const args = ['--port', '0', '--quiet', '--record-calls', ...flags];
  const [command, ...commandArgs] = [...prefix, process.execPath, ...nodeScriptArgs('simulator/main'), ...args];
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { url: line.replace('simulator listening on ', '').trim(), process: child };
}

export interface BenchStack {
  simulator: SimulatorProcess;
  server: DevServer;
  settings: WorkerSettings;
  client: Client;
}

/** Runs `body` on a fresh stack; `worker` sets the worker's inferenceConcurrency (model calls at once) and trainingSlots. */
export async function withBenchStack<T>(
  simulatorFlags: string[],
  worker: Pick<WorkerSettings, 'inferenceConcurrency'> & Partial<WorkerSettings>,
  body: (stack: BenchStack) => Promise<T>,
): Promise<T> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const simulator = await startSimulatorProcess(simulatorFlags);
  const server = await startDevServer();
  const settings = workerSettingsFromEnv(
    {},
    {
      temporal: server.connection,
      inferenceUrl: `${simulator.url}/v1`,
      trainingUrl: `${simulator.url}/v1`,
      artifactRoot: mkdtempSync(path.join(os.tmpdir(), 'maft-bench-')),
      trainingPollMs: 50,
      ...worker,
    },
  );
  const { workers, connection } = await createWorkers({ settings });
  const running = workers.map((w) => w.run());
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  try {
    return await body({ simulator, server, settings, client });
  } finally {
    workers.forEach((w) => w.shutdown());
    await Promise.allSettled(running);
    await connection.close();
    await client.connection.close();
    await server.stop();
    simulator.process.kill();
  }
}

/** GET a simulator admin route's JSON. */
export async function simulatorAdmin<T>(simulator: SimulatorProcess, route: string): Promise<T> {
  return (await (await fetch(`${simulator.url}/admin/${route}`)).json()) as T;
}

/** Prints the scenario's one JSON record as the last line of stdout, or the error and exit 1. */
export function printRecord(result: Promise<unknown>): void {
  result.then(
    (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
    (error: Error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
