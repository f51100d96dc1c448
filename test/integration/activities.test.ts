/**
 * The model and training activities against the simulator over real HTTP: how failures are
 * classified for Temporal's retries, adapter publishing, and training-job idempotency.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import type { ArtifactStore } from '../../activities/artifact-store';
import { DirectoryStore } from '../../activities/directory-store';
import { cooperativeTurn } from '../../core/prompts';
import { criticTurnWithOpinions, criticTurnWithSummary } from '../../core/tasks/arithmetic';
import { debateRound, type DebateRoundInput, type ModelCall } from '../../core/debate';
import { singleEngine } from '../../activities/engines';
import { createChat, createChatTurn, createInferenceActivities } from '../../activities/inference';
import { createRunArtifacts } from '../../activities/run-artifacts';
import { createTrainingActivities, type FinetuneResult } from '../../activities/training';
import { trainingSeed } from '../../core/agents';
import { finetuneInput } from '../helpers/finetune-input';
import { startSimulator, type Simulator } from '../../simulator/server';
import { openAiClient } from '../../workers/workers';

let sim: Simulator;
let client: OpenAI;
let store: ArtifactStore;
const artifacts = () => createRunArtifacts(store);
const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, trainingMsPerExample: 20 });
  client = openAiClient(`${sim.url}/v1`, 'test-key', 2000);
  store = new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-activities-')));
  const example = (answer: string) => ({
    messages: [
      { role: 'user', content: 'What is the result of 1+2*3+4-5*6?' },
      { role: 'assistant', content: `The answer is ${answer}.` },
    ],
  });
  await store.writeJsonl(
    'data/good.jsonl',
    Array.from({ length: 10 }, () => example('-19')),
  );
  await store.writeText('data/bad.jsonl', `${JSON.stringify(example('-19'))}\n{"messages": [{"role": "robot"\n`);
});
afterAll(() => sim.close());

async function setFaults(faults: object): Promise<void> {
  const res = await fetch(`${sim.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
}

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

const chatInput = {
  model: 'sim-base',
  messages: [{ role: 'user' as const, content: 'What is the result of 1+2*3+4-5*6?' }],
  temperature: 1,
  topP: 0.9,
  maxTokens: 64,
  seed: 1,
};

describe('chat', () => {
  const chat = (input: ModelCall) => createChat(client, 8)(input); // `client` exists once beforeAll ran
  const refusedChat = createChat(openAiClient('http://127.0.0.1:1/v1', 'k', 1000), 8);

  it('answers through the OpenAI-compatible API', async () => {
    const text = await env.run(chat, chatInput);
    expect(text).toMatch(/\d/);
  });

  it('makes 5xx, 429 (with its Retry-After) and dropped connections retryable', async () => {
    const act = { chat };
    await setFaults({ failNextChatCalls: [{ status: 500 }, { status: 429, retryAfterSeconds: 7 }, { drop: true }] });
    const e500 = await failure(env.run(act.chat, chatInput));
    expect([e500.nonRetryable, e500.type]).toEqual([false, 'HTTP500']);
    const e429 = await failure(env.run(act.chat, chatInput));
    expect([e429.nonRetryable, e429.type, e429.nextRetryDelay]).toEqual([false, 'HTTP429', 7000]);
    const dropped = await failure(env.run(act.chat, chatInput));
    expect([dropped.nonRetryable, dropped.type]).toEqual([false, 'ConnectionError']);
    await expect(env.run(act.chat, chatInput)).resolves.toMatch(/\d/);
  });

  it('makes a request that times out retryable', async () => {
    const impatient = { chat: createChat(openAiClient(`${sim.url}/v1`, 'k', 300), 8) };
    await setFaults({ failNextChatCalls: [{ timeout: true }], timeoutHoldMs: 2000 });
    const timedOut = await failure(env.run(impatient.chat, chatInput));
    // (Under jest's VM realm the client reports the abort as a connection error rather than
    // "Request timed out."; both are APIConnectionError, and retryable.)
    expect([timedOut.nonRetryable, timedOut.type]).toEqual([false, 'ConnectionError']);
  });

  it('makes refused connections retryable', async () => {
    const refused = await failure(env.run(refusedChat, chatInput));
    expect([refused.nonRetryable, refused.type]).toEqual([false, 'ConnectionError']);
  });

  it("fails for good on errors retrying cannot fix, with the server's message", async () => {
    const act = { chat };
    const unknown = await failure(env.run(act.chat, { ...chatInput, model: 'no-such-model' }));
    expect(unknown.nonRetryable).toBe(true);
    expect(unknown.message).toMatch(/HTTP 404.*no-such-model/);
    await setFaults({ contextLimitChars: 10 });
    const tooLong = await failure(env.run(act.chat, chatInput));
    expect(tooLong.nonRetryable).toBe(true);
    expect(tooLong.message).toMatch(/HTTP 400.*maximum context length/);
    await setFaults({ contextLimitChars: 0 });
  });
});

describe('finetune and publishAdapter', () => {
  const training = () => createTrainingActivities(client, store, { pollIntervalMs: 20 });
  const input = (jobKey: string, trainingFile = 'data/good.jsonl') => finetuneInput(jobKey, trainingFile);

  it('trains once per job key: a retried attempt re-attaches to the same job', async () => {
    const heartbeats: unknown[] = [];
    const recording = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    recording.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const first = (await recording.run(training().finetune, input('t/l1/generation/1'))) as FinetuneResult;
    const again = await env.run(training().finetune, input('t/l1/generation/1'));
    expect(again).toEqual(first);
    expect(first.fineTunedModel).toBe('t-l1-generation-1');
    const jobs = await client.fineTuning.jobs.list({ metadata: { maft_job_key: 't/l1/generation/1' } });
    expect(jobs.data).toHaveLength(1);
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(heartbeats[0]).toMatchObject({ jobId: first.jobId });
  });

  it('seeds each job from its key, so a rerun of the run trains the same adapter (the trainer draws a seed otherwise)', async () => {
    await env.run(training().finetune, input('t/l1/generation/3'));
    await env.run(training().finetune, input('t/l1/critic/3'));
    const seedOf = async (key: string) => (await client.fineTuning.jobs.list({ metadata: { maft_job_key: key } })).data[0].seed;
    expect(await seedOf('t/l1/generation/3')).toBe(trainingSeed('t/l1/generation/3'));
    expect(await seedOf('t/l1/critic/3')).toBe(trainingSeed('t/l1/critic/3'));
    expect(trainingSeed('t/l1/generation/3')).not.toBe(trainingSeed('t/l1/critic/3'));
  });

  it('publishes the adapter so the server serves it, and publishing twice is fine', async () => {
    const act = { ...createInferenceActivities(singleEngine(client, 8), { adapterRoot: '/adapters' }, artifacts()), chat: createChat(client, 8) };
    const { fineTunedModel } = (await env.run(training().finetune, input('t/l1/critic/1'))) as FinetuneResult;
    const before = await failure(env.run(act.chat, { ...chatInput, model: fineTunedModel }));
    expect(before.message).toContain('404');
    await env.run(act.publishAdapter, { name: fineTunedModel });
    await env.run(act.publishAdapter, { name: fineTunedModel });
    await expect(env.run(act.chat, { ...chatInput, model: fineTunedModel })).resolves.toMatch(/\d/);
  });

  it('fails for good when the dataset is bad, naming the file and line', async () => {
    const bad = await failure(env.run(training().finetune, input('t/l1/generation/2', 'data/bad.jsonl')));
    expect(bad.nonRetryable).toBe(true);
    expect(bad.message).toMatch(/bad\.jsonl.*line 2/);
  });
});

describe('debateRound (core/debate.ts) through the chat activity code', () => {
  type RoundInput = Omit<DebateRoundInput, 'baseModel' | 'sampling' | 'requestIdPrefix' | 'cooperative' | 'agentIds' | 'temperatures' | 'critic'> &
    Partial<Pick<DebateRoundInput, 'cooperative' | 'temperatures'>>;
  const round = (input: RoundInput) =>
    debateRound(createChatTurn(client, 8), {
      baseModel: 'sim-base',
      sampling: { temperature: 1, topP: 0.9, maxTokens: 256 },
      requestIdPrefix: 'test/q1',
      cooperative: false,
      agentIds: false,
      temperatures: input.conversations.map(() => 1),
      critic: { style: 'arithmetic' as const, question: '12+3*4+5-6*7' },
      ...input,
    });
  const x = { role: 'user' as const, content: 'What is the result of 12+3*4+5-6*7? Make sure to state your answer at the end of the response.' };

  it('round 1: each generation agent answers x with its own seed', async () => {
    const result = await round({
      round: 1,
      conversations: [[x], [x], [x]],
      models: ['sim-base', 'sim-base', 'sim-base'],
      summarize: true,
      replySeeds: [1, 2, 3],
      summarySeeds: [0, 0, 0],
    });
    expect(result.feedback).toBeNull();
    expect(result.replies).toHaveLength(3);
    expect(new Set(result.replies).size).toBeGreaterThan(1); // copies of one model, different samples
  });

  it('round 2: each critic gets a summary of the other answers, written for it', async () => {
    const conversations = ['The answer is 1.', 'The answer is 2.', 'The answer is 3.'].map((y) => [x, { role: 'assistant' as const, content: y }]);
    const result = await round({
      round: 2,
      conversations,
      models: ['sim-base', 'sim-base', 'sim-base'],
      summarize: true,
      replySeeds: [4, 5, 6],
      summarySeeds: [7, 8, 9],
    });
    expect(result.summaries.every((s) => s.length > 0)).toBe(true);
    expect(result.feedback![0].content).toBe(criticTurnWithSummary(result.summaries[0]).content);
    // Agent 1's summary covers agents 2 and 3, not itself.
    expect(result.summaries[0]).toMatch(/2/);
    expect(result.summaries[0]).toMatch(/3/);
    expect(result.summaries[0]).not.toMatch(/\b1\b/);
  });

  it('round 2 without summaries passes the other answers verbatim', async () => {
    const conversations = ['The answer is 1.', 'The answer is 2.'].map((y) => [x, { role: 'assistant' as const, content: y }]);
    const result = await round({ round: 2, conversations, models: ['sim-base', 'sim-base'], summarize: false, replySeeds: [4, 5], summarySeeds: [7, 8] });
    expect(result.feedback!.map((f) => f.content)).toEqual([
      criticTurnWithOpinions(['The answer is 2.']).content,
      criticTurnWithOpinions(['The answer is 1.']).content,
    ]);
    expect(result.summaries).toEqual(['', '']);
  });

  it("cooperative mode (appendix D) asks each critic to combine its solution with the others'", async () => {
    const conversations = ['The answer is 1.', 'The answer is 2.'].map((y) => [x, { role: 'assistant' as const, content: y }]);
    const result = await round({
      round: 2,
      conversations,
      models: ['sim-base', 'sim-base'],
      summarize: false,
      cooperative: true,
      replySeeds: [4, 5],
      summarySeeds: [7, 8],
    });
    expect(result.feedback!.map((f) => f.content)).toEqual([
      cooperativeTurn({ answers: ['The answer is 2.'] }, 'arithmetic').content,
      cooperativeTurn({ answers: ['The answer is 1.'] }, 'arithmetic').content,
    ]);
  });

  it('each agent samples at its own temperature: at 0 different seeds give one greedy answer', async () => {
    const agents = Array(4).fill('sim-base');
    const greedy = await round({
      round: 1,
      conversations: agents.map(() => [x]),
      models: agents,
      summarize: true,
      temperatures: [0, 0, 0, 0],
      replySeeds: [1, 2, 3, 4],
      summarySeeds: [0, 0, 0, 0],
    });
    expect(new Set(greedy.replies).size).toBe(1);
    const mixed = await round({
      round: 1,
      conversations: agents.map(() => [x]),
      models: agents,
      summarize: true,
      temperatures: [0, 0, 1, 1],
      replySeeds: [1, 2, 3, 4],
      summarySeeds: [0, 0, 0, 0],
    });
    expect(mixed.replies[0]).toBe(greedy.replies[0]);
    expect(mixed.replies[1]).toBe(greedy.replies[0]);
  });
});
