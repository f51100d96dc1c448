/**
 * Bad inputs, each in a small run on a real dev server with the simulator over HTTP: an invalid
 * config (every error with its path, nothing started), model outputs with no answer in them (no
 * vote, counted wrong, the run completes), replies cut at max_tokens (flagged by the debate;
 * recordDebate keeps them from voting), and an adapter the inference server refuses (the run fails
 * for good naming it, and the iteration's debates, datasets and training jobs survive for a rerun).
 */
import { ActivityCancellationDetails } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryStore } from '../../../activities/directory-store';
import { createTrainingActivities, type FinetuneResult } from '../../../activities/training';
import { finetuneInput } from '../../helpers/finetune-input';
import { adapterName, type Role } from '../../../core/agents';
import { debateSeed } from '../../../core/debate';
import type { RunConfigInput } from '../../../core/config';
import { parseArithmeticAnswer } from '../../../core/tasks/arithmetic';
import type { Question } from '../../../core/tasks/question';
import { assistantTurns, type DebateTranscript } from '../../../core/transcript';
import { openAiClient } from '../../../workers/workers';
import { multiagentFinetuning } from '../../../workflows';
import type { RunResult } from '../../../workflows/run-types';
import { EventType, runExecutions } from '../../helpers/histories';
import { jobKey, runFailure, storedTranscripts, trainingJobs } from '../../helpers/run-outcome';
import { setSimulatorFaults, simulatorState } from '../../helpers/simulator-admin';
import { startStack, type Stack } from '../../helpers/stack';

jest.setTimeout(60_000);

const N = 3;
let stack: Stack;
const inferenceUrl = () => stack.backendUrls.inference;
const setFaults = (patch: object) => setSimulatorFaults(inferenceUrl(), patch);
const run = (config: RunConfigInput): Promise<RunResult> =>
  stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });
