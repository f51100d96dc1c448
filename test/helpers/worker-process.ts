/**
 * `maft worker` as a real process (the CLI run from source through tsx, so it is the code under
 * test, not a stale build), configured by TEMPORAL_ADDRESS and MAFT_* variables like any deployment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../activities/project-root';

export interface WorkerProcess {
  process: ChildProcess;
  /** The end of its stderr, for failure messages. */
  stderr(): string;
  /** Signals it and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the worker and resolves once it polls (it printed "maft workers ..."). */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'cli', 'main.ts'), 'worker'], {
    cwd: PROJECT_ROOT,
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
