/**
 * The whole-debate activity (activities/debate.ts) against the simulator over real HTTP: it records
 * the transcript and returns its text and ŷ; its heartbeats carry the finished rounds; an attempt retried with
 * that checkpoint asks only the later rounds and records the same transcript; a recorded debate is
 * not redone; STaR's rationalization of a wrong round-1 answer happens inside it.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryStore } from '../../activities/directory-store';
import { createDebateActivity } from '../../activities/debate';
import { createDebateRecordActivities } from '../../activities/debate-records';
import { createChatTurn } from '../../activities/inference';
import { createRunArtifacts } from '../../activities/run-artifacts';
import { artifactPaths } from '../../core/artifact-paths';
import { parseRunConfig } from '../../core/config';
import type { Ask, DebateInput, DebateState } from '../../core/debate';
import { parseArithmeticAnswer } from '../../core/tasks/arithmetic';
import type { Question } from '../../core/tasks/question';
import type { DebateTranscript } from '../../core/transcript';
import { startSimulator, type Simulator } from '../../simulator/server';
import { openAiClient } from '../../workers/workers';

jest.setTimeout(60_000);

const N = 3;
const logger = new DefaultLogger('ERROR');
let sim: Simulator;
let ask: Ask;

const input = (index: number, overrides: Partial<DebateInput> = {}, star = false): DebateInput => ({
  settings: {
    runId: 'd',
    seed: 11,
    baseModel: 'sim-base',
    summarize: true,
    cooperative: false,
    agentIds: false,
    sampling: { temperature: 1, topP: 0.9, maxTokens: 1024 },
    queues: { workflow: 'maft', inference: 'maft-inference', training: 'maft-training' },
    task: 'arithmetic',
    temperatures: [1, 1, 1],
    critics: true,
    star,
  },
  iteration: 1,
  split: 'train',
  index,
  rounds: 2,
  agents: { generation: Array(N).fill('sim-base'), critic: Array(N).fill('sim-base') },
  ...overrides,
});

/** A fresh artifact store with run d's arithmetic splits, and a debate activity asking the simulator
 * (each call `latencyMs` late), every call's request id noted in `asked`. */
async function setup(latencyMs = 0) {
  const store = new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-debate-')));
  const artifacts = createRunArtifacts(store);
  await createDebateRecordActivities(artifacts).prepareTask({
    runId: 'd',
    seed: 11,
    task: parseRunConfig({ runId: 'd', baseModel: 'b', task: { trainSize: 6, testSize: 2 } }).task,
  });
  const asked: string[] = [];
  const slowAsk: Ask = async (call) => {
    asked.push(call.requestId!);
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
    return ask(call);
  };
  const questions = (split: 'train' | 'test') => store.readJsonl<Question>(artifactPaths.split('d', split));
  const transcript = async (index: number, split: 'train' | 'test' = 'train') =>
    store.readJson<DebateTranscript>(artifactPaths.debate('d', 1, split, (await questions(split))[index].id));
  return { activity: createDebateActivity(slowAsk, artifacts).debateQuestion, asked, transcript, questions };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 4 });
  ask = createChatTurn(openAiClient(`${sim.url}/v1`, 'test', 10_000), 8);
});
afterAll(() => sim.close());

describe("one question's whole debate in one activity", () => {
  it('asks the N + 2N(M-1) calls, stores the transcript and returns its text with ŷ and the answers', async () => {
    const { activity, asked, transcript } = await setup();
    const result = await new MockActivityEnvironment(undefined, { logger }).run(activity, input(0));
    expect(asked).toHaveLength(N + 2 * N);
    const t = await transcript(0);
    expect(result).toEqual({
      outcome: { questionId: t.questionId, majority: t.majority, answers: t.answers },
      conversations: t.conversations,
      summaries: t.summaries,
    });
    expect(t.summaries.flat().every((summary) => summary.length > 0)).toBe(true);
    expect(t.conversations.map((c) => c.length)).toEqual([4, 4, 4]);
    expect(t.answers[1].map((a) => (a === null ? null : Number(a)))).toEqual(t.conversations.map((c) => parseArithmeticAnswer(c[3].content) ?? null));
  });

  it('heartbeats the finished rounds, and a retry from that checkpoint asks only the later rounds and records the same debate', async () => {
    // 1.2 s a call: round 1 ends at 1.2 s, round 2 (summary, then answer) at 3.6 s, after the 3 s heartbeat.
    const first = await setup(1_200);
    const env = new MockActivityEnvironment(undefined, { logger });
    const beats: DebateState[] = [];
    env.on('heartbeat', (details: DebateState) => beats.push(details));
    await env.run(first.activity, input(1));
    expect(beats.length).toBeGreaterThan(0);
    expect(beats.every((b) => b.truncated.length === 1)).toBe(true);

    const retry = await setup();
    await new MockActivityEnvironment({ heartbeatDetails: beats[0] }, { logger }).run(retry.activity, input(1));
    expect(retry.asked.sort()).toEqual(first.asked.filter((id) => id.includes('/round2/')).sort());
    expect(await retry.transcript(1)).toEqual(await first.transcript(1));
  });

  it('returns a debate that an earlier attempt recorded, text included, without asking anything', async () => {
    const { activity, asked } = await setup();
    const env = new MockActivityEnvironment(undefined, { logger });
    const result = await env.run(activity, input(2));
    asked.length = 0;
    expect(await env.run(activity, input(2))).toEqual(result);
    expect(asked).toEqual([]);
  });
});

describe('STaR inside the debate activity', () => {
  it('rationalizes exactly the wrong round-1 answers of agent 1 on the training split, with the reference as a hint', async () => {
    const setting = await setup();
    const { activity, asked, transcript } = setting;
    const questions = await setting.questions('train');
    const env = new MockActivityEnvironment(undefined, { logger });
    let wrong = 0;
    for (const index of questions.keys()) {
      await env.run(activity, input(index, {}, true));
      const t = await transcript(index);
      const correct = parseArithmeticAnswer(t.conversations[0][1].content) === Number(questions[index].reference);
      if (correct) expect(t.rationalization).toBeNull();
      else {
        wrong++;
        expect(t.rationalization!.prompt).toBe(`${questions[index].prompt} (Hint: the answer is ${questions[index].reference}.)`);
        expect(asked).toContain(`d/l1/train/q${index}/rationalize`);
      }
    }
    expect(wrong).toBeGreaterThan(0);
    await env.run(activity, input(0, { split: 'test' }, true));
    expect((await transcript(0, 'test')).rationalization).toBeNull();
    expect(asked).not.toContain('d/l1/test/q0/rationalize');
  });
});
