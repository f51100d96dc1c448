/**
 * API keys stay out of Temporal. A `maft worker` process runs with MAFT_INFERENCE_API_KEY and
 * MAFT_TRAINING_API_KEY set to a random marker, against a simulator that refuses any request without
 * that bearer key, through a run with retried faults (so failures are recorded) and continue-as-new.
 * Then the full history of every workflow execution of the run (the top workflow's continue-as-new
 * chain and every child), re-encoded as protobuf bytes (payloads, failures, headers, memo), and every
 * file of the artifact store, are searched for the marker: it appears nowhere.
 */
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../../simulator/server';
import { startDevServer, type DevServer } from '../../../workers/dev-server';
import { multiagentFinetuning } from '../../../workflows';
import type { RunResult } from '../../../workflows/run-types';
import { runExecutions, type Execution } from '../../helpers/histories';
import { startWorkerProcess, type WorkerProcess } from '../../../bench/worker-process';

const MARKER = `maft-secret-${randomBytes(16).toString('hex')}`;
const config = { runId: 'secrets', seed: 7, baseModel: 'sim-base', agents: 3, iterations: 2, task: { trainSize: 4, testSize: 2 } };

let simulator: Simulator;
let result: RunResult;
let executions: Execution[];
let artifactFiles: Array<{ file: string; bytes: Buffer }>;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-secrets-'));
  let server: DevServer | undefined;
  let worker: WorkerProcess | undefined;
  let client: Client | undefined;
  simulator = await startSimulator({
    seed: 0,
    apiKey: MARKER,
    // failures that are retried, so that histories carry failure records too
    failNextChatCalls: [{ status: 500 }, { status: 429, retryAfterSeconds: 0 }, { drop: true }],
    failNextTrainingJobs: 1,
  });
  try {
    server = await startDevServer();
    worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: server.address,
      MAFT_INFERENCE_URL: `${simulator.url}/v1`,
      MAFT_TRAINING_URL: `${simulator.url}/v1`,
      MAFT_INFERENCE_API_KEY: MARKER,
      MAFT_TRAINING_API_KEY: MARKER,
      MAFT_ARTIFACTS: path.join(dir, 'artifacts'),
      MAFT_TRAINING_POLL_MS: '50',
    });
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
    result = await client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });
    executions = await runExecutions(client, config.runId);
    artifactFiles = filesUnder(path.join(dir, 'artifacts')).map((file) => ({ file, bytes: readFileSync(file) }));
  } finally {
    await worker?.kill();
    await client?.connection.close();
    await server?.stop();
  }
}, 120_000);

afterAll(() => simulator?.close());

describe('a run with its API keys set to a marker', () => {
  it('needed the key: the server refuses requests without it', async () => {
    const models = (authorization?: string) => fetch(`${simulator.url}/v1/models`, { headers: authorization ? { authorization } : {} });
    expect((await models()).status).toBe(401);
    expect((await models('Bearer wrong')).status).toBe(401);
    expect((await models(`Bearer ${MARKER}`)).status).toBe(200);
    expect(result.history.map((h) => h.iteration)).toEqual([1, 2]);
  });

  it('fetched every execution: the continue-as-new chain and every child', () => {
    const ids = executions.map((e) => e.workflowId);
    expect(ids.filter((id) => id === 'maft-secrets')).toHaveLength(2); // iteration 1, then iteration 2
    expect(ids.filter((id) => /-test-arithmetic-\d+$/.test(id))).toHaveLength(3 * 2);
    expect(ids.filter((id) => /-train-arithmetic-\d+$/.test(id))).toHaveLength(2 * 4);
    expect(executions).toHaveLength(2 + 6 + 8); // the evaluations run inside the run's executions
  });

  it('searched bytes that hold the payloads and the failures (the search finds what is there)', () => {
    const all = Buffer.concat(executions.map((e) => e.bytes));
    expect(all.includes('The answer is')).toBe(true); // model replies in the debates' payloads
    expect(all.includes('Simulated internal server error')).toBe(true); // a retried activity's last failure
    expect(simulator.state.counters.faults).toMatchObject({ error5xx: 1, rateLimit: 1, drop: 1 });
  });

  it('left the marker nowhere in any history, nor in the artifact store', () => {
    const leaks = [
      ...executions.map((e) => ({ where: `${e.workflowId}/${e.runId}`, bytes: e.bytes })),
      ...artifactFiles.map((f) => ({ where: f.file, bytes: f.bytes })),
    ]
      .filter(({ bytes }) => bytes.includes(MARKER))
      .map(({ where }) => where);
    expect(leaks).toEqual([]);
    expect(artifactFiles.length).toBeGreaterThan(0);
  });
});
