#!/usr/bin/env node
/** The maft command. */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'node:path';
import { runCodecServer } from '../workers/codec-server';
import { describeConnection } from '../workers/connection';
import { PROJECT_ROOT } from '../activities/project-root';
import { startDevServer } from '../workers/dev-server';
import { workerSettingsFromEnv } from '../workers/settings';
import { createWorkers, WORKER_KINDS, type WorkerKind } from '../workers/workers';
import { registerCancelCommand } from './commands/cancel';
import { integer } from './commands/common';
import { registerExperimentCommand } from './commands/experiment';
import { registerListCommand } from './commands/list';
import { registerReportCommand } from './commands/report';
import { registerResumeCommand } from './commands/resume';
import { registerRunCommand } from './commands/run';
import { registerStatusCommand } from './commands/status';
import { connectionFromFlags, withConnectionFlags } from './connection-flags';
import { runDemo } from './demo';
import { registerGrade } from './grade';
import { startLocalStack } from '../workers/local-stack';

const until = (signal: NodeJS.Signals) => new Promise<void>((resolve) => process.once(signal, () => resolve()));
const stopSignal = () => Promise.race([until('SIGINT'), until('SIGTERM')]);
const example = (...lines: string[]) => `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;

/** The SDK's log level: MAFT_LOG_LEVEL, else `fallback` (the demo keeps its terminal for progress). */
function installLogger(fallback: LogLevel): void {
  Runtime.install({ logger: new DefaultLogger((process.env.MAFT_LOG_LEVEL as LogLevel | undefined) ?? fallback) });
}

const program = new Command('maft').description('Multiagent Finetuning (arXiv 2501.05707) on Temporal').showHelpAfterError();

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
  .addHelpText('after', example('maft demo --simulator --no-keep-server'))
  .action(async (o) => {
    installLogger('ERROR');
    await runDemo({ ...o, keepServer: Boolean(o.keepServer), backend: o.simulator ? 'simulator' : 'smollm2' });
  });

stackOptions(program.command('up'))
  .description('dev server + SmolLM2 trainer and server (or --simulator) + workers, until Ctrl-C: start runs with `maft run`')
  .option(
    '--models <names>',
    "the society's base models, comma-separated: one vLLM engine each (from .maft/models), or one simulator each with --simulator",
    (v: string) =>
      v
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
  )
  .option('--skill-spread <x>', "with --simulator: how far the base models' Appendix G skill shares start apart, 0 to 1 (docs/simulator.md)", Number)
  .addHelpText('after', example('maft up --simulator     # then, in another terminal: maft run examples/run.yaml'))
  .action(async (o) => {
    installLogger('WARN');
    const stack = await startLocalStack({
      stateDir: path.resolve(PROJECT_ROOT, o.stateDir),
      port: o.port,
      uiPort: o.uiPort,
      backend: o.simulator ? 'simulator' : 'smollm2',
      baseModels: o.models,
      simulator: { seed: o.seed, port: o.simulatorPort, ...(o.skillSpread !== undefined ? { skillSpread: o.skillSpread } : {}) },
      say: console.log,
    });
    console.log(`maft: ready. UI at ${stack.server.uiUrl}; Ctrl-C stops everything.`);
    await stopSignal();
    await stack.stop();
  });

program
  .command('server')
  .description("the Temporal dev server with its UI and maft's search attributes, persisting to <state-dir>/temporal.db")
  .option('--state-dir <dir>', 'where the server database lives', '.maft')
  .option('--port <port>', 'Temporal frontend port', integer, 7233)
  .option('--ui-port <port>', 'Temporal UI port', integer, 8233)
  .addHelpText('after', example('maft server --state-dir .maft'))
  .action(async (o) => {
    const server = await startDevServer({ dbFile: path.resolve(PROJECT_ROOT, o.stateDir, 'temporal.db'), port: o.port, uiPort: o.uiPort });
    console.log(`Temporal dev server at ${server.address}, UI at ${server.uiUrl} (Ctrl-C stops it)`);
    await stopSignal();
    await server.stop();
  });

withConnectionFlags(program.command('worker'))
  .description('maft workers against any Temporal server; the model backend and queues come from MAFT_* variables (see README)')
  .option('--only <kinds>', `comma-separated subset of ${WORKER_KINDS.join(',')}`, WORKER_KINDS.join(','))
  .addHelpText(
    'after',
    example(
      'MAFT_INFERENCE_URL=http://gpu1:8000/v1 maft worker --address temporal.internal:7233 --namespace research',
      'TEMPORAL_API_KEY=... maft worker --address ns.acct.tmprl.cloud:7233 --namespace ns.acct --only training',
    ),
  )
  .action(async (o) => {
    const kinds = String(o.only).split(',') as WorkerKind[];
    const unknown = kinds.filter((k) => !WORKER_KINDS.includes(k));
    if (unknown.length) throw new InvalidArgumentError(`unknown worker kind(s): ${unknown.join(', ')}`);
    installLogger('WARN');
    const settings = workerSettingsFromEnv(process.env, { temporal: connectionFromFlags(o) });
    const { workers } = await createWorkers({ settings, kinds });
    console.log(`maft workers (${kinds.join(', ')}) polling ${describeConnection(settings.temporal)}; artifacts in ${settings.artifactRoot}`);
    const running = workers.map((w) => w.run());
    await stopSignal();
    // The SDK's runtime shuts workers down on SIGINT/SIGTERM itself; stop only those still running.
    workers.filter((w) => w.getState() === 'RUNNING').forEach((w) => w.shutdown());
    await Promise.all(running);
  });

program
  .command('codec-server')
  .description('the payload codec server (workers/codec-server.ts) for the Temporal UI and CLI when MAFT_CODEC_KEY encrypts payloads')
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--port <port>', 'port', integer, 8888)
  .option('--cors-origins <origins>', 'comma-separated browser origins allowed (default MAFT_CODEC_CORS_ORIGINS, else the local UI)')
  .addHelpText('after', example('MAFT_CODEC_KEY=... maft codec-server --port 8888'))
  .action(async (o) => {
    const server = await runCodecServer(o);
    await stopSignal();
    await server.close();
  });

registerRunCommand(program);
registerStatusCommand(program);
registerListCommand(program);
registerCancelCommand(program);
registerResumeCommand(program);
registerReportCommand(program);
registerExperimentCommand(program);
registerGrade(program);

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(`maft: ${error.message}`);
  process.exit(1);
});
