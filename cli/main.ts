#!/usr/bin/env node
/** The maft command. */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'node:path';
import { PROJECT_ROOT, startDevServer } from '../workers/dev-server';
import { workerSettingsFromEnv } from '../workers/settings';
import { createWorkers, WORKER_KINDS, type WorkerKind } from '../workers/workers';
import { runDemo } from './demo';
import { registerGrade } from './grade';
import { startLocalStack } from '../workers/local-stack';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

const until = (signal: NodeJS.Signals) => new Promise<void>((resolve) => process.once(signal, () => resolve()));
const stopSignal = () => Promise.race([until('SIGINT'), until('SIGTERM')]);

/** The SDK's log level: MAFT_LOG_LEVEL, else `fallback` (the demo keeps its terminal for progress). */
function installLogger(fallback: LogLevel): void {
  Runtime.install({ logger: new DefaultLogger((process.env.MAFT_LOG_LEVEL as LogLevel | undefined) ?? fallback) });
}

const program = new Command('maft').description('Multiagent Finetuning (arXiv 2501.05707) on Temporal');

const stackOptions = (command: Command) =>
  command
    .option('--state-dir <dir>', 'where the server database and artifacts live', '.maft')
    .option('--port <port>', 'Temporal frontend port', integer, 7233)
    .option('--ui-port <port>', 'Temporal UI port', integer, 8233)
    .option('--simulator-port <port>', 'simulator port (0: any free port)', integer, 8100)
    .option('--seed <seed>', 'seed of the run and the simulator', integer, 0)
    .option('--simulator', 'use the simulator (seeded simulated agents) instead of SmolLM2-135M-Instruct on CPU');

stackOptions(program.command('demo'))
  .description('the main job: dev server + SmolLM2 trainer and server (or --simulator) + workers, Algorithm 1 for L=2 on arithmetic, then the table')
  .option('--keep-server', 'keep the server and UI up after the run (default when attached to a terminal)', process.stdout.isTTY)
  .option('--no-keep-server', 'stop everything when the run ends')
  .action(async (o) => {
    installLogger('ERROR');
    await runDemo({ ...o, keepServer: Boolean(o.keepServer), backend: o.simulator ? 'simulator' : 'smollm2' });
  });

stackOptions(program.command('up'))
  .description('dev server + SmolLM2 trainer and server (or --simulator) + workers, until Ctrl-C: start runs with `temporal workflow start`')
  .action(async (o) => {
    installLogger('WARN');
    const stack = await startLocalStack({
      stateDir: path.resolve(PROJECT_ROOT, o.stateDir),
      port: o.port,
      uiPort: o.uiPort,
      backend: o.simulator ? 'simulator' : 'smollm2',
      simulator: { seed: o.seed, port: o.simulatorPort },
      say: console.log,
    });
    console.log(`maft: ready. UI at ${stack.server.uiUrl}; Ctrl-C stops everything.`);
    await stopSignal();
    await stack.stop();
  });

program
  .command('server')
  .description('the Temporal dev server with its UI, persisting to <state-dir>/temporal.db')
  .option('--state-dir <dir>', 'where the server database lives', '.maft')
  .option('--port <port>', 'Temporal frontend port', integer, 7233)
  .option('--ui-port <port>', 'Temporal UI port', integer, 8233)
  .action(async (o) => {
    const server = await startDevServer({ dbFile: path.resolve(PROJECT_ROOT, o.stateDir, 'temporal.db'), port: o.port, uiPort: o.uiPort });
    console.log(`Temporal dev server at ${server.address}, UI at ${server.uiUrl} (Ctrl-C stops it)`);
    await stopSignal();
    await server.stop();
  });

program
  .command('worker')
  .description('maft workers; configured by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and MAFT_* variables (see README)')
  .option('--only <kinds>', `comma-separated subset of ${WORKER_KINDS.join(',')}`, WORKER_KINDS.join(','))
  .action(async (o) => {
    const kinds = String(o.only).split(',') as WorkerKind[];
    const unknown = kinds.filter((k) => !WORKER_KINDS.includes(k));
    if (unknown.length) throw new InvalidArgumentError(`unknown worker kind(s): ${unknown.join(', ')}`);
    installLogger('WARN');
    const settings = workerSettingsFromEnv();
    const { workers } = await createWorkers({ settings, kinds });
    console.log(`maft workers (${kinds.join(', ')}) polling ${settings.temporalAddress}; artifacts in ${settings.artifactRoot}`);
    const running = workers.map((w) => w.run());
    await stopSignal();
    workers.forEach((w) => w.shutdown());
    await Promise.all(running);
  });

registerGrade(program);

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(`maft: ${error.message}`);
  process.exit(1);
});