const readJson = <T>(relative: string): T => JSON.parse(readFileSync(path.join(stack.artifactRoot, relative), 'utf8')) as T;
const readJsonl = <T>(relative: string): T[] =>
  readFileSync(path.join(stack.artifactRoot, relative), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
const transcriptsOf = (runId: string, iteration: number, split: 'train' | 'test'): DebateTranscript[] =>
  readJsonl<Question>(`runs/${runId}/task/${split}.jsonl`).map((q) =>
    readJson<DebateTranscript>(`runs/${runId}/iteration-${iteration}/debates/${split}/${q.id}.json`),
  );

beforeAll(async () => {
  // The trainer runs one job at a time (a single GPU box) while the worker waits on all 2N at once.
  stack = await startStack({ simulator: { trainingSlots: 1, trainingMsPerExample: 100 }, settings: { trainingSlots: 2 * N } });
});
afterAll(() => stack?.stop());

describe('an invalid config', () => {
  it('fails the run at once, listing every error with its path, and starts nothing', async () => {
    const before = await simulatorState(inferenceUrl());
    const bad = {
      runId: 'bad run!',
      baseModel: '',
      agents: 0,
      iterations: 1.5,
      task: { name: 'arithmetic', trainSize: -3, testSize: 'ten' },
      sampling: { temperature: 3 },
      criticMix: 2,
      colour: 'blue',
    };
    const { root, chain } = await runFailure(stack.client, bad as unknown as RunConfigInput);
    expect(chain.map((e) => e.constructor.name)).toEqual(['WorkflowFailedError', 'ApplicationFailure']);
    expect([root.type, root.nonRetryable]).toEqual(['InvalidConfig', true]);
    const [headline, ...problems] = root.message.split('\n').map((line) => line.trim());
    expect(headline).toBe('invalid run config in workflow input:');
    expect(problems.map((p) => p.slice(0, p.indexOf(': '))).sort()).toEqual(
      ['(root)', 'agents', 'baseModel', 'criticMix', 'iterations', 'runId', 'sampling.temperature', 'task.testSize', 'task.trainSize'].sort(),
    );
    expect(problems.find((p) => p.startsWith('(root)'))).toContain('colour');

    const [execution, ...others] = await runExecutions(stack.client, 'bad run!');
    expect(others).toEqual([]); // no child workflow
    expect(new Set(execution.events.map((e) => EventType[e.eventType!]))).toEqual(
      new Set([
        'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
        'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
        'EVENT_TYPE_WORKFLOW_TASK_STARTED',
        'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
        'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
      ]),
    );
    expect(existsSync(path.join(stack.artifactRoot, 'runs', 'bad run!'))).toBe(false);
    const after = await simulatorState(inferenceUrl());
    expect([after.chat.requests, after.files, after.jobs.total]).toEqual([before.chat.requests, before.files, before.jobs.total]);
  });
});

describe('model outputs that state no answer', () => {
  const config = { runId: 'garbled', seed: 3, baseModel: 'sim-base', agents: N, iterations: 1, task: { trainSize: 6, testSize: 8 } };
  let result: RunResult;
  beforeAll(async () => {
    await setFaults({ unparseableRate: 0.6 });
    try {
      result = await run(config);
    } finally {
      await setFaults({ unparseableRate: 0 });
    }
  });

  const all = () => [0, 1].flatMap((l) => [...(l > 0 ? transcriptsOf('garbled', l, 'train') : []), ...transcriptsOf('garbled', l, 'test')]);

  it('do not vote: each stored answer is re-read from its text, and ŷ is the majority of the parseable ones', () => {
    let unparseable = 0;
    for (const t of all()) {
      t.conversations.forEach((c, n) =>
        assistantTurns(c).forEach((text, m) => {
          const parsed = parseArithmeticAnswer(text);
          if (parsed === undefined) unparseable++;
          expect(t.answers[m][n] === null ? null : Number(t.answers[m][n])).toBe(parsed ?? null);
        }),
      );
      const votes = t.answers.at(-1)!.filter((a): a is string => a !== null);
      if (votes.length === 0) expect(t.majority).toBeNull();
      else expect(votes.filter((v) => v === t.majority)).toHaveLength(Math.max(...votes.map((v) => votes.filter((x) => x === v).length)));
    }
    expect(unparseable).toBeGreaterThan(0);
  });

  it('count as wrong: accuracy is over every test question, those without ŷ included', () => {
    const references = readJsonl<Question>('runs/garbled/task/test.jsonl').map((q) => Number(q.reference));
    const noMajority = [0, 1].map((l) => transcriptsOf('garbled', l, 'test').filter((t) => t.majority === null).length);
    expect(noMajority[0] + noMajority[1]).toBeGreaterThan(0);
    for (const [l, accuracy] of [[0, result.baseEvaluation!] as const, [1, result.history[0].evaluation] as const]) {
      const correct = transcriptsOf('garbled', l, 'test').filter((t, i) => t.majority !== null && Number(t.majority) === references[i]).length;
      expect(accuracy).toMatchObject({ correct, total: 8, accuracy: correct / 8 });
    }
  });

  it('leave the run to complete, with debates without ŷ contributing no training data', () => {
    expect(result.history).toHaveLength(1);
    expect(result.history[0].datasets.withoutMajority).toBe(transcriptsOf('garbled', 1, 'train').filter((t) => t.majority === null).length);
  });
});

describe('replies cut at max_tokens', () => {
  const MAX_TOKENS = 40; // the simulator cuts at 4 characters a token: 160 characters
  const config = {
    runId: 'cut',
    seed: 5,
    baseModel: 'sim-base',
    agents: N,
    iterations: 1,
    evaluateBase: false,
    task: { trainSize: 3, testSize: 1 },
    sampling: { maxTokens: MAX_TOKENS },
  };
  /** Every reply y_{m,n} of the run's training debates, beside the same request made without max_tokens. */
  const replies: Array<{ transcript: DebateTranscript; m: number; n: number; reply: string; whole: string }> = [];

  beforeAll(async () => {
    await run(config);
    for (const [index, transcript] of transcriptsOf('cut', 1, 'train').entries()) {
      for (const [n, conversation] of transcript.conversations.entries()) {
        const turns = conversation.flatMap((message, at) => (message.role === 'assistant' ? [at] : []));
        for (const [m, at] of turns.entries()) {
          const key = { settings: { seed: config.seed, runId: 'cut' }, iteration: 1, split: 'train' as const, index };
          const response = await fetch(`${inferenceUrl()}/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              model: m === 0 ? transcript.agents.generation[n] : transcript.agents.critic[n],
              messages: conversation.slice(0, at),
              temperature: 1,
              top_p: 0.9,
              seed: debateSeed(key, 'agent', n, 'round', m + 1),
            }),
          });
          const whole = ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content;
          replies.push({ transcript, m, n, reply: conversation[at].content, whole });
        }
      }
    }
  });
  const cut = (whole: string) => Math.ceil(whole.length / 4) > MAX_TOKENS;

  it('are kept as the server cut them: the first 4 x max_tokens characters of the whole reply', () => {
    expect(replies).toHaveLength(3 * N * 2);
    for (const { reply, whole } of replies) expect(reply).toBe(cut(whole) ? whole.slice(0, 4 * MAX_TOKENS) : whole);
    expect(replies.some((r) => cut(r.whole))).toBe(true);
    expect(replies.some((r) => !cut(r.whole))).toBe(true);
  });

  it('do not vote: the debate flags them and recordDebate reads no answer in them (a cut reply never reached its final answer)', () => {
    let nulled = 0;
    for (const { transcript, m, n, reply, whole } of replies) {
      const parsed = parseArithmeticAnswer(reply);
      const answer = transcript.answers[m][n];
      expect(answer === null ? null : Number(answer)).toBe(cut(whole) || parsed === undefined ? null : parsed);
      if (cut(whole) && parsed !== undefined) nulled++;
    }
    expect(nulled).toBeGreaterThan(0); // cut replies that end on a number would have voted with it
  });
});

describe('an adapter the inference server refuses', () => {
  const config = { runId: 'refused', seed: 6, baseModel: 'sim-base', agents: N, iterations: 1, evaluateBase: false, task: { trainSize: 6, testSize: 2 } };
  const names = (['generation', 'critic'] as Role[]).flatMap((role) => Array.from({ length: N }, (_, n) => adapterName('refused', 1, role, n)));
  let failure: Awaited<ReturnType<typeof runFailure>>;
  let inFlightAtFailure: number;
  let before: { transcripts: Record<string, string>; jobIds: string[] };

  beforeAll(async () => {
    await setFaults({ refuseAdapters: names });
    try {
      failure = await runFailure(stack.client, config);
    } finally {
      await setFaults({ refuseAdapters: [] });
    }
    const ours = async () => (await trainingJobs(stack.backendUrls.training)).filter((j) => jobKey(j).startsWith('refused/'));
    inFlightAtFailure = (await ours()).filter((j) => j.status === 'queued' || j.status === 'running').length;
    for (let jobs = await ours(); jobs.some((j) => j.status === 'queued' || j.status === 'running'); jobs = await ours())
      await new Promise((r) => setTimeout(r, 100));
    before = { transcripts: storedTranscripts(stack.artifactRoot, 'refused'), jobIds: (await ours()).map((j) => j.id).sort() };
  });

  it('fails the run for good, naming the adapter, its path and the server reason', () => {
    const { root } = failure;
    expect([root.type, root.nonRetryable]).toEqual(['AdapterRefused', true]);
    const match = /^the inference server refused adapter (\S+) \(lora_path (\S+)\): publish adapter \1: HTTP 400: .*Loading lora \1 failed/.exec(root.message);
    expect(names).toContain(match?.[1]);
    expect(match![2]).toBe(path.join(stack.settings.adapterRoot, match![1]));
  });

  it("keeps the iteration's debates and datasets in the artifact store", () => {
    expect(Object.keys(before.transcripts).filter((k) => k.startsWith('iteration-1/train/'))).toHaveLength(6);
    for (const file of ['summary.json', ...names.map((name) => `${name.includes('gen') ? 'generation' : 'critic'}-${name.at(-1)}.jsonl`)]) {
      expect(existsSync(path.join(stack.artifactRoot, 'runs', 'refused', 'iteration-1', 'datasets', file))).toBe(true);
    }
  });

  // (The activities of a closed run learn of it at their next heartbeat, which Temporal may hold back
  // for up to a minute, so whether a job would have been cancelled is pinned by the activity-level test below.)
  it('leaves the training jobs still in flight when the run failed to finish: all 2N succeed', async () => {
    expect(inFlightAtFailure).toBeGreaterThan(0);
    const jobs = (await trainingJobs(stack.backendUrls.training)).filter((j) => jobKey(j).startsWith('refused/'));
    expect(jobs.map((j) => j.status)).toEqual(Array(2 * N).fill('succeeded'));
  });

  it('a rerun of the run, once the server accepts adapters, re-attaches to those jobs and completes', async () => {
    const result = await run(config);
    expect(result.history[0].agents).toEqual({ generation: names.slice(0, N), critic: names.slice(N) });
    const jobs = (await trainingJobs(stack.backendUrls.training)).filter((j) => jobKey(j).startsWith('refused/'));
    expect(jobs.map((j) => j.id).sort()).toEqual(before.jobIds); // no job trained twice
    const after = storedTranscripts(stack.artifactRoot, 'refused');
    for (const [file, text] of Object.entries(before.transcripts)) expect(after[file]).toBe(text); // the same debates again
  });
});

describe('a finetune activity that stops before its job ends', () => {
  const env = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  const input = (key: string) => finetuneInput(key, 'data/slow.jsonl');

  it('leaves the job training when abandoned (run closed, worker shutdown), cancels it when the run is cancelled, and trains anew when the run resumes', async () => {
    const store = new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-abandon-')));
    const example = {
      messages: [
        { role: 'user', content: 'What is the result of 1+2*3+4-5*6?' },
        { role: 'assistant', content: 'The answer is -19.' },
      ],
    };
    await store.writeJsonl('data/slow.jsonl', Array(20).fill(example)); // 2 s at the simulator's 100 ms an example
    const { finetune } = createTrainingActivities(openAiClient(inferenceUrl(), 'test', 5_000), store, { pollIntervalMs: 20 });
    const statusOf = async (key: string) => (await trainingJobs(stack.backendUrls.training)).find((j) => jobKey(j) === key)?.status;

    const stopped = async (key: string, reason: 'NOT_FOUND' | 'WORKER_SHUTDOWN' | 'CANCELLED') => {
      const activity = env();
      const running = activity.run(finetune, input(key));
      while (!(await statusOf(key))) await new Promise((r) => setTimeout(r, 20));
      const details = { NOT_FOUND: { notFound: true }, WORKER_SHUTDOWN: { workerShutdown: true }, CANCELLED: { cancelRequested: true } }[reason];
      activity.cancel(reason, new ActivityCancellationDetails(details));
      await expect(running).rejects.toThrow();
      return statusOf(key);
    };
    expect(await stopped('abandon/1', 'NOT_FOUND')).toMatch(/^(queued|running)$/);
    expect(await stopped('abandon/2', 'WORKER_SHUTDOWN')).toMatch(/^(queued|running)$/);
    expect(await stopped('abandon/3', 'CANCELLED')).toBe('cancelled');

    // The run is resumed: the cancelled job stays cancelled, and the agent trains anew under the next key.
    const resumed = (await env().run(finetune, input('abandon/3'))) as FinetuneResult;
    expect(await statusOf('abandon/3')).toBe('cancelled');
    expect(await statusOf('abandon/3/attempt-2')).toBe('succeeded');
    expect(resumed.jobId).toBe((await trainingJobs(stack.backendUrls.training)).find((j) => jobKey(j) === 'abandon/3/attempt-2')!.id);
  });
});
