/**
 * The Temporal dev server, persisting to a SQLite file, killed with SIGKILL twice during a run
 * (iteration 1's debates, then iteration 2 after continue-as-new) and restarted on the same port
 * after a few seconds. The worker is a separate `maft worker` process that is never restarted: it
 * rides out the outage on its own (its pollers retry while the server is unreachable). The run ends
 * with the results of an uninterrupted run, with exactly 2N training jobs per iteration.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator } from '../../../simulator/server';
import { startDevServer, type DevServer } from '../../../workers/dev-server';
import { multiagentFinetuning, progressQuery } from '../../../workflows';
import type { Progress } from '../../../workflows/run-types';
import { agentJobKeys, cleanRun, jobKey, storedTranscripts, trainingJobs, type RunOutcome } from '../../helpers/run-outcome';
import { startWorkerProcess } from '../../../bench/worker-process';

const N = 3;
const config = { runId: 'server-kill', seed: 4, baseModel: 'sim-base', agents: N, iterations: 2, task: { trainSize: 6, testSize: 3 }, maxConcurrentDebates: 2 };
const DOWN_MS = 3_000;
/** Where each kill lands: iteration 1 while debating, and iteration 2 (a new run of the chain). */
const KILL_WHEN: Array<(p: Progress) => boolean> = [
  (p) => p.iteration === 1 && p.phase === 'debate' && p.questionsDone >= 2,
  (p) => p.iteration === 2 && p.phase !== 'starting',
];

let reference: RunOutcome;
let crashed: RunOutcome;
const killedAt: string[] = [];
const serverExits: Array<NodeJS.Signals | null> = [];
let workerExitedDuringRun: boolean | undefined;

async function progressOf(client: Client): Promise<Progress | undefined> {
  try {
    return await client.workflow.getHandle(`maft-${config.runId}`).query(progressQuery);
  } catch {
    return undefined; // the server is down or the workflow task is being retried
  }
}

beforeAll(async () => {
  reference = await cleanRun(config);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-server-kill-'));
  const dbFile = path.join(dir, 'temporal.db');
  let server: DevServer = await startDevServer({ dbFile });
  const [port, uiPort] = [Number(server.address.split(':')[1]), Number(new URL(server.uiUrl).port)];
  // Some latency per model call, so that the run is still going when the kills land.
  const simulator = await startSimulator({ seed: 0, latencyMs: 40 });
  const artifactRoot = path.join(dir, 'artifacts');
  const worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: server.address,
    MAFT_INFERENCE_URL: `${simulator.url}/v1`,
    MAFT_TRAINING_URL: `${simulator.url}/v1`,
    MAFT_EMBEDDINGS_MODEL: 'sim-embed', // as the reference run's local stack configures it
    MAFT_ARTIFACTS: artifactRoot,
    MAFT_TRAINING_POLL_MS: '50',
  });
  let workerExited = false;
  worker.process.once('exit', () => (workerExited = true));
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  try {
    const handle = await client.workflow.start(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });
    for (const due of KILL_WHEN) {
      let progress: Progress | undefined;
      while (!(progress && due(progress))) {
        await new Promise((r) => setTimeout(r, 100));
        progress = await progressOf(client);
        if (progress?.phase === 'done') throw new Error('the run finished before the server could be killed');
      }
      killedAt.push(`${progress.iteration}:${progress.phase}`);
      await server.stop('SIGKILL');
      serverExits.push(server.process.signalCode);
      await new Promise((r) => setTimeout(r, DOWN_MS));
      server = await startDevServer({ dbFile, port, uiPort });
    }
    const result = await handle.result();
    workerExitedDuringRun = workerExited;
    crashed = { result, transcripts: storedTranscripts(artifactRoot, config.runId), jobs: await trainingJobs(`${simulator.url}/v1`) };
  } finally {
    await worker.kill();
    await client.connection.close();
    await simulator.close();
    await server.stop();
  }
}, 240_000);

describe('a run whose Temporal server is killed -9 twice and restarted on its SQLite file', () => {
  it('was killed mid-run, in both iterations', () => {
    expect(serverExits).toEqual(['SIGKILL', 'SIGKILL']);
    expect(killedAt).toHaveLength(2);
    expect(killedAt[0]).toBe('1:debate');
    expect(killedAt[1]).toMatch(/^2:(debate|datasets|finetune|evaluate)$/);
  });

  it('kept the same worker process: it rode out both outages without a restart', () => {
    expect(workerExitedDuringRun).toBe(false);
  });

  it('ends with the results and transcripts of an uninterrupted run', () => {
    expect(crashed.result.history).toEqual(reference.result.history);
    expect(crashed.result.baseEvaluation).toEqual(reference.result.baseEvaluation);
    expect(Object.keys(crashed.transcripts)).toHaveLength(3 + 2 * (6 + 3));
    expect(crashed.transcripts).toEqual(reference.transcripts);
  });

  it('created exactly 2N training jobs per iteration, all succeeded', () => {
    expect(reference.result.history.map((h) => h.skipped)).toEqual([[], []]); // every agent trains
    for (const l of [1, 2]) {
      expect(
        crashed.jobs
          .map(jobKey)
          .filter((k) => k.startsWith(`server-kill/l${l}/`))
          .sort(),
      ).toEqual(agentJobKeys('server-kill', l, N));
    }
    expect(crashed.jobs).toHaveLength(4 * N);
    expect(crashed.jobs.every((j) => j.status === 'succeeded')).toBe(true);
  });
});
