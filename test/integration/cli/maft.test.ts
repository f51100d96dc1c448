/**
 * The built `maft` command as a child process against a real Temporal dev server, the simulator
 * over HTTP and maft's workers: run (detached and followed), status, list, cancel, resume, config
 * errors with file:line, and the connection settings through a real mTLS endpoint.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { searchAttributes } from '../../../core/search-attributes';
import { formatAccuracy } from '../../../core/stats';
import { connectOptions, temporalConnectionFromEnv } from '../../../workers/connection';
import { progressQuery } from '../../../workflows/multiagent-finetuning';
import type { RunResult } from '../../../workflows/run-types';
import { setSimulatorFaults } from '../../helpers/simulator-admin';
import { startStack, type Stack } from '../../helpers/stack';
import { assertBuilt, maft, spawnMaft } from './maft-cli';
import { startTlsProxy, TLS_FILES } from './tls-proxy';

jest.setTimeout(300_000);

let stack: Stack;
let dir: string;
beforeAll(async () => {
  assertBuilt();
  // Every simulated training job takes 6 s, longer than the training worker's heartbeat throttle
  // (5 s), so the heartbeats carry steps and losses while the jobs run.
  stack = await startStack({ simulator: { recordCalls: true, minTrainingMs: 6_000 } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'maft-cli-'));
});
afterAll(async () => {
  await stack?.stop();
});

const address = () => stack.server.address;
const simulator = () => stack.backendUrls.inference.replace(/\/v1$/, '');
/** Every simulated model call takes `latencyMs` from now on. */
const latency = (latencyMs: number) => setSimulatorFaults(stack.backendUrls.inference, { latencyMs });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

