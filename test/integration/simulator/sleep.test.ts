/**
 * The simulator's vLLM sleep mode (simulator/engine-sleep.ts): vLLM's routes and answers, 503 "engine
 * is asleep" on the model routes while it sleeps, calls in flight at a sleep aborted as vLLM aborts
 * them, and the log a test reads to check the order of sleep, fine-tuning jobs and wake.
 */
import { APIError } from 'openai';
import type { SleepEvent } from '../../../simulator/engine-sleep';
import { simulatorSleepLog } from '../../helpers/simulator-admin';
import { example, getJson, jsonl, loadAdapter, postJson, upload, waitForJob, withSimulator } from './helpers';

const chat = { model: 'sim-base', messages: [{ role: 'user' as const, content: 'What is 2+3?' }], seed: 1 };

describe('simulator sleep mode', () => {
  test('sleep and wake answer as vLLM does, both idempotent; is_sleeping follows', async () => {
    await withSimulator({}, async (sim) => {
      expect(await getJson(`${sim.url}/is_sleeping`)).toEqual({ is_sleeping: false });
      const slept = await postJson(`${sim.url}/sleep?level=1`, '');
      expect([slept.status, slept.json()]).toEqual([200, { status: 'sleeping', level: 1 }]);
      expect(await getJson(`${sim.url}/is_sleeping`)).toEqual({ is_sleeping: true });
      // Asleep already: 200, and it stays at the level it fell asleep at.
      expect((await postJson(`${sim.url}/sleep?level=2`, '')).json()).toEqual({ status: 'sleeping', level: 1 });

      const woke = await postJson(`${sim.url}/wake_up`, '');
      expect([woke.status, woke.json()]).toEqual([200, { status: 'awake', tags: null }]);
      expect(await getJson(`${sim.url}/is_sleeping`)).toEqual({ is_sleeping: false });
      expect((await postJson(`${sim.url}/wake_up`, '')).status).toBe(200);

      // No level is vLLM's default, 1.
      expect((await postJson(`${sim.url}/sleep`, '')).json()).toEqual({ status: 'sleeping', level: 1 });
      const log = await getJson(`${sim.url}/admin/sleep-log`);
      expect(log.events.map((e: SleepEvent) => [e.event, e.level, e.changed])).toEqual([
        ['sleep', 1, true],
        ['sleep', 1, false],
        ['wake', 1, true],
        ['wake', null, false],
        ['sleep', 1, true],
      ]);
      expect(log).toMatchObject({ sleeping: true, level: 1, refused: 0, aborted: 0 });
    });
  });

  test.each(['0', '3', 'one', ''])('level=%p is a 400 naming the query parameter', async (level) => {
    await withSimulator({}, async (sim) => {
      const answer = await postJson(`${sim.url}/sleep?level=${level}`, '');
      expect(answer.status).toBe(400);
      expect(answer.json().error).toMatchObject({ param: 'query.level', code: 400 });
      expect(answer.json().error.message).toContain('level must be 1 or 2');
      expect(await getJson(`${sim.url}/is_sleeping`)).toEqual({ is_sleeping: false });
    });
  });

  test('asleep, the model routes answer 503 "engine is asleep" and are logged; the rest answers; awake, they serve again', async () => {
    await withSimulator({}, async (sim, client) => {
      await postJson(`${sim.url}/sleep?level=1`, '');
      const refusal = await client.chat.completions.create(chat).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(APIError);
      expect((refusal as APIError).status).toBe(503);
      expect((refusal as APIError).message).toMatch(/engine is asleep \(POST \/sleep\?level=1\); POST \/wake_up before calling \/v1\/chat\/completions/);

      const scoring = await postJson(`${sim.url}/v1/completions`, { model: 'sim-base', prompt: 'x', echo: true, logprobs: 1 });
      const embedding = await postJson(`${sim.url}/v1/embeddings`, { model: 'sim-embed', input: 'x' });
      const publish = await loadAdapter(sim, 'some-adapter');
      const unpublish = await postJson(`${sim.url}/v1/unload_lora_adapter`, { lora_name: 'some-adapter' });
      for (const answer of [scoring, embedding, publish, unpublish]) {
        expect(answer.status).toBe(503);
        expect(answer.json().error).toMatchObject({ type: 'ServiceUnavailableError', code: 503 });
      }
      // What vLLM's API server answers while its engine sleeps, the simulator answers too.
      expect((await client.models.list()).data.map((m) => m.id)).toContain('sim-base');
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);

      const log = await getJson(`${sim.url}/admin/sleep-log`);
      expect(log.refused).toBe(5);
      expect(log.events.filter((e: SleepEvent) => e.event === 'refused').map((e: SleepEvent) => e.route)).toEqual([
        '/v1/chat/completions',
        '/v1/completions',
        '/v1/embeddings',
        '/v1/load_lora_adapter',
        '/v1/unload_lora_adapter',
      ]);
      expect((await getJson(`${sim.url}/admin/state`)).engine).toEqual({ sleeping: true, level: 1, refused: 5, aborted: 0 });

      await postJson(`${sim.url}/wake_up`, '');
      const reply = await client.chat.completions.create(chat);
      expect(reply.choices[0].finish_reason).toBe('stop');
    });
  });

  test('a chat call running when the engine falls asleep gets vLLM\'s answer: 200, finish_reason "abort"', async () => {
    await withSimulator({ latencyMs: 300 }, async (sim, client) => {
      const running = client.chat.completions.create(chat);
      await new Promise((r) => setTimeout(r, 50));
      await postJson(`${sim.url}/sleep?level=1`, '');
      const reply = await running;
      expect(reply.choices[0].finish_reason).toBe('abort');
      await postJson(`${sim.url}/wake_up`, '');
      expect((await client.chat.completions.create(chat)).choices[0].finish_reason).toBe('stop');
      const log = await getJson(`${sim.url}/admin/sleep-log`);
      expect(log.events.map((e: SleepEvent) => e.event)).toEqual(['sleep', 'aborted', 'wake']);
      expect(log.aborted).toBe(1);
    });
  });

  test('the log orders sleep, the fine-tuning jobs and wake, with the job counts at each; clear=1 empties it', async () => {
    await withSimulator({ seed: 2 }, async (sim, client) => {
      const fileId = await upload(client, jsonl(Array.from({ length: 5 }, (_, i) => example(i, (t) => t))));
      await postJson(`${sim.url}/sleep?level=1`, '');
      const job = await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId }); // training is no model call
      expect((await waitForJob(client, job.id)).status).toBe('succeeded');
      await postJson(`${sim.url}/wake_up`, '');
      const published = await loadAdapter(sim, (await client.fineTuning.jobs.retrieve(job.id)).fine_tuned_model!);
      expect(published.status).toBe(200);

      const log = await getJson(`${sim.url}/admin/sleep-log?clear=1`);
      const [sleep, wake] = log.events as SleepEvent[];
      expect([sleep.event, wake.event, log.events.length]).toEqual(['sleep', 'wake', 2]);
      expect(sleep.jobs).toMatchObject({ total: 0 });
      expect(wake.jobs).toMatchObject({ total: 1, succeeded: 1, queued: 0, running: 0 });
      expect(wake.atMs).toBeGreaterThan(sleep.atMs);
      expect((await simulatorSleepLog(`${sim.url}/v1`)).events).toEqual([]); // the helper a workflow test reads it with
    });
  });

  test('partial wake-up (tags) is refused rather than pretended', async () => {
    await withSimulator({}, async (sim) => {
      await postJson(`${sim.url}/sleep?level=1`, '');
      const answer = await postJson(`${sim.url}/wake_up?tags=weights`, '');
      expect([answer.status, answer.json().error.param]).toEqual([400, 'query.tags']);
      expect(await getJson(`${sim.url}/is_sleeping`)).toEqual({ is_sleeping: true });
    });
  });
});
