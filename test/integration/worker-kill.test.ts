/**
 * A worker killed with SIGKILL at several points of a run, as a separate process, then restarted:
 * the run completes with the same results as an uninterrupted run with the same seed, and each
 * iteration created exactly 2N training jobs (retried activities re-attach; nothing trains twice).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import OpenAI from 'openai';
import { startSimulator, type Simulator } from '../../simulator/server';
import { PROJECT_ROOT } from '../../activities/project-root';
import { startDevServer, type DevServer } from '../../workers/dev-server';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { startStack } from '../helpers/stack';

jest.setTimeout(600_000);

const N = 3;
const config = { runId: 'crash', seed: 3, baseModel: 'sim-base', iterations: 2, task: { trainSize: 12, testSize: 6 }, maxConcurrentDebates: 4 };
const KILL_AFTER_MS = [2_000, 5_000, 9_000];

function trainTranscripts(artifactRoot: string, iteration: number): string[] {
  const dir = path.join(artifactRoot, 'runs', 'crash', `iteration-${iteration}`, 'debates', 'train');
  return readdirSync(dir)
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

let reference: { result: RunResult; artifactRoot: string };
let crashed: { result: RunResult; artifactRoot: string; kills: number; jobKeys: string[] };

async function startWorkerProcess(server: DevServer, simulator: Simulator, artifactRoot: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      MAFT_INFERENCE_URL: `${simulator.url}/v1`,
      MAFT_TRAINING_URL: `${simulator.url}/v1`,
      MAFT_EMBEDDINGS_MODEL: 'sim-embed', // as the reference run's local stack configures it
      MAFT_ARTIFACTS: artifactRoot,
      MAFT_TRAINING_POLL_MS: '50',
      MAFT_LOG_LEVEL: 'ERROR',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('maft workers') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
  return child;
}

beforeAll(async () => {
  const stack = await startStack();
  try {
    const result = await stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-crash', args: [{ config }] });
    reference = { result, artifactRoot: stack.artifactRoot };
  } finally {
    await stack.stop();
  }

  const server = await startDevServer();
  const simulator = await startSimulator({ seed: 0 });
  const artifactRoot = mkdtempSync(path.join(os.tmpdir(), 'maft-crash-'));
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  let worker = await startWorkerProcess(server, simulator, artifactRoot);
  try {
    const handle = await client.workflow.start(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-crash', args: [{ config }] });
    let kills = 0;
    const started = Date.now();
    for (const at of KILL_AFTER_MS) {
      await new Promise((r) => setTimeout(r, Math.max(0, started + at - Date.now())));
      if ((await handle.describe()).status.name !== 'RUNNING') break;
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGKILL');
      await exited;
      kills++;
      worker = await startWorkerProcess(server, simulator, artifactRoot);
    }
    const result = await handle.result();
    const api = new OpenAI({ baseURL: `${simulator.url}/v1`, apiKey: 'test' });
    const jobKeys = (await api.fineTuning.jobs.list({ limit: 100 })).data.map((j) => j.metadata?.maft_job_key ?? '');
    crashed = { result, artifactRoot, kills, jobKeys };
  } finally {
    worker.kill('SIGKILL');
    await client.connection.close();
    await simulator.close();
    await server.stop();
  }
});

describe('a run whose worker is killed -9 three times', () => {
  it('was really interrupted', () => {
    expect(crashed.kills).toBe(KILL_AFTER_MS.length);
  });

  it('ends with the results of an uninterrupted run', () => {
    expect(crashed.result.history).toEqual(reference.result.history);
    expect(crashed.result.baseEvaluation).toEqual(reference.result.baseEvaluation);
    for (const l of [1, 2]) expect(trainTranscripts(crashed.artifactRoot, l)).toEqual(trainTranscripts(reference.artifactRoot, l));
  });

  it('created exactly 2N training jobs per iteration', () => {
    for (const l of [1, 2])
      expect(crashed.jobKeys.filter((k) => k.startsWith(`crash/l${l}/`)).sort()).toEqual(
        ['critic', 'generation'].flatMap((role) => Array.from({ length: N }, (_, n) => `crash/l${l}/${role}/${n + 1}`)).sort(),
      );
  });
});
