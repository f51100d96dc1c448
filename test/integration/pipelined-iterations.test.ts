/**
 * Pipelined iterations on the dev server with the simulator: L=2, N=3, M=2, evaluation(l) beside
 * iteration l+1. The same run with pipelining off gives byte for byte the same artifacts
 * (datasets, transcripts, evaluation records) and accuracies; the training split's debates take
 * the shared lanes first; the evaluation really overlaps the next iteration; and a run stopped
 * after an overlapped evaluation finished resumes without evaluating that society again.
 */
import type { temporal } from '@temporalio/proto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { executionInput } from '../../cli/runs';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(300_000);

const config = (pipelining: boolean) => ({
  runId: 'pipe',
  seed: 3,
  baseModel: 'sim-base',
  iterations: 2,
  task: { trainSize: 12, testSize: 6 },
  maxConcurrentDebates: 4,
  pipelining,
});

/** Every file under the run's artifact folder, relative path -> contents. */
function artifactTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(root, full), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

type Event = temporal.api.history.v1.IHistoryEvent;
const eventMs = (e: Event) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);

interface ExecutionTimes {
  /** The child debates each execution of the run started, in history order, with their start and close times. */
  debates: Array<{ execution: number; id: string; startedMs: number; closedMs: number }>;
  /** When each execution's last finetune activity (Algorithm 1, line 27) completed. */
  lastFinetuneCloseMs: number[];
}

async function timesOf(stack: Stack): Promise<ExecutionTimes> {
  const executions: string[] = [];
  for await (const w of stack.client.workflow.list({ query: `WorkflowId = 'maft-pipe'` })) executions.push(w.runId);
  const debates = [];
  const lastFinetuneCloseMs: number[] = [];
  const histories = await Promise.all(executions.map((runId) => stack.client.workflow.getHandle('maft-pipe', runId).fetchHistory()));
  histories.sort((a, b) => eventMs(a.events![0]) - eventMs(b.events![0]));
  for (const [execution, history] of histories.entries()) {
    const initiated = new Map<string, string>(); // initiated event id -> workflow id
    const started = new Map<string, number>();
    const finetunes = new Set<string>(); // scheduled event ids of finetune activities
    lastFinetuneCloseMs[execution] = Number.NaN;
    for (const e of history.events!) {
      const id = String(e.eventId);
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'finetune') finetunes.add(id);
      const completed = e.activityTaskCompletedEventAttributes;
      if (completed && finetunes.has(String(completed.scheduledEventId))) lastFinetuneCloseMs[execution] = eventMs(e);
      if (e.startChildWorkflowExecutionInitiatedEventAttributes) initiated.set(id, e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId!);
      const start = e.childWorkflowExecutionStartedEventAttributes;
      if (start) started.set(String(start.initiatedEventId), eventMs(e));
      const done = e.childWorkflowExecutionCompletedEventAttributes;
      if (done) {
        const key = String(done.initiatedEventId);
        debates.push({ execution, id: initiated.get(key)!, startedMs: started.get(key)!, closedMs: eventMs(e) });
      }
    }
  }
  return { debates, lastFinetuneCloseMs };
}

async function runToEnd(pipelining: boolean): Promise<{ stack: Stack; result: RunResult; files: Map<string, string> }> {
  const stack = await startStack({ simulator: { latencyMs: 5 } });
  const result = await stack.client.workflow.execute(multiagentFinetuning, {
    taskQueue: 'maft',
    workflowId: 'maft-pipe',
    args: [{ config: config(pipelining) }],
  });
  return { stack, result, files: artifactTree(path.join(stack.artifactRoot, 'runs', 'pipe')) };
}

