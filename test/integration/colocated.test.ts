/**
 * The single-GPU (colocated) mode on the dev server with the simulator, whose engine sleeps as
 * vLLM's does and refuses every model call while asleep: the workflow puts the engine to sleep
 * only after the evaluation beside has finished and before the iteration's training jobs start,
 * wakes it after they have finished and before any adapter is published; and neither a cancel nor
 * a crash (a terminated execution) between sleep and wake leaves the engine asleep for good.
 */
import { executionInput } from '../../cli/runs';
import { multiagentFinetuning } from '../../workflows';
import { simulatorSleepLog } from '../helpers/simulator-admin';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(300_000);

const N = 3;
const config = (runId: string) => ({
  runId,
  seed: 2,
  baseModel: 'sim-base',
  iterations: 2,
  task: { trainSize: 8, testSize: 4 },
  maxConcurrentDebates: 4,
  colocated: true,
});

const engineRoot = (stack: Stack) => stack.backendUrls.inference.replace(/\/v1$/, '');
const sleepLog = async (stack: Stack) => (await simulatorSleepLog(stack.backendUrls.inference)).events;
const isSleeping = async (stack: Stack) => ((await (await fetch(`${engineRoot(stack)}/is_sleeping`)).json()) as { is_sleeping: boolean }).is_sleeping;
const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
};

describe('colocated: the engine sleeps while the agents train', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Training takes a while, so a test can act while the engine sleeps.
    stack = await startStack({ simulator: { minTrainingMs: 1_500 } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('sleeps after the evaluation beside and before the jobs, wakes after them and before publishing; no call meets a sleeping engine', async () => {
    const result = await stack.client.workflow.execute(multiagentFinetuning, {
      taskQueue: 'maft',
      workflowId: 'maft-colo',
      args: [{ config: config('colo') }],
    });
    expect(result.history.map((h) => h.iteration)).toEqual([1, 2]);
    const events = await sleepLog(stack);
    expect(events.filter((e) => e.event === 'refused' || e.event === 'aborted')).toEqual([]);
    const changes = events.filter((e) => e.changed);
    expect(changes.map((e) => e.event)).toEqual(['sleep', 'wake', 'sleep', 'wake']);
    for (const l of [1, 2]) {
      const [sleep, wake] = changes.slice(2 * (l - 1), 2 * l);
      // Asleep before iteration l's 2N jobs were created, awake once they had all succeeded.
      expect(sleep.jobs).toMatchObject({ total: 2 * N * (l - 1), succeeded: 2 * N * (l - 1), running: 0 });
      expect(wake.jobs).toMatchObject({ total: 2 * N * l, succeeded: 2 * N * l, running: 0 });
    }
    // The evaluation beside iteration 2 (of iteration 1's society) had finished before the engine slept.
    const debates: Array<{ id: string; closedMs: number }> = [];
    for await (const w of stack.client.workflow.list({ query: `WorkflowId STARTS_WITH 'maft-colo-l1-test-'` }))
      debates.push({ id: w.workflowId, closedMs: w.closeTime!.getTime() });
    expect(debates).toHaveLength(4);
    expect(Math.max(...debates.map((d) => d.closedMs))).toBeLessThanOrEqual(changes[2].atMs);
    expect(await isSleeping(stack)).toBe(false);
  });

  it('wakes the engine when the run is cancelled while it sleeps', async () => {
    const handle = await stack.client.workflow.start(multiagentFinetuning, {
      taskQueue: 'maft',
      workflowId: 'maft-colo-cancel',
      args: [{ config: config('colo-cancel') }],
    });
    await until(() => isSleeping(stack));
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    await until(async () => !(await isSleeping(stack)));
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  it('a resumed run wakes an engine its terminated execution left asleep, and completes', async () => {
    const handle = await stack.client.workflow.start(multiagentFinetuning, {
      taskQueue: 'maft',
      workflowId: 'maft-colo-crash',
      args: [{ config: config('colo-crash') }],
    });
    await until(() => isSleeping(stack));
    const latest = await handle.describe();
    await handle.terminate('test: a crash between sleep and wake');
    await new Promise((r) => setTimeout(r, 500));
    expect(await isSleeping(stack)).toBe(true); // nothing ran the wake: the execution was gone
    const before = (await sleepLog(stack)).length;

    const { input } = await executionInput(stack.client, { workflowId: 'maft-colo-crash', runId: latest.runId });
    const resumed = await stack.client.workflow.start(multiagentFinetuning, {
      taskQueue: 'maft',
      workflowId: 'maft-colo-crash',
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    const result = await resumed.result();
    expect(result.history.map((h) => h.iteration)).toEqual([1, 2]);
    const after = (await sleepLog(stack)).slice(before);
    expect(after[0]).toMatchObject({ event: 'wake', changed: true }); // the resumed execution's first engine call
    expect(after.filter((e) => e.event === 'refused' || e.event === 'aborted')).toEqual([]);
    expect(await isSleeping(stack)).toBe(false);
  });
});
