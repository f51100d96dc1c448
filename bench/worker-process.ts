/**
 * `maft worker` as a real process (bench/node-script.ts: from source through tsx in the tests, from
 * dist/ in the benchmark), configured by TEMPORAL_ADDRESS and MAFT_* variables like any deployment,
 * optionally on another host (a spawn prefix such as `ip netns exec <ns>`, bench/lan.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../activities/project-root';
import { nodeScriptArgs } from './node-script';

export interface WorkerProcess {
  process: ChildProcess;
  /** The end of its stderr, for failure messages. */
  stderr(): string;
  /** Signals it and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface WorkerProcessOptions {
  /** `maft worker`'s own flags, e.g. ['--only', 'training'] [none: every kind]. */
  args?: string[];
  /** Its working directory [the project's folder]. */
  cwd?: string;
  /** Run it through this prefix, e.g. ['ip', 'netns', 'exec', 'host'] [none]. */
  prefix?: string[];
}

/** Starts the worker and resolves once it polls (it printed "maft workers ..."). */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const [command, ...args] = [...(options.prefix ?? []), process.execPath, ...nodeScriptArgs('cli/main'), 'worker', ...(options.args ?? [])];
  const child = spawn(command, args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...process.env, MAFT_LOG_LEVEL: 'ERROR', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('maft workers') && resolve());
    child.once('exit', (code, signal) => reject(new Error(`maft worker exited (${code ?? signal}) before it polled: ${stderr}`)));
  });
  return {
    process: child,
    stderr: () => stderr,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