describe('pipelined iterations', () => {
  let off: Awaited<ReturnType<typeof runToEnd>>;
  let on: Awaited<ReturnType<typeof runToEnd>>;

  beforeAll(async () => {
    off = await runToEnd(false);
    on = await runToEnd(true);
  });

  afterAll(async () => {
    await off?.stack.stop();
    await on?.stack.stop();
  });

  it('gives byte for byte the artifacts and accuracies of the same run with pipelining off', () => {
    // result.json holds the run's config, whose `pipelining` is the one difference; its results are compared below.
    for (const files of [on.files, off.files]) expect(files.delete('result.json')).toBe(true);
    expect([...on.files.keys()]).toEqual([...off.files.keys()]);
    const kinds = [...on.files.keys()].map((f) => f.split('/').slice(0, -1).join('/'));
    expect(kinds).toEqual(
      expect.arrayContaining(['iteration-1/datasets', 'iteration-2/debates/train', 'iteration-2/debates/test', 'iteration-0/debates/test']),
    );
    for (const [file, contents] of on.files) expect({ file, contents }).toEqual({ file, contents: off.files.get(file) });
    const accuracies = (r: RunResult) => [r.baseEvaluation, ...r.history.map((h) => h.evaluation)];
    expect(accuracies(on.result)).toEqual(accuracies(off.result));
    expect(on.result.history.map((h) => [h.iteration, h.datasets, h.agents, h.diversity])).toEqual(
      off.result.history.map((h) => [h.iteration, h.datasets, h.agents, h.diversity]),
    );
    expect(on.result.history.map((h) => h.iteration)).toEqual([1, 2]);
  });

  it('runs evaluation(l) beside iteration l+1, and after it when pipelining is off', async () => {
    const byExecution = async (stack: Stack) => {
      const { debates, lastFinetuneCloseMs } = await timesOf(stack);
      return [0, 1].map((x) =>
        Object.assign(
          debates.filter((d) => d.execution === x),
          { lastFinetuneCloseMs: lastFinetuneCloseMs[x] },
        ),
      );
    };
    // Pipelined: execution 1 (iteration 1) debates the base society's test questions too, execution 2 those of iteration 1's.
    const [first, second] = await byExecution(on.stack);
    expect(first.filter((d) => d.id.includes('-l0-test-'))).toHaveLength(6);
    expect(second.filter((d) => d.id.includes('-l1-test-'))).toHaveLength(6);
    expect(second.filter((d) => d.id.includes('-l2-test-'))).toHaveLength(6);
    // ... and they run inside iteration 1, before its agents are finetuned. (Whether they also overlap
    // its training debates depends on how the last training debates' closes fall into workflow tasks:
    // under load several close in one task, and the lanes then pass to test debates only after them.)
    expect(Math.min(...first.filter((d) => d.id.includes('-l0-test-')).map((d) => d.startedMs))).toBeLessThan(first.lastFinetuneCloseMs);
    expect(Math.min(...second.filter((d) => d.id.includes('-l1-test-')).map((d) => d.startedMs))).toBeLessThan(second.lastFinetuneCloseMs);
    // Off: each evaluation closes before the next iteration's first training debate starts.
    const [offFirst, offSecond] = await byExecution(off.stack);
    const firstTrainStart = (ds: typeof offFirst, l: number) => Math.min(...ds.filter((d) => d.id.includes(`-l${l}-train-`)).map((d) => d.startedMs));
    expect(Math.max(...offFirst.filter((d) => d.id.includes('-l0-test-')).map((d) => d.closedMs))).toBeLessThanOrEqual(firstTrainStart(offFirst, 1));
    expect(Math.max(...offSecond.filter((d) => d.id.includes('-l1-test-')).map((d) => d.closedMs))).toBeLessThanOrEqual(firstTrainStart(offSecond, 2));
  });

  it("gives the training split's debates the shared lanes first", async () => {
    const history = await on.stack.client.workflow.getHandle('maft-pipe').fetchHistory();
    const order = history.events!.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []);
    // The last execution: iteration 2's 12 training debates are all started before any test debate of iteration 1.
    expect(order.slice(0, 12).every((id) => id.includes('-l2-train-'))).toBe(true);
    expect(order.slice(12, 18).every((id) => id.includes('-l1-test-'))).toBe(true);
    expect(order.slice(18).every((id) => id.includes('-l2-test-'))).toBe(true);
  });

  it('resumes a run stopped after an overlapped evaluation finished without evaluating that society again', async () => {
    const stack = await startStack({ simulator: { latencyMs: 30 } });
    try {
      const handle = await stack.client.workflow.start(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-pipe', args: [{ config: config(true) }] });
      // Evaluation(1) runs beside iteration 2; stop the run once it is recorded, while iteration 2 goes on.
      const iterationOneRecorded = () => existsSync(path.join(stack.artifactRoot, 'runs', 'pipe', 'records', 'iteration-1.json'));
      while (!iterationOneRecorded()) await new Promise((r) => setTimeout(r, 20));
      const latest = await handle.describe();
      await handle.terminate('test: stop after an overlapped evaluation');
      const { input } = await executionInput(stack.client, { workflowId: 'maft-pipe', runId: latest.runId });
      expect(input.state?.iteration).toBe(2);
      expect(input.state?.trained?.iteration).toBe(1); // the terminated execution was evaluating iteration 1 beside iteration 2

      const resumed = await stack.client.workflow.start(multiagentFinetuning, {
        taskQueue: 'maft',
        workflowId: 'maft-pipe',
        args: [input],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
      const result = await resumed.result();
      const history = await resumed.fetchHistory();
      const children = history.events!.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []);
      const activities = history.events!.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      expect(children.filter((id) => id.includes('-l1-test-'))).toEqual([]);
      expect(activities.filter((a) => a === 'scoreEvaluation' || a === 'measureDiversity')).toEqual(['scoreEvaluation', 'measureDiversity']); // evaluation(2) only
      expect([result.baseEvaluation, ...result.history.map((h) => h.evaluation)]).toEqual([
        on.result.baseEvaluation,
        ...on.result.history.map((h) => h.evaluation),
      ]);
    } finally {
      await stack.stop();
    }
  });
});
