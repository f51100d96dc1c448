/**
 * The gpu-runtime's real trainer (`python -m maft_runtime.trainer`: TRL + PEFT LoRA jobs in their own
 * processes, checkpoints every step) killed with SIGKILL in the middle of a job during a run, then
 * restarted on the same state directory and port: the job resumes from its checkpoint (not from step
 * 0), the run completes, and each agent was trained by exactly one job. The model is the gpu-runtime
 * suite's tiny random Llama chat model (SmolLM2 steps take tens of seconds on a shared 2-core machine);
 * the trainer's test hook slows each step to 0.5 s so that the kill lands mid-job. The debates run on the
 * simulator, which serves the trainer's adapters from their maft_model.json with their parent's
 * simulated skills: the trainer is what this test is about.
 */
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import { startSimulator, type Simulator } from '../../../simulator/server';
import { PROJECT_ROOT } from '../../../activities/project-root';
import { startDevServer, type DevServer } from '../../../workers/dev-server';
import { startTrainer, type RuntimeService, type TrainerOptions } from '../../../workers/runtime-services';
import { multiagentFinetuning } from '../../../workflows';
import type { RunResult } from '../../../workflows/run-types';
import { agentJobKeys, jobKey, trainingJobs } from '../../helpers/run-outcome';
import { startWorkerProcess, type WorkerProcess } from '../../../bench/worker-process';

const TINY = 'tiny-chat';
const N = 2;
const config = {
  runId: 'trainer-kill',
  seed: 1,
  baseModel: TINY,
  agents: N,
  iterations: 1,
  evaluateBase: false,
  criticMix: 0, // D^C+ only, so that every critic has data with skilled simulated agents
  task: { trainSize: 3, testSize: 1 },
};

/** The gpu-runtime suite's tiny chat model (gpu-runtime/tests/conftest.py), written to modelsDir/tiny-chat. */
function buildTinyModel(modelsDir: string): void {
  const script =
    'import sys, pathlib; sys.path.insert(0, "tests"); from conftest import build_tiny_chat_model; build_tiny_chat_model(pathlib.Path(sys.argv[1]))';
  execFileSync(path.join(PROJECT_ROOT, '.venv', 'bin', 'python'), ['-c', script, path.join(modelsDir, TINY)], {
    cwd: path.join(PROJECT_ROOT, 'gpu-runtime'),
    stdio: 'ignore',
  });
}

interface JobEvent {
  message: string;
  type: string;
  data?: { step?: number; total_steps?: number };
}

let result: RunResult;
let jobs: FineTuningJob[];
let killed: { jobId: string; exitSignal: NodeJS.Signals | null; jobProcessAliveAfter: boolean; statusAfterRestart: string };
let events: JobEvent[];
let served: string[];
let adapterRoot: string;

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is dead
  } catch {
    return false;
  }
};

async function get<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

async function eventsOf(trainer: RuntimeService, jobId: string): Promise<JobEvent[]> {
  return (await get<{ data: JobEvent[] }>(`${trainer.url}/v1/fine_tuning/jobs/${jobId}/events?limit=1000`)).data.reverse();
}

