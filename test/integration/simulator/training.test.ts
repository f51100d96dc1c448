import OpenAI from 'openai';
import { arithmeticQuestion } from '../../../core/tasks/arithmetic';
import { findExpression, topicOf, type Topic } from '../../../simulator/topics';
import { example, getJson, jsonl, loadAdapter, postJson, upload, waitForJob, withSimulator, type Json } from './helpers';

const correct = (n: number, seed = 0) => Array.from({ length: n }, (_, i) => example(i, (t) => t, seed));
const wrong = (n: number) => Array.from({ length: n }, (_, i) => example(i, (t) => t + 1));

async function skillsOf(url: string, name: string): Promise<Json> {
  const state = await getJson(`${url}/admin/state`);
  return state.models.find((m: Json) => m.name === name);
}

const close = (x: number) => expect.closeTo(x, 9);
/** The indices of the first n arithmetic questions (seed 0) of a topic. */
function ofTopic(topic: Topic, n: number): number[] {
  const found: number[] = [];
  for (let i = 0; found.length < n; i++) if (topicOf(findExpression(arithmeticQuestion(0, i).prompt)!) === topic) found.push(i);
  return found;
}

describe('simulator files and fine-tuning jobs', () => {
  test('upload, idempotent create, list by metadata, run to success, events', async () => {
    await withSimulator({ seed: 1 }, async (sim, client) => {
      const fileId = await upload(client, jsonl(correct(20)));
      const file = await client.files.retrieve(fileId);
      expect(file).toMatchObject({ id: fileId, object: 'file', filename: 'train.jsonl', purpose: 'fine-tune', status: 'processed' });
      expect(file.bytes).toBeGreaterThan(100);

      const params = {
        model: 'sim-base',
        training_file: fileId,
        hyperparameters: { n_epochs: 2, batch_size: 1, learning_rate_multiplier: 1 },
        metadata: { maft_job_key: 'run1/it1/generator/0', run: 'run1' },
      };
      const job = await client.fineTuning.jobs.create(params);
      expect(job).toMatchObject({
        object: 'fine_tuning.job',
        status: 'queued',
        model: 'sim-base',
        fine_tuned_model: null,
        error: null,
        organization_id: 'maft-sim',
      });
      expect(job.id).toMatch(/^ftjob-/);
      const again = await client.fineTuning.jobs.create(params);
      expect(again.id).toBe(job.id);

      const other = await client.fineTuning.jobs.create({ ...params, metadata: { maft_job_key: 'run1/it1/critic/0', run: 'run1' } });
      expect(other.id).not.toBe(job.id);
      const listed = await client.fineTuning.jobs.list({ metadata: { maft_job_key: 'run1/it1/generator/0' } });
      expect(listed.data.map((j) => j.id)).toEqual([job.id]);
      const byRun = await client.fineTuning.jobs.list({ metadata: { run: 'run1' }, limit: 1 });
      expect(byRun.data.map((j) => j.id)).toEqual([other.id]);
      expect(byRun.has_more).toBe(true);
      const nextPage = await client.fineTuning.jobs.list({ metadata: { run: 'run1' }, limit: 1, after: other.id });
      expect(nextPage.data.map((j) => j.id)).toEqual([job.id]);

      const done = await waitForJob(client, job.id);
      expect(done.status).toBe('succeeded');
      expect(done.fine_tuned_model).toBe(`ft:sim-base:maft-sim:${job.id}`);
      expect(done.finished_at).toEqual(expect.any(Number));
      expect(done.trained_tokens).toBeGreaterThan(0);

      const events = await client.fineTuning.jobs.listEvents(job.id, { limit: 100 });
      const metrics = events.data.filter((e) => e.type === 'metrics');
      expect(metrics.length).toBeGreaterThan(0);
      for (const e of metrics) {
        const data = e.data as { step: number; total_steps: number; train_loss: number };
        expect(data.total_steps).toBe(40);
        expect(data.step).toBeGreaterThan(0);
        expect(data.train_loss).toBeGreaterThan(0);
      }
      expect(events.data[0].message).toBe('The job has successfully completed');
      expect(sim.state.training.counts().succeeded).toBeGreaterThanOrEqual(1);
    });
  });

  test('cancel works on queued and running jobs, not on finished ones', async () => {
    await withSimulator({ trainingSlots: 1, trainingMsPerExample: 10_000 }, async (sim, client) => {
      const fileId = await upload(client, jsonl(correct(3)));
      const running = await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId });
      const queued = await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId });
      await new Promise((r) => setTimeout(r, 20));
      expect((await client.fineTuning.jobs.retrieve(running.id)).status).toBe('running');
      expect((await client.fineTuning.jobs.retrieve(queued.id)).status).toBe('queued');
      expect((await client.fineTuning.jobs.cancel(queued.id)).status).toBe('cancelled');
      expect((await client.fineTuning.jobs.cancel(running.id)).status).toBe('cancelled');
      expect(sim.state.training.counts()).toMatchObject({ cancelled: 2, running: 0, queued: 0 });
    });
    await withSimulator({}, async (_sim, client) => {
      const fileId = await upload(client, jsonl(correct(2)));
      const job = await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId });
      await waitForJob(client, job.id);
      await expect(client.fineTuning.jobs.cancel(job.id)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      await expect(client.fineTuning.jobs.retrieve('ftjob-missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });
  });

  test('an invalid training file fails the job with the file and line in the message', async () => {
    await withSimulator({}, async (_sim, client) => {
      const fileId = await upload(client, jsonl([example(0, (t) => t), { messages: [{ role: 'robot', content: 'x' }] }]), 'bad.jsonl');
      const job = await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId });
      const done = await waitForJob(client, job.id);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('invalid_training_file');
      expect(done.error?.message).toContain(fileId);
      expect(done.error?.message).toContain('bad.jsonl');
      expect(done.error?.message).toContain('line 2');
      expect(done.fine_tuned_model).toBeNull();
      const notJson = await upload(client, 'not json\n', 'worse.jsonl');
      const failed = await waitForJob(client, (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: notJson })).id);
      expect(failed.error?.message).toMatch(/worse\.jsonl\) line 1: is not valid JSON/);
    });
  });

  test('bad job requests: unknown model, unknown file, taken suffix', async () => {
    await withSimulator({}, async (_sim, client) => {
      const fileId = await upload(client, jsonl(correct(2)));
      const unknownModel = client.fineTuning.jobs.create({ model: 'ghost', training_file: fileId });
      await expect(unknownModel).rejects.toMatchObject({ status: 404, message: expect.stringContaining('ghost') });
      await expect(client.fineTuning.jobs.create({ model: 'sim-base', training_file: 'file-nope' })).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('file-nope'),
      });
      await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId, suffix: 'agent-0' });
      await expect(client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId, suffix: 'agent-0' })).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('agent-0'),
      });
    });
  });

  test('a finished model serves only once published; loading twice gives vLLM’s already-loaded 400', async () => {
    await withSimulator({}, async (sim, client) => {
      const fileId = await upload(client, jsonl(correct(5)));
      const job = await waitForJob(client, (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId, suffix: 'it1-gen-0' })).id);
      expect(job.fine_tuned_model).toBe('it1-gen-0');
      const ask = () => client.chat.completions.create({ model: 'it1-gen-0', messages: [{ role: 'user', content: arithmeticQuestion(0, 1).prompt }] });
      await expect(ask()).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      expect((await client.models.list()).data.map((m) => m.id)).toEqual(['sim-base']);

      const loaded = await loadAdapter(sim, 'it1-gen-0');
      expect(loaded.status).toBe(200);
      expect(loaded.text).toBe("Success: LoRA adapter 'it1-gen-0' added successfully.");
      expect((await ask()).model).toBe('it1-gen-0');
      expect((await client.models.list()).data.map((m) => m.id)).toEqual(['sim-base', 'it1-gen-0']);

      const twice = await loadAdapter(sim, 'it1-gen-0');
      expect(twice.status).toBe(400);
      expect(twice.json().error.message).toBe("The lora adapter 'it1-gen-0' has already been loaded.");

      const unknown = await loadAdapter(sim, 'never-trained');
      expect(unknown.status).toBe(404);
      expect(unknown.json().error.message).toContain('never-trained');
      expect((await postJson(`${sim.url}/v1/load_lora_adapter`, { lora_name: 'x' })).json().error.param).toBe('lora_path');

      const unloaded = await postJson(`${sim.url}/v1/unload_lora_adapter`, { lora_name: 'it1-gen-0' });
      expect(unloaded.status).toBe(200);
      await expect(ask()).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });
  });

  test('with a LoRA resolver, a trained model is loaded on first use by name, as vLLM resolves one from object storage', async () => {
    await withSimulator({ loraResolver: true }, async (_sim, client) => {
      const fileId = await upload(client, jsonl(correct(5)));
      const job = await waitForJob(client, (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: fileId, suffix: 'it1-gen-0' })).id);
      expect((await client.models.list()).data.map((m) => m.id)).toEqual(['sim-base']);
      const reply = await client.chat.completions.create({ model: job.fine_tuned_model!, messages: [{ role: 'user', content: 'ready?' }], max_tokens: 1 });
      expect(reply.model).toBe('it1-gen-0');
      expect((await client.models.list()).data.map((m) => m.id)).toEqual(['sim-base', 'it1-gen-0']);
      // a name no job produced is still unknown
      await expect(client.chat.completions.create({ model: 'never-trained', messages: [{ role: 'user', content: 'ready?' }] })).rejects.toBeInstanceOf(
        OpenAI.NotFoundError,
      );
    });
  });

  test('training specializes the generation shares on the topics its data got right (Appendix G); warm starts chain parents', async () => {
    await withSimulator({ baseSkill: 0.5 }, async (sim, client) => {
      // 30 examples, all correct, all of topic A: g = (1, 0, 0), so S = (1/3)(2, 1, 1) / (4/3) = (0.5, 0.25, 0.25).
      const good = await upload(client, jsonl(ofTopic('A', 30).map((i) => example(i, (t) => t))));
      const first = await waitForJob(client, (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: good, suffix: 'it1' })).id);
      const it1 = await skillsOf(sim.url, first.fine_tuned_model!);
      expect(it1.parent).toBe('sim-base');
      expect(it1.skills.generation).toEqual({ A: close(0.5), B: close(0.25), C: close(0.25) });
      expect(it1.skills.critic).toEqual({ A: close(1 / 3), B: close(1 / 3), C: close(1 / 3) });
      // Probability of a correct answer: min(1, 0.5 * 3 * S).
      expect(it1.accuracy.generation).toEqual({ A: close(0.75), B: close(0.375), C: close(0.375) });
      expect(it1.trainedOn).toEqual({ generation: { examples: 30, correct: { A: 30 } }, critic: { examples: 0, correct: {} } });

      // Again from it1: (0.5 * 2, 0.25, 0.25) / 1.5.
      const second = await waitForJob(client, (await client.fineTuning.jobs.create({ model: 'it1', training_file: good, suffix: 'it2' })).id);
      const it2 = await skillsOf(sim.url, second.fine_tuned_model!);
      expect(it2).toMatchObject({ parent: 'it1', root: 'sim-base' });
      expect(it2.skills.generation).toEqual({ A: close(2 / 3), B: close(1 / 6), C: close(1 / 6) });
      expect(it2.accuracy.generation.A).toBe(1);

      // Data that is all wrong grows no topic.
      const bad = await upload(client, jsonl(wrong(60)));
      const third = await waitForJob(client, (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: bad, suffix: 'worse' })).id);
      expect((await skillsOf(sim.url, third.fine_tuned_model!)).skills.generation).toEqual({ A: close(1 / 3), B: close(1 / 3), C: close(1 / 3) });
    });
  });

  test('critic conversations train the critic shares, and a share, not a count, sets the growth', async () => {
    await withSimulator({}, async (sim, client) => {
      const critic = (i: number) => {
        const q = arithmeticQuestion(0, i);
        return {
          messages: [
            { role: 'user', content: q.prompt },
            { role: 'assistant', content: 'The answer is 1.' },
            { role: 'user', content: 'others' },
            { role: 'assistant', content: `The answer is ${q.reference}.` },
          ],
        };
      };
      // Topic C correct in 10 of 20 critic examples (the rest wrong): g = (0, 0, 0.5), S = (1, 1, 1.5) / 3.5.
      const lines = [
        ...ofTopic('C', 10).map(critic),
        ...ofTopic('B', 10).map((i) => ({ messages: critic(i).messages.map((m, k) => (k === 3 ? { ...m, content: 'The answer is 0.5.' } : m)) })),
      ];
      const small = await waitForJob(
        client,
        (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: await upload(client, jsonl(lines)) })).id,
      );
      const large = await waitForJob(
        client,
        (await client.fineTuning.jobs.create({ model: 'sim-base', training_file: await upload(client, jsonl([...lines, ...lines, ...lines])) })).id,
      );
      for (const job of [small, large]) {
        const m = await skillsOf(sim.url, job.fine_tuned_model!);
        expect(m.skills.critic).toEqual({ A: close(1 / 3.5), B: close(1 / 3.5), C: close(1.5 / 3.5) });
        expect(m.skills.generation).toEqual({ A: close(1 / 3), B: close(1 / 3), C: close(1 / 3) });
      }
    });
  });
});
