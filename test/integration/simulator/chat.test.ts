import OpenAI from 'openai';
import { arithmeticQuestion, parseArithmeticAnswer } from '../../../core/tasks/arithmetic';
import { startSimulator, type Simulator } from '../../../simulator/server';
import { clientFor, getJson, postJson, withSimulator } from './helpers';

type Messages = Array<{ role: 'user' | 'assistant' | 'system'; content: string }>;

/** A mix of generation, critic and summary requests. */
function requestMix(): Array<{ messages: Messages; seed?: number; temperature?: number }> {
  const requests: Array<{ messages: Messages; seed?: number; temperature?: number }> = [];
  for (let i = 0; i < 12; i++) {
    const q = arithmeticQuestion(5, i);
    requests.push({ messages: [{ role: 'user', content: q.prompt }], seed: i % 3, temperature: 1 });
    requests.push({
      messages: [
        { role: 'user', content: q.prompt },
        { role: 'assistant', content: 'I think the answer is 12.' },
        {
          role: 'user',
          content: `These are the solutions to the problem from other agents: One agent solution: \`\`\`The answer is ${q.reference}.\`\`\` One agent solution: \`\`\`The answer is 3.\`\`\` Can you give an updated answer?`,
        },
      ],
      seed: i,
    });
  }
  requests.push({
    messages: [
      {
        role: 'user',
        content:
          'Here are a list of opinions from different agents: One agent response: ```The answer is 4.``` One agent response: ```The answer is -2.``` Write a summary.',
      },
    ],
  });
  return requests;
}

async function answers(client: OpenAI, requests: ReturnType<typeof requestMix>, concurrent: boolean): Promise<string[]> {
  const call = (r: (typeof requests)[number]) => client.chat.completions.create({ model: 'sim-base', ...r }).then((c) => c.choices[0].message.content ?? '');
  if (concurrent) {
    const reversed = await Promise.all([...requests].reverse().map(call));
    return reversed.reverse();
  }
  const out: string[] = [];
  for (const r of requests) out.push(await call(r));
  return out;
}