/** N=3, M=2, L=2 on 6 training and 4 test questions, `debatesAtOnce` debates at a time. */
function smallConfig(runId: string, debatesAtOnce = 2): string {
  const file = path.join(dir, `${runId}.yaml`);
  const lines = [
    `runId: ${runId}`,
    'baseModel: sim-base',
    'iterations: 2',
    `maxConcurrentDebates: ${debatesAtOnce}`,
    'task:',
    '  trainSize: 6',
    '  testSize: 4',
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}
/** Debates of such a run: the base agents' evaluation (4), then per iteration 6 + 4. */
const DEBATES = 4 + 2 * (6 + 4);
/** Model calls of one debate with N=3, M=2 and summaries: 3 answers in round 1; 3 summaries and 3 answers in round 2. */
const CALLS_PER_DEBATE = 3 + 3 + 3;

/** Chat calls the simulator answered for `runId`, per debate (request ids `<runId>/l<l>/<split>/q<i>/round<m>/<call>`). */
async function callsPerDebate(runId: string): Promise<Map<string, number>> {
  const { calls } = (await getJson(`${simulator()}/admin/calls`)) as { calls: Array<{ requestId: string | null }> };
  const perDebate = new Map<string, number>();
  for (const { requestId } of calls) {
    if (!requestId?.startsWith(`${runId}/`)) continue;
    const debate = requestId.split('/').slice(0, 4).join('/');
    perDebate.set(debate, (perDebate.get(debate) ?? 0) + 1);
  }
  return perDebate;
}

async function statusJson(runId: string) {
  const outcome = await maft(address(), ['status', runId, '--json']);
  expect(outcome).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(outcome.stdout);
}

async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('maft run --detach, status, list', () => {
  it('starts a run and returns; status and list show it running, then its result', async () => {
    const file = smallConfig('detached');
    const started = await maft(address(), ['run', file, '--detach']);
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(`maft: started run detached (workflow maft-detached) on ${address()} (namespace default), task queue maft`);

    const running = await statusJson('detached');
    expect(running).toMatchObject({ runId: 'detached', workflowId: 'maft-detached', status: 'RUNNING', iteration: 1, iterations: 2 });
    expect(['starting', 'debate', 'datasets', 'finetune']).toContain(running.phase); // iteration 1's steps (its evaluations run beside)

    const again = await maft(address(), ['run', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('maft: run "detached" exists already (workflow maft-detached)');

    const result: RunResult = await stack.client.workflow.getHandle('maft-detached').result();
    const done = await statusJson('detached');
    expect(done).toMatchObject({ status: 'COMPLETED', iteration: 2, iterations: 2, phase: 'done' });
    expect(done.baseEvaluation).toEqual(result.baseEvaluation);
    expect(done.history.map((h: RunResult['history'][number]) => h.evaluation)).toEqual(result.history.map((h) => h.evaluation));

    const text = (await maft(address(), ['status', 'detached'])).stdout.split('\n');
    expect(text.slice(0, 4)).toEqual(['run detached (workflow maft-detached)', 'status     COMPLETED', 'iteration  2/2', 'phase      done']);
    expect(text).toContain(`0 (base)   ${formatAccuracy(result.baseEvaluation!)}`);
    expect(text).toContain(`2          ${formatAccuracy(result.history[1].evaluation)}`);

    // Visibility is eventually consistent: one row for the run (not one per continue-as-new execution).
    await eventually(async () => {
      const listed = (await maft(address(), ['list'])).stdout.split('\n').filter((line) => line.startsWith('detached '));
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatch(new RegExp(`^detached\\s+COMPLETED\\s+2/2\\s+done\\s+${formatAccuracy(result.history[1].evaluation)}\\s`));
    });
  });

  it('refuses a run id that is not a run', async () => {
    const missing = await maft(address(), ['status', 'no-such-run']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('maft: no run "no-such-run" (workflow maft-no-such-run) in namespace default\n');
  });
});

describe('maft run, followed to its end', () => {
  it('prints one line per change, phases in order, training steps and losses, then the table; model calls as computed', async () => {
    // Model calls of 200 ms make each debate phase (6 debates, 2 at a time, 3 calls deep) last about
    // 2 s, several of the command's 500 ms polls; at zero latency it can fall between two polls.
    await latency(200);
    const run = spawnMaft(address(), ['run', smallConfig('followed')]);
    const { code, stdout } = await run.exited.finally(() => latency(0));
    expect(code).toBe(0);
    const lines = stdout.split('\n');

    // Phases in Algorithm 1's order; "starting" and the short "datasets" may fall between two polls.
    const phases = lines.map((l) => /^(base agents|iteration \d\/\d) {2}(\w+)/.exec(l)).flatMap((m) => (m ? [`${m[1]} ${m[2]}`] : []));
    const seen = phases.filter((p, i) => p !== phases[i - 1]);
    // Pipelined (the default): each evaluation runs beside the next iteration's phases; only the last one runs alone.
    const order = [1, 2].flatMap((l) => ['starting', 'debate', 'datasets', 'finetune'].map((p) => `iteration ${l}/2 ${p}`)).concat('iteration 2/2 evaluate');
    let cursor = 0;
    for (const phase of seen) {
      cursor = order.indexOf(phase, cursor);
      expect(cursor).toBeGreaterThanOrEqual(0); // in order, each phase once
      cursor++;
    }
    for (const l of [1, 2]) for (const p of ['debate', 'finetune']) expect(seen).toContain(`iteration ${l}/2 ${p}`);
    expect(seen).toContain('iteration 2/2 evaluate');
    expect(lines.some((l) => /^iteration [12]\/2 {2}(debate|datasets|finetune).*evaluating (the base agents|iteration 1): \d\/4 test questions/.test(l))).toBe(
      true,
    );
    const progressLines = lines.filter((l) => /^(base agents|iteration \d\/\d) {2}/.test(l));
    expect(progressLines.filter((l, i) => l === progressLines[i - 1])).toEqual([]); // a line per change, none repeated

    // Training jobs with step and loss, as the simulator's job events report them.
    const steps = lines.flatMap((line) => {
      const iteration = /^iteration (\d)\/2 {2}finetune/.exec(line)?.[1];
      if (!iteration) return [];
      return [...line.matchAll(/(generation|critic) (\d) step (\d+)\/(\d+) {2}loss (\d+\.\d{3})/g)].map((m) => ({
        key: `followed/l${iteration}/${m[1]}/${m[2]}`,
        step: Number(m[3]),
        loss: Number(m[5]),
      }));
    });
    expect(steps.length).toBeGreaterThan(0);
    for (const { key, step, loss } of steps) {
      const jobs = await getJson(`${simulator()}/v1/fine_tuning/jobs?metadata[maft_job_key]=${encodeURIComponent(key)}`);
      const events = await getJson(`${simulator()}/v1/fine_tuning/jobs/${jobs.data[0].id}/events?limit=100`);
      const reported = events.data.find((e: { data: { step?: number } }) => e.data.step === step);
      expect(Number(reported.data.train_loss.toFixed(3))).toBe(loss);
    }

    const result: RunResult = await stack.client.workflow.getHandle('maft-followed').result();
    // The final table (cli/run-table.ts) after the progress lines.
    for (const h of result.history) expect(lines.some((l) => l.startsWith(`${h.iteration}          ${formatAccuracy(h.evaluation)} `))).toBe(true);

    // An uninterrupted run makes exactly CALLS_PER_DEBATE calls in each of its DEBATES debates.
    const calls = await callsPerDebate('followed');
    expect(calls.size).toBe(DEBATES);
    expect([...calls.values()].every((n) => n === CALLS_PER_DEBATE)).toBe(true);
  });
});

describe('a config with errors', () => {
  it('lists every bad field with file:line and starts nothing', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, ['runId: bad-config', 'baseModel: sim-base', 'task:', '  trainSize: many', 'agents: 0', ''].join('\n'));
    const outcome = await maft(address(), ['run', file]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(
      `maft: invalid run config ${file}:\n  ${file}:4 task.trainSize: Expected number, received string\n  ${file}:5 agents: Number must be greater than 0\n`,
    );
    expect(outcome.stdout).toBe('');
    await expect(stack.client.workflow.getHandle('maft-bad-config').describe()).rejects.toThrow(WorkflowNotFoundError);
  });
});

describe('Ctrl-C, cancel and resume', () => {
  /** The transcripts stored for `runId`, as debate keys `<runId>/l<l>/<split>/q<index>`. */
  function storedDebates(runId: string): string[] {
    const root = path.join(stack.artifactRoot, 'runs', runId);
    const indexOf = (split: string) =>
      new Map(
        readFileSync(path.join(root, 'task', `${split}.jsonl`), 'utf8')
          .trim()
          .split('\n')
          .map((line, i) => [JSON.parse(line).id as string, i]),
      );
    const keys: string[] = [];
    for (const iteration of readdirSync(root).filter((d) => d.startsWith('iteration-'))) {
      for (const split of ['train', 'test']) {
        const debates = path.join(root, iteration, 'debates', split);
        if (!existsSync(debates)) continue;
        const index = indexOf(split);
        for (const file of readdirSync(debates))
          keys.push(`${runId}/l${iteration.slice('iteration-'.length)}/${split}/q${index.get(file.replace(/\.json$/, ''))}`);
      }
    }
    return keys;
  }

  it('detaches on Ctrl-C; a cancelled run resumes and completes without redoing finished debates', async () => {
    // Model calls take 1 s while the run is followed and debates run one at a time, so a debate
    // takes 3 s and the cancel lands among the first execution's 10 debates (6 training, then 4 of the base evaluation).
    await latency(1_000);
    try {
      const followed = spawnMaft(address(), ['run', smallConfig('resumed', 1)]);
      await followed.waitFor(/^iteration 1\/2 {2}debate/m);
      const early = await maft(address(), ['resume', 'resumed']);
      expect(early.code).toBe(1);
      expect(early.stderr).toBe('maft: run "resumed" is still running: nothing to resume (`maft status resumed`)\n');

      const handle = stack.client.workflow.getHandle('maft-resumed');
      await eventually(async () => {
        const p = await handle.query(progressQuery);
        expect([p.iteration, p.phase, p.questionsDone >= 2]).toEqual([1, 'debate', true]);
      }, 120_000);
      followed.child.kill('SIGINT');
      const detached = await followed.exited;
      const cancelled = await maft(address(), ['cancel', 'resumed']);
      expect(detached.code).toBe(0);
      expect(detached.stdout).toContain('maft: detached; the run goes on: `maft status resumed` shows it, `maft cancel resumed` stops it');
      expect(cancelled.stderr).toBe('');
      expect(cancelled.stdout).toBe('maft: cancellation of run resumed requested\nmaft: run resumed is CANCELLED; `maft resume resumed` continues it\n');

      const finished = storedDebates('resumed');
      const finishedTraining = finished.filter((d) => d.startsWith('resumed/l1/train/'));
      // The base agents' evaluation runs beside iteration 1 through the same one debate lane, after the training split's debates.
      const finishedBase = finished.filter((d) => d.startsWith('resumed/l0/test/'));
      expect(finishedTraining.length).toBeGreaterThanOrEqual(2);
      expect(finishedTraining.length + finishedBase.length).toBeLessThan(6 + 4); // cancelled among the first execution's debates
      if (finishedBase.length > 0) expect(finishedTraining).toHaveLength(6);
      expect(await statusJson('resumed')).toMatchObject({ status: 'CANCELLED', iteration: 1, reason: 'Workflow canceled' });

      await latency(0);
      const resumed = await maft(address(), ['resume', 'resumed']);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain('maft: resumed run resumed at iteration 1 (its last execution: cancelled)');
      const result: RunResult = await handle.result();
      expect(result.history.map((h) => h.iteration)).toEqual([1, 2]);
      expect(resumed.stdout).toContain(`2          ${formatAccuracy(result.history[1].evaluation)}`);
      expect(await statusJson('resumed')).toMatchObject({ status: 'COMPLETED', iteration: 2 });
      await eventually(async () => {
        const rows = (await maft(address(), ['list'])).stdout.split('\n').filter((line) => line.startsWith('resumed '));
        expect(rows).toEqual([expect.stringMatching(/^resumed\s+COMPLETED\s+2\/2\s+done\s/)]); // one row, the latest execution
      });

      const late = await maft(address(), ['resume', 'resumed']);
      expect(late.code).toBe(1);
      expect(late.stderr).toBe('maft: run "resumed" has completed: nothing to resume\n');

      // Against an uninterrupted run (DEBATES debates of CALLS_PER_DEBATE calls each): every debate
      // whose transcript was stored before the cancel made its calls once; only the debate in
      // flight at the cancel may have been redone. This needs the workflow to skip
      // debates whose transcripts are stored (the resume contract, workflows/).
      const calls = await callsPerDebate('resumed');
      expect(calls.size).toBe(DEBATES);
      expect(Object.fromEntries(finished.map((d) => [d, calls.get(d)]))).toEqual(Object.fromEntries(finished.map((d) => [d, CALLS_PER_DEBATE])));
      const total = [...calls.values()].reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(DEBATES * CALLS_PER_DEBATE);
      expect(total).toBeLessThanOrEqual((DEBATES + 1) * CALLS_PER_DEBATE);
    } finally {
      await latency(0);
    }
  });
});

describe('connection settings', () => {
  it("registers maft's search attributes on the dev server", async () => {
    const { customAttributes } = await stack.client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const registered = Object.keys(customAttributes ?? {});
    expect(registered).toEqual(expect.arrayContaining(Object.values(searchAttributes).map((a) => a.name)));
  });

  it('reach the server over mTLS from flags or TEMPORAL_TLS_* (client and worker connection), and fail without a client certificate', async () => {
    const proxy = await startTlsProxy(address());
    try {
      const flags = [
        '--tls-ca-path',
        TLS_FILES.ca,
        '--tls-cert-path',
        TLS_FILES.clientCert,
        '--tls-key-path',
        TLS_FILES.clientKey,
        '--tls-server-name',
        'localhost',
      ];
      const listed = await maft(proxy.address, ['list', ...flags]);
      expect(listed.stderr).toBe('');
      expect(listed.stdout).toMatch(/^(run\s+status\s+iteration\s+phase|no runs$)/);

      const env = {
        TEMPORAL_TLS_SERVER_CA_CERT_DATA: readFileSync(TLS_FILES.ca, 'utf8'),
        TEMPORAL_TLS_CLIENT_CERT_PATH: TLS_FILES.clientCert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: TLS_FILES.clientKey,
      };
      // The server answers through the proxy: an unknown run is reported as such.
      const status = await maft(proxy.address, ['status', 'no-such-run'], env);
      expect(status.stderr).toContain('maft: no run "no-such-run" (workflow maft-no-such-run) in namespace default\n');

      const worker = await NativeConnection.connect(connectOptions(temporalConnectionFromEnv({ ...env, TEMPORAL_ADDRESS: proxy.address })));
      try {
        const { namespaceInfo } = await worker.workflowService.describeNamespace({ namespace: 'default' });
        expect(namespaceInfo?.name).toBe('default');
      } finally {
        await worker.close();
      }

      const refused = await maft(proxy.address, ['list', '--tls-ca-path', TLS_FILES.ca]);
      expect(refused.code).toBe(1);
      expect(proxy.rejectedHandshakes()).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});
