/**
 * The gpu-runtime's services as child processes of a maft command: the trainer (OpenAI fine-tuning
 * API subset) and the CPU inference server (OpenAI chat + vLLM's LoRA contract), both from the
 * project's .venv, sharing the models folder and the adapter root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import * as path from 'node:path';
import { ownChildProcess } from './child-processes';
import { freePort, PROJECT_ROOT } from './dev-server';

export const SMOLLM2 = 'SmolLM2-135M-Instruct';

export interface RuntimeServicesOptions {
  /** Holds trainer/ (jobs, checkpoints) and the services' logs. */
  stateDir: string;
  modelsDir: string;
  adapterRoot: string;
  baseModel: string;
  trainerPort?: number;
  serverPort?: number;
  /** Sequences the CPU server batches into one generate call. */
  maxBatchSize?: number;
}

export interface RuntimeService {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface RuntimeServices {
  trainer: RuntimeService;
  server: RuntimeService;
  stop(): Promise<void>;
}

function python(): string {
  const binary = path.join(PROJECT_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(binary)) throw new Error(`${binary} not found: run scripts/setup.sh`);
  return binary;
}

async function startService(name: string, module: string, args: string[], readyPath: string, env: NodeJS.ProcessEnv, logDir: string, port: number): Promise<RuntimeService> {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(python(), ['-m', module, '--host', '127.0.0.1', '--port', String(port), ...args], {
    cwd: path.join(PROJECT_ROOT, 'gpu-runtime'),
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true, // its own process group: stop() ends the service and the job processes it started
  });
  ownChildProcess(child, true);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}; see ${path.join(logDir, `${name}.log`)}`);
    const ok = await fetch(`${url}${readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${name} did not become ready at ${url}; see ${path.join(logDir, `${name}.log`)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    process: child,
    /** SIGTERM to the service's process group; SIGKILL if it has not exited 10 s later (a CPU
     * server in the middle of a long generation does not stop sooner). */
    async stop() {
      const signalGroup = (signal: NodeJS.Signals) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      };
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface TrainerOptions extends Pick<RuntimeServicesOptions, 'stateDir' | 'modelsDir' | 'adapterRoot'> {
  port?: number;
  /** More flags, e.g. ['--checkpoint-every-steps', '1']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The trainer alone, on <stateDir>/trainer: started again on the same state dir and port, it resumes its jobs. */
export async function startTrainer(options: TrainerOptions): Promise<RuntimeService> {
  const env = { MAFT_MODELS_DIR: options.modelsDir, MAFT_ADAPTER_ROOT: options.adapterRoot, ...options.env };
  const args = ['--state-dir', path.join(options.stateDir, 'trainer'), ...(options.args ?? [])];
  const port = options.port ?? (await freePort());
  return startService('trainer', 'maft_runtime.trainer', args, '/v1/fine_tuning/jobs?limit=1', env, path.join(options.stateDir, 'logs'), port);
}

export async function startRuntimeServices(options: RuntimeServicesOptions): Promise<RuntimeServices> {
  const env = { MAFT_MODELS_DIR: options.modelsDir, MAFT_ADAPTER_ROOT: options.adapterRoot };
  const logDir = path.join(options.stateDir, 'logs');
  const serverPort = options.serverPort ?? (await freePort());
  const trainer = await startTrainer({ ...options, port: options.trainerPort });
  try {
    const server = await startService(
      'inference-server',
      'maft_runtime.serve',
      ['--model', options.baseModel, '--max-batch-size', String(options.maxBatchSize ?? 8)],
      '/health',
      env,
      logDir,
      serverPort,
    );
    return { trainer, server, stop: async () => void (await Promise.all([trainer.stop(), server.stop()])) };
  } catch (error) {
    await trainer.stop();
    throw error;
  }
}
