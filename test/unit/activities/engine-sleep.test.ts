/**
 * sleepEngine and wakeEngine (activities/engine-sleep.ts) against the simulator's sleep mode, and
 * against a stand-in engine for the answers the simulator never gives (vLLM without its development
 * routes, a wake that does not take, a fault). A chat call aborted by a sleep is retried, not kept.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { createEngineSleepActivities, engineRoot } from '../../../activities/engine-sleep';
import { createChatTurn } from '../../../activities/inference';
import type { SleepEvent } from '../../../simulator/engine-sleep';
import { startSimulator, type Simulator } from '../../../simulator/server';
import { failureOf } from '../../helpers/failure-of';

const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
const clientAt = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'EMPTY', maxRetries: 0, timeout: 5_000 });

describe('sleepEngine and wakeEngine on the simulator', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ latencyMs: 200 });
  });
  afterEach(() => sim.close());

  it('put the engine to sleep and wake it, each idempotent, confirmed by GET /is_sleeping', async () => {
    const { sleepEngine, wakeEngine } = createEngineSleepActivities([clientAt(sim.url)]);
    await env.run(sleepEngine);
    expect(sim.state.engine.sleeping).toBe(true);
    expect(sim.state.engine.level).toBe(1);
    await env.run(sleepEngine);
    await env.run(wakeEngine);
    expect(sim.state.engine.sleeping).toBe(false);
    await env.run(wakeEngine);
    expect(sim.state.engine.events.map((e: SleepEvent) => [e.event, e.changed])).toEqual([
      ['sleep', true],
      ['sleep', false],
      ['wake', true],
      ['wake', false],
    ]);
  });

  it('a chat call running when the engine falls asleep fails retryably instead of returning its cut text', async () => {
    const client = clientAt(sim.url);
    const turn = createChatTurn(client, 1);
    const running = turn({ model: 'sim-base', messages: [{ role: 'user', content: 'What is 2+3?' }], temperature: 1, topP: 1, maxTokens: 100, seed: 1 });
    await new Promise((r) => setTimeout(r, 50));
    await env.run(createEngineSleepActivities([client]).sleepEngine);
    const failure = await failureOf(running);
    expect([failure.type, failure.nonRetryable]).toEqual(['EngineAborted', false]);
    expect(failure.message).toContain('finish_reason "abort"');
  });
});

describe('sleepEngine and wakeEngine on other answers', () => {
  let server: Server;
  let url: string;
  /** Route ("POST /sleep") to the status and JSON body the stand-in answers; anything else: vLLM's 404. */
  let answers: Record<string, { status: number; body: unknown }>;
  let seen: string[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const answer = answers[`${req.method} ${req.url?.split('?')[0]}`] ?? { status: 404, body: { detail: 'Not Found' } };
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen = [];
  });

  const activities = () => createEngineSleepActivities([clientAt(url)]);

  it('send level 1 at the root, beside /v1', async () => {
    answers = { 'POST /sleep': { status: 200, body: { status: 'sleeping', level: 1 } }, 'GET /is_sleeping': { status: 200, body: { is_sleeping: true } } };
    await env.run(activities().sleepEngine);
    expect(seen).toEqual(['POST /sleep?level=1', 'GET /is_sleeping']);
    expect(engineRoot(new OpenAI({ baseURL: 'http://engine:8000/v1/', apiKey: 'x' }))).toBe('http://engine:8000');
  });

  it('fail for good on vLLM started without sleep mode (no such route), saying how to start it', async () => {
    answers = {};
    for (const activity of [activities().sleepEngine, activities().wakeEngine]) {
      const failure = await failureOf(env.run(activity));
      expect([failure.type, failure.nonRetryable]).toEqual(['EngineSleepUnavailable', true]);
      expect(failure.message).toMatch(/HTTP 404: the inference engine has no sleep mode\. Start vLLM with it \(the launcher's MAFT_VLLM_SLEEP_MODE=1/);
      expect(failure.message).toContain('colocated: false');
    }
  });

  it('retry a wake that GET /is_sleeping does not confirm', async () => {
    answers = { 'POST /wake_up': { status: 200, body: { status: 'sleeping', tags: null } }, 'GET /is_sleeping': { status: 200, body: { is_sleeping: true } } };
    const failure = await failureOf(env.run(activities().wakeEngine));
    expect([failure.type, failure.nonRetryable]).toEqual(['EngineAsleep', false]);
    expect(failure.message).toContain('answered POST /wake_up, but GET /is_sleeping says it still sleeps');
  });

  it('retry a sleep that GET /is_sleeping does not confirm', async () => {
    answers = { 'POST /sleep': { status: 200, body: { status: 'sleeping', level: 1 } }, 'GET /is_sleeping': { status: 200, body: { is_sleeping: false } } };
    const failure = await failureOf(env.run(activities().sleepEngine));
    expect([failure.type, failure.nonRetryable]).toEqual(['EngineAwake', false]);
  });

  it('retry engine faults and refused connections like every engine call', async () => {
    answers = { 'POST /sleep': { status: 500, body: { error: { message: 'EngineCore encountered an issue.', type: 'InternalServerError', code: 500 } } } };
    const fault = await failureOf(env.run(activities().sleepEngine));
    expect([fault.type, fault.nonRetryable]).toEqual(['HTTP500', false]);
    expect(fault.message).toContain(`POST ${url}/sleep: HTTP 500`);

    const nobody = await failureOf(env.run(createEngineSleepActivities([clientAt('http://127.0.0.1:1')]).wakeEngine));
    expect([nobody.type, nobody.nonRetryable]).toEqual(['ConnectionError', false]);
  });

  it("fail for good on an /is_sleeping answer that is not vLLM's", async () => {
    answers = { 'POST /wake_up': { status: 200, body: { status: 'awake', tags: null } }, 'GET /is_sleeping': { status: 200, body: { sleeping: 'no' } } };
    const failure = await failureOf(env.run(activities().wakeEngine));
    expect([failure.type, failure.nonRetryable]).toEqual(['EngineSleepUnavailable', true]);
    expect(failure.message).toContain('not {"is_sleeping": true|false}');
  });
});