describe('simulator chat completions', () => {
  let sim: Simulator;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7 });
    client = clientFor(sim);
  });
  afterAll(() => sim.close());

  test('the same seed answers the same requests identically, whatever the order; another seed differs', async () => {
    const requests = requestMix();
    const first = await answers(client, requests, false);
    const twin = await withSimulator({ seed: 7 }, (_s, c) => answers(c, requests, true));
    expect(twin).toEqual(first);
    const other = await withSimulator({ seed: 8 }, (_s, c) => answers(c, requests, false));
    expect(other).not.toEqual(first);
  });

  test('responses have the ChatCompletion shape and end with a parseable answer', async () => {
    const q = arithmeticQuestion(1, 0);
    const completion = await client.chat.completions.create({ model: 'sim-base', messages: [{ role: 'user', content: q.prompt }], seed: 1 });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'sim-base',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(parseArithmeticAnswer(completion.choices[0].message.content ?? '')).toEqual(expect.any(Number));
  });

  test("a base agent's round-1 accuracy is near its configured skill", async () => {
    const n = 200;
    for (const skill of [0.6, 0.9]) {
      const correct = await withSimulator({ seed: 3, baseSkill: skill }, async (_s, c) => {
        const results = await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            const q = arithmeticQuestion(11, i);
            const r = await c.chat.completions.create({ model: 'sim-base', messages: [{ role: 'user', content: q.prompt }], seed: i });
            return parseArithmeticAnswer(r.choices[0].message.content ?? '') === Number(q.reference);
          }),
        );
        return results.filter(Boolean).length;
      });
      const se = Math.sqrt((skill * (1 - skill)) / n);
      expect(Math.abs(correct / n - skill)).toBeLessThan(3.5 * se);
    }
  });

  test('agents sharing a model differ by request seed; temperature 0 ignores the seed', async () => {
    const prompts = Array.from({ length: 20 }, (_, i) => arithmeticQuestion(2, i).prompt);
    const ask = (content: string, seed: number, temperature: number) =>
      client.chat.completions.create({ model: 'sim-base', messages: [{ role: 'user', content }], seed, temperature }).then((r) => r.choices[0].message.content);
    const a = await Promise.all(prompts.map((p) => ask(p, 1, 1)));
    const b = await Promise.all(prompts.map((p) => ask(p, 2, 1)));
    expect(a).not.toEqual(b);
    const g1 = await Promise.all(prompts.map((p) => ask(p, 1, 0)));
    const g2 = await Promise.all(prompts.map((p) => ask(p, 2, 0)));
    expect(g1).toEqual(g2);
  });

  test('a summary request states each listed agent answer', async () => {
    const r = await client.chat.completions.create({
      model: 'sim-base',
      messages: [
        {
          role: 'user',
          content:
            'Here are a list of opinions from different agents: \n\n One agent response: ```So it is 41. The answer is 41.```\n\n One agent response: ```The answer is -7.```\n\n Write a summary.',
        },
      ],
    });
    expect(r.choices[0].message.content).toContain('One agent says the answer is 41.');
    expect(r.choices[0].message.content).toContain('Another agent says the answer is -7.');
  });

  test('critics with skill 0 follow the majority; with skill 1 they correct it', async () => {
    const q = arithmeticQuestion(4, 1);
    const truth = Number(q.reference);
    const messages: Messages = [
      { role: 'user', content: q.prompt },
      { role: 'assistant', content: `The answer is ${truth}.` },
      {
        role: 'user',
        content: `Here is a summary of responses from other agents: One agent says the answer is ${truth + 5}. Another agent says the answer is ${truth + 5}. Can you provide an updated answer?`,
      },
    ];
    const follow = await withSimulator({ baseSkill: 0 }, (_s, c) => c.chat.completions.create({ model: 'sim-base', messages, seed: 1 }));
    expect(parseArithmeticAnswer(follow.choices[0].message.content ?? '')).toBe(truth + 5);
    const fix = await withSimulator({ baseSkill: 1 }, (_s, c) => c.chat.completions.create({ model: 'sim-base', messages, seed: 1 }));
    expect(parseArithmeticAnswer(fix.choices[0].message.content ?? '')).toBe(truth);
  });

  test('an unknown model is a 404 in vLLM/OpenAI error shape', async () => {
    const r = await postJson(`${sim.url}/v1/chat/completions`, { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } });
    await expect(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test.each([
    ['not json', '{', 'body'],
    ['no model', { messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['no messages', { model: 'sim-base' }, 'messages'],
    ['empty messages', { model: 'sim-base', messages: [] }, 'messages'],
    ['bad role', { model: 'sim-base', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    ['bad content', { model: 'sim-base', messages: [{ role: 'user', content: 3 }] }, 'messages[0].content'],
    ['bad temperature', { model: 'sim-base', messages: [{ role: 'user', content: 'x' }], temperature: 5 }, 'temperature'],
    ['bad top_p', { model: 'sim-base', messages: [{ role: 'user', content: 'x' }], top_p: 0 }, 'top_p'],
    ['bad max_tokens', { model: 'sim-base', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 'max_tokens'],
    ['bad seed', { model: 'sim-base', messages: [{ role: 'user', content: 'x' }], seed: 1.5 }, 'seed'],
    ['stream', { model: 'sim-base', messages: [{ role: 'user', content: 'x' }], stream: true }, 'stream'],
  ])('a bad body (%s) is a 400 naming the field', async (_name, body, field) => {
    const r = await postJson(`${sim.url}/v1/chat/completions`, body);
    expect(r.status).toBe(400);
    const error = r.json().error;
    expect(error).toMatchObject({ type: 'BadRequestError', code: 400, param: field });
    expect(error.message).toContain(field);
  });

  test('contextLimitChars gives vLLM context-length 400; max_tokens cuts with finish_reason length', async () => {
    await withSimulator({ contextLimitChars: 100 }, async (s) => {
      const r = await postJson(`${s.url}/v1/chat/completions`, { model: 'sim-base', messages: [{ role: 'user', content: 'x'.repeat(101) }] });
      expect(r.status).toBe(400);
      expect(r.json().error.message).toMatch(/^This model's maximum context length is 25 tokens/);
    });
    const cut = await client.chat.completions.create({
      model: 'sim-base',
      messages: [{ role: 'user', content: arithmeticQuestion(0, 0).prompt }],
      max_tokens: 5,
    });
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.choices[0].message.content).toHaveLength(20);
  });

  test('GET /v1/models lists the base models', async () => {
    await withSimulator({ baseModels: ['a-base', 'b-base'] }, async (_s, c) => {
      const models = await c.models.list();
      expect(models.data.map((m) => m.id)).toEqual(['a-base', 'b-base']);
    });
    const state = await getJson(`${sim.url}/admin/state`);
    expect(state.models[0]).toMatchObject({ name: 'sim-base', parent: null, servable: true });
    expect(state.models[0].skills.generation.B).toBeCloseTo(1 / 3);
    expect(state.models[0].accuracy.critic.B).toBeCloseTo(0.6);
    expect(state.chat.completed).toBeGreaterThan(0);
  });
});
