/**
 * CLI entry: node dist/simulator/main.js --port 8100 --seed 0 --latency-ms 0 ...
 * Prints "simulator listening on http://127.0.0.1:PORT" on stdout and runs until SIGTERM/SIGINT.
 */
import { parseCliArgs, USAGE } from './cli-args';
import { startSimulator } from './server';

async function main(): Promise<void> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = args.quiet ? undefined : (line: string) => process.stderr.write(`[simulator] ${line}\n`);
  const sim = await startSimulator({ ...args.options, log });
  process.stdout.write(`simulator listening on ${sim.url}\n`);
  log?.('seeded simulated agents for tests and demos; this is not a language model');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log?.(`${signal}: shutting down`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
