import OpenAI from 'openai';
import { arithmeticQuestion } from '../../../core/tasks/arithmetic';
import { clientFor, example, getJson, jsonl, postJson, upload, waitForJob, withSimulator } from './helpers';

const chatBody = (i: number, seed = 0) => ({ model: 'sim-base', messages: [{ role: 'user' as const, content: arithmeticQuestion(9, i).prompt }], seed });

describe('simulator faults, latency and capacity', () => {
  test('failNextChatCalls: a 500, then a 429 with Retry-After, then a dropped socket, then normal service', async () => {
    await withSimulator({}, async (sim) => {
      const set = await postJson(`${sim.url}/admin/faults`, { failNextChatCalls: [{ status: 500 }, { status: 429, retryAfterSeconds: 1 }, { drop: true }] });
      expect(set.status).toBe(200);
      const url = `${sim.url}/v1/chat/completions`;

      const first = await postJson(url, chatBody(0));
      expect(first.status).toBe(500);
      expect(first.json().error).toMatchObject({ type: 'InternalServerError', code: 500 });

      const second = await postJson(url, chatBody(0));
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(second.json().error.type).toBe('RateLimitError');

      await expect(postJson(url, chatBody(0))).rejects.toThrow();

      const fourth = await postJson(url, chatBody(0));
      expect(fourth.status).toBe(200);
      const state = await getJson(`${sim.url}/admin/state`);
      expect(state.chat.faults).toEqual({ error5xx: 1, rateLimit: 1, timeout: 0, drop: 1 });
      expect(state.chat).toMatchObject({ requests: 4, completed: 1 });
    });
  });

  test('the openai client sees the injected errors as its own error classes', async () => {
    await withSimulator({ failNextChatCalls: [{ status: 500 }, { status: 429, retryAfterSeconds: 0 }, { drop: true }] }, async (sim) => {
      const client = clientFor(sim);
      await expect(client.chat.completions.create(chatBody(1))).rejects.toBeInstanceOf(OpenAI.InternalServerError);
      await expect(client.chat.completions.create(chatBody(1))).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      await expect(client.chat.completions.create(chatBody(1))).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
      await postJson(`${sim.url}/admin/faults`, { failNextChatCalls: [{ status: 500 }] });
      const retrying = clientFor(sim, 2);
      const ok = await retrying.chat.completions.create(chatBody(1));
      expect(ok.choices[0].message.content).toContain('The answer is');
    });
  });

  test('a timeout holds the request open, then closes it without an answer', async () => {
    await withSimulator({ timeoutHoldMs: 150, failNextChatCalls: [{ timeout: true }] }, async (sim) => {
      const started = Date.now();
      await expect(postJson(`${sim.url}/v1/chat/completions`, chatBody(0))).rejects.toThrow();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect((await getJson(`${sim.url}/admin/state`)).chat.faults.timeout).toBe(1);
    });
  });

  test('capacity C limits concurrent processing: 3C requests, max in-flight C', async () => {
    const C = 4;
    await withSimulator({ capacity: C, latencyMs: 40 }, async (sim, client) => {
      const started = Date.now();
      await Promise.all(Array.from({ length: 3 * C }, (_, i) => client.chat.completions.create(chatBody(i))));
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 40 - 10);
      const state = await getJson(`${sim.url}/admin/state`);
      expect(state.chat.maxInFlight).toBe(C);
      expect(state.chat.maxQueued).toBeGreaterThan(0);
      expect(state.chat).toMatchObject({ inFlight: 0, queued: 0, completed: 3 * C });

      await postJson(`${sim.url}/admin/reset-counters`, {});
      await postJson(`${sim.url}/admin/faults`, { capacity: 2, latencyMs: 10 });
      await Promise.all(Array.from({ length: 6 }, (_, i) => client.chat.completions.create(chatBody(i))));
      const after = await getJson(`${sim.url}/admin/state`);
      expect(after.chat).toMatchObject({ maxInFlight: 2, completed: 6, requests: 6 });
    });
  });

  test('random faults are deterministic for a seed and never change the answers', async () => {
    const run = (faulty: boolean) =>
      withSimulator({ seed: 5, ...(faulty ? { error5xxRate: 0.3, rateLimitRate: 0.2, latencyMs: 2, jitterMs: 2 } : {}) }, async (sim) => {
        const out: string[] = [];
        for (let i = 0; i < 30; i++) {
          const r = await postJson(`${sim.url}/v1/chat/completions`, chatBody(i, i));
          out.push(r.status === 200 ? r.json().choices[0].message.content : `status ${r.status}`);
        }
        return out;
      });
    const clean = await run(false);
    const a = await run(true);
    const b = await run(true);
    expect(a).toEqual(b);
    const failures = a.filter((x) => x.startsWith('status'));
    expect(failures.length).toBeGreaterThan(3);
    expect(failures.length).toBeLessThan(27);
    a.forEach((answer, i) => {
      if (!answer.startsWith('status')) expect(answer).toBe(clean[i]);
    });
  });

  test('failTrainingRate fails jobs; faultTrainingCreate lets rates hit job creation', async () => {
    await withSimulator({ failTrainingRate: 1 }, async (_sim, client) => {
      const fileId = await upload(client, jsonl([example(0, (t) => t)]));
      const job = await waitForJob(client, (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId })).id);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('simulated_failure');
    });
    await withSimulator({ error5xxRate: 1, faultTrainingCreate: true }, async (_sim, client) => {
      const fileId = await upload(client, jsonl([example(0, (t) => t)]));
      await expect(client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    });
  });

  test('bad fault settings are a 400 naming the field', async () => {
    await withSimulator({}, async (sim) => {
      const rate = await postJson(`${sim.url}/admin/faults`, { dropRate: 2 });
      expect(rate.status).toBe(400);
      expect(rate.json().error.param).toBe('dropRate');
      const scripted = await postJson(`${sim.url}/admin/faults`, { failNextChatCalls: [{ status: 418 }] });
      expect(scripted.json().error.param).toBe('failNextChatCalls[0]');
      expect((await getJson(`${sim.url}/admin/faults`)).faults.dropRate).toBe(0);
    });
  });
});