/** A running job that has saved a checkpoint and has at least two steps to go. */
async function jobWithCheckpoint(trainer: RuntimeService): Promise<string | undefined> {
  const running = (await get<{ data: FineTuningJob[] }>(`${trainer.url}/v1/fine_tuning/jobs?limit=100`)).data.filter((j) => j.status === 'running');
  for (const job of running) {
    const seen = await eventsOf(trainer, job.id);
    const checkpoint = seen.some((e) => /^Checkpoint saved at step \d+\.$/.test(e.message));
    const last = seen.filter((e) => e.type === 'metrics').at(-1)?.data;
    if (checkpoint && last?.step !== undefined && last.total_steps !== undefined && last.total_steps - last.step >= 2) return job.id;
  }
  return undefined;
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-trainer-kill-'));
  adapterRoot = path.join(dir, 'adapters');
  const modelsDir = path.join(dir, 'models');
  buildTinyModel(modelsDir);
  const trainerOptions: TrainerOptions = {
    stateDir: dir,
    modelsDir,
    adapterRoot,
    args: ['--checkpoint-every-steps', '1'],
    env: { MAFT_TRAINER_TEST_STEP_DELAY: '0.5' }, // the trainer's test hook: slow steps, so a kill lands mid-job
  };
  let server: DevServer | undefined;
  let simulator: Simulator | undefined;
  let trainer: RuntimeService | undefined;
  let worker: WorkerProcess | undefined;
  let client: Client | undefined;
  try {
    [server, simulator, trainer] = await Promise.all([
      startDevServer(),
      startSimulator({ seed: 0, baseModels: [TINY], baseSkill: 0.9 }),
      startTrainer(trainerOptions),
    ]);
    worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: server.address,
      MAFT_INFERENCE_URL: `${simulator.url}/v1`,
      MAFT_TRAINING_URL: `${trainer.url}/v1`,
      MAFT_ARTIFACTS: path.join(dir, 'artifacts'),
      MAFT_ADAPTER_ROOT: adapterRoot,
      MAFT_TRAINING_POLL_MS: '250',
    });
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const handle = await client.workflow.start(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });

    let jobId: string | undefined;
    while (!(jobId = await jobWithCheckpoint(trainer))) await new Promise((r) => setTimeout(r, 200));
    const jobPid = (JSON.parse(readFileSync(path.join(dir, 'trainer', 'jobs', jobId, 'job.json'), 'utf8')) as { pid: number }).pid;
    trainer.process.kill('SIGKILL'); // the service only: its job process must die with it
    await new Promise((r) => trainer!.process.once('exit', r));
    const exitSignal = trainer.process.signalCode;
    await new Promise((r) => setTimeout(r, 1_000));
    const jobProcessAliveAfter = pidAlive(jobPid);
    trainer = await startTrainer({ ...trainerOptions, port: Number(new URL(trainer.url).port) });
    const statusAfterRestart = (await get<FineTuningJob>(`${trainer.url}/v1/fine_tuning/jobs/${jobId}`)).status;
    killed = { jobId, exitSignal, jobProcessAliveAfter, statusAfterRestart };

    result = await handle.result();
    jobs = await trainingJobs(`${trainer.url}/v1`);
    events = await eventsOf(trainer, jobId);
    served = (await get<{ data: Array<{ id: string }> }>(`${simulator.url}/v1/models`)).data.map((m) => m.id);
  } finally {
    await worker?.kill();
    await client?.connection.close();
    await trainer?.stop();
    await simulator?.close();
    await server?.stop();
  }
}, 300_000);

describe('a run whose trainer is killed -9 mid-job and restarted', () => {
  it('killed the trainer while a job was running, and the job process died with it', () => {
    expect(killed.exitSignal).toBe('SIGKILL');
    expect(killed.jobProcessAliveAfter).toBe(false);
    expect(killed.statusAfterRestart).toBe('running'); // picked up again by the restarted trainer
  });

  it('resumed the job from its checkpoint, not from step 0, and trained it to the end once', () => {
    const messages = events.map((e) => e.message);
    expect(messages.filter((m) => m.startsWith('The trainer service restarted'))).toHaveLength(1);
    const resumed = messages.filter((m) => /^Resumed from checkpoint at step \d+\.$/.test(m));
    expect(resumed).toHaveLength(1);
    const step = Number(/\d+/.exec(resumed[0])![0]);
    expect(step).toBeGreaterThanOrEqual(1);
    const after = events
      .slice(messages.indexOf(resumed[0]) + 1)
      .filter((e) => e.type === 'metrics')
      .map((e) => e.data!);
    expect(after[0].step).toBe(step + 1);
    expect(after.at(-1)!.step).toBe(after.at(-1)!.total_steps);
    expect(jobs.find((j) => j.id === killed.jobId)!.status).toBe('succeeded');
  });

  it('completed the run with every agent finetuned by exactly one job (2N in all)', () => {
    const [iteration] = result.history;
    expect(iteration.skipped).toEqual([]);
    expect(jobs.map(jobKey).sort()).toEqual(agentJobKeys('trainer-kill', 1, N));
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
    const names = [...iteration.agents.generation, ...iteration.agents.critic];
    expect(names.sort()).toEqual(jobs.map((j) => j.fine_tuned_model).sort());
    for (const name of names) expect(existsSync(path.join(adapterRoot, name, 'adapter_model.safetensors'))).toBe(true);
  });

  it('published the real adapters, which the evaluation used', () => {
    expect(served).toEqual(expect.arrayContaining([...result.history[0].agents.generation, ...result.history[0].agents.critic]));
    expect(result.history[0].evaluation.total).toBe(1);
  });
});
