/**
 * measureDiversity against the real simulator over HTTP, on transcripts written here. Every expected
 * number is worked out by hand from the simulator's documented scoring model (docs/simulator.md):
 * a token whose word the model was finetuned on has probability 1/2, any other 1/16 (so per-token
 * NLLs are multiples of ln 2: 1 for a known word, 4 for an unknown one), and an embedding counts
 * letters a-z and digits 0-9 and ends with a constant 1.
 */
import { ApplicationFailure } from '@temporalio/common';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type OpenAI from 'openai';
import { ArtifactStore } from '../../../activities/artifact-store';
import { createDiversityActivities, type MeasureDiversityInput } from '../../../activities/diversity';
import type { AgentTable } from '../../../core/agents';
import { artifactPaths } from '../../../core/artifact-paths';
import type { DebateTranscript } from '../../../core/transcript';
import type { Simulator, SimulatorOptions } from '../../../simulator/server';
import { clientFor, jsonl, loadAdapter, upload, waitForJob, withSimulator } from './helpers';

const LN2 = Math.log(2);
const runId = 'div';
// Per-token KL terms r - 1 - ln r for r = p_j / p_i = 8 (agent j knows the word, agent i does not) and 1/8.
const K_PLUS = 7 - 3 * LN2;
const K_MINUS = 3 * LN2 - 7 / 8;
// The society below, round 1 (worked out in the first test).
const NLL = ((18 / 6 + 17 / 6) / 2) * LN2;
const KL = (2.5 * K_MINUS + (5 / 3) * K_PLUS) / 6;

/** One question's stored debate: round-1 answers y1, critics' round-2 answers y2, the recorded final answers and ŷ. */
function transcript(questionId: string, x: string, y1: string[], y2: string[], finalAnswers: Array<string | null>, majority: string | null): DebateTranscript {
  return {
    runId,
    iteration: 1,
    split: 'test',
    questionId,
    agents: { generation: [], critic: [] },
    conversations: y1.map((reply, n) => [
      { role: 'user', content: x },
      { role: 'assistant', content: reply },
      { role: 'user', content: 'Here is what the others said.' },
      { role: 'assistant', content: y2[n] },
    ]),
    summaries: [],
    checker: 'exact',
    extracted: [finalAnswers, finalAnswers],
    answers: [finalAnswers, finalAnswers],
    majority,
  };
}

async function storeWithDebates(): Promise<ArtifactStore> {
  const store = new ArtifactStore(mkdtempSync(path.join(os.tmpdir(), 'maft-diversity-')));
  await store.writeJsonl(artifactPaths.split(runId, 'test'), [{ id: 'test-0' }, { id: 'test-1' }]);
  const debates = [
    transcript('test-0', 'What is 2+2?', ['a b', 'b c', 'a a'], ['The answer is 4.', 'The answer is 4.', 'The answer is 5.'], ['4', '4', '5'], '4'),
    transcript('test-1', 'What is 3+4?', ['c', 'c', 'a b c'], ['The answer is 7.', 'It is 7.', 'The answer is 7.'], ['7', '7', '7'], '7'),
  ];
  for (const d of debates) await store.writeJson(artifactPaths.debate(runId, 1, 'test', d.questionId), d);
  return store;
}

/** Finetunes `name` from `parent` on assistant turns `reply` and publishes it. */
async function finetuned(sim: Simulator, client: OpenAI, name: string, reply: string, parent = 'sim-base'): Promise<void> {
  const file = await upload(client, jsonl([{ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: reply }] }]));
  const job = await client.fineTuning.jobs.create({ model: parent, training_file: file, suffix: name });
  expect((await waitForJob(client, job.id)).status).toBe('succeeded');
  expect((await loadAdapter(sim, name)).status).toBe(200);
}

// Agent 1 knows {a, b}, agent 2 knows {b, c}, agent 3 is the base model and knows nothing.
const agents: AgentTable = { generation: ['agent-1', 'agent-2', 'sim-base'], critic: ['sim-base', 'sim-base', 'sim-base'] };
const input: MeasureDiversityInput = { runId, iteration: 1, split: 'test', agents };

async function withSociety<T>(options: SimulatorOptions, body: (sim: Simulator, client: OpenAI, store: ArtifactStore) => Promise<T>): Promise<T> {
  return withSimulator(options, async (sim, client) => {
    await finetuned(sim, client, 'agent-1', 'a b');
    await finetuned(sim, client, 'agent-2', 'B c');
    return body(sim, client, await storeWithDebates());
  });
}

const activitiesFor = (store: ArtifactStore, sim: Simulator, embeddings: boolean) =>
  createDiversityActivities({ store, scoring: clientFor(sim), embeddings: embeddings ? { client: clientFor(sim), model: 'sim-embed' } : null, maxConcurrentCalls: 4 });

function expectMatrix(actual: number[][] | undefined, expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((row, i) => row.forEach((value, j) => expect(actual![i][j]).toBeCloseTo(value, 9)));
}

describe('measureDiversity against the simulator', () => {
  test('every metric, by hand', async () => {
    await withSociety({}, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity(input);

      // Consensus: question 0, 2 of 3 agents end at ŷ = 4; question 1, all 3 at 7 -> (2/3 + 1) / 2.
      expect(metrics.consensus).toBeCloseTo(5 / 6, 12);

      // Per-token NLL of y_i under agent j, in units of ln 2 (known word 1, unknown 4):
      //   question 0, y = ("a b", "b c", "a a"): agent 1 -> 1, 2.5, 1; agent 2 -> 2.5, 1, 4; agent 3 -> 4, 4, 4
      //   question 1, y = ("c", "c", "a b c"):   agent 1 -> 4, 4, 2;   agent 2 -> 1, 1, 2;   agent 3 -> 4, 4, 4
      // Off the diagonal: question 0 sums to 18, question 1 to 17, over 6 pairs each.
      expect(metrics.negativeLogLikelihood).toBeCloseTo(NLL, 9);

      // KL(p_i || p_j) per token of y_i: r - 1 - ln r with r = p_j / p_i, a token's r being 1, 8 (K+) or 1/8 (K-).
      //   question 0: y_0 "a b" row (K-/2, K-), y_1 "b c" row (K-/2, K-), y_2 "a a" row (K+, 0)
      //   question 1: y_0 "c" row (K+, 0), y_1 "c" row (K-, K-), y_2 "a b c" row (2K+/3, 2K+/3)
      expect(metrics.pairwise?.metric).toBe('klDivergence');
      expectMatrix(metrics.pairwise?.matrix, [
        [0, (K_MINUS / 2 + K_PLUS) / 2, K_MINUS / 2],
        [(3 * K_MINUS) / 4, 0, K_MINUS],
        [(5 * K_PLUS) / 6, K_PLUS / 3, 0],
      ]);
      // off the diagonal: 2.5 K- + 5/3 K+ over 6 pairs
      expect(metrics.klDivergence).toBeCloseTo(KL, 9);

      // Embeddings (letter counts + 1): question 0 "a b" (a, b, 1), "b c" (b, c, 1), "a a" (2a, 1):
      //   1 - cos = 1 - 2/3, 1 - 3/sqrt(15), 1 - 1/sqrt(15); question 1 "c", "c", "a b c": 0, 1 - 1/sqrt(2), 1 - 1/sqrt(2).
      const pairs = [(1 / 3 + 0) / 2, (1 - 3 / Math.sqrt(15) + 1 - 1 / Math.SQRT2) / 2, (1 - 1 / Math.sqrt(15) + 1 - 1 / Math.SQRT2) / 2];
      expect(metrics.embeddingDissimilarity).toBeCloseTo((pairs[0] + pairs[1] + pairs[2]) / 3, 9);
      expect(metrics).toMatchObject({ questions: 2, round: 1, unavailable: {} });

      // One embeddings call per question; each model scores each distinct text once: question 1's two "c" replies are one text.
      expect(sim.state.scoringCounters).toEqual({ embeddings: 2, completions: 9 + 6 });
    });
  });

  test('round 2: the critics, all the base model, score every token 1/16 and do not diverge', async () => {
    await withSociety({}, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity({ ...input, round: 2, limit: 1 });
      expect(metrics).toMatchObject({ questions: 1, round: 2, consensus: 2 / 3, klDivergence: 0 });
      expect(metrics.negativeLogLikelihood).toBeCloseTo(Math.log(16), 12);
      // Each critic's text carries its own round-1 answer, so 3 distinct texts; the one model scores each once, not 3 times.
      expect(sim.state.scoringCounters.completions).toBe(3);
    });
  });

  test('without critics (config critics: false) the generation agents answer, and score, the later rounds', async () => {
    await withSociety({}, async (sim, client, store) => {
      await finetuned(sim, client, 'agent-the', 'The answer is');
      const society: AgentTable = { generation: ['agent-the', 'agent-the', 'agent-the'], critic: ['sim-base', 'sim-base', 'sim-base'] };
      const metrics = await activitiesFor(store, sim, true).measureDiversity({ ...input, agents: society, critics: false, round: 2, limit: 1 });
      // Question 0's round-2 replies are "The answer is N." (tokens " The", " answer", " is", " N."); agent-the knows
      // the first three words (ln 2 each) and not "4." or "5." (4 ln 2): 7/4 ln 2 per token. The critics would give 4 ln 2.
      expect(metrics.negativeLogLikelihood).toBeCloseTo((7 / 4) * LN2, 12);
    });
  });

  test('a backend without embeddings or prompt log-probabilities reports those metrics unavailable, with the reason', async () => {
    await withSociety({ embeddingModels: [] }, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity(input);
      expect(metrics.embeddingDissimilarity).toBeNull();
      expect(metrics.unavailable.embeddingDissimilarity).toMatch(/^POST \/embeddings with sim-embed: HTTP 404: .*Unknown route POST \/v1\/embeddings/);
      expect(metrics.klDivergence).toBeCloseTo(KL, 9);
      expect(metrics.negativeLogLikelihood).toBeCloseTo(NLL, 9);
      expect(sim.state.scoringCounters.embeddings).toBe(0);
    });
    await withSociety({ promptLogprobs: false }, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity(input);
      expect(metrics).toMatchObject({ negativeLogLikelihood: null, klDivergence: null, pairwise: { metric: 'embeddingDissimilarity' } });
      expect(metrics.unavailable.negativeLogLikelihood).toMatch(/^POST \/completions with .*: HTTP 404: .*Unknown route POST \/v1\/completions/);
      expect(metrics.unavailable.klDivergence).toBe(metrics.unavailable.negativeLogLikelihood);
      expect(metrics.embeddingDissimilarity).not.toBeNull();
    });
    await withSociety({ promptLogprobs: false }, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, false).measureDiversity(input);
      expect(metrics.unavailable.embeddingDissimilarity).toBe('no embeddings endpoint is configured');
      // Only the answers are left: agents 1 and 2 agree everywhere, agent 3 differs on question 0 of 2.
      expect(metrics.pairwise).toEqual({
        metric: 'answerDisagreement',
        matrix: [
          [0, 0, 0.5],
          [0, 0, 0.5],
          [0.5, 0.5, 0],
        ],
      });
      expect(metrics.consensus).toBeCloseTo(5 / 6, 12);
    });
  });

  test('an unknown model makes the likelihood metrics unavailable; bad input fails for good, naming the file and field', async () => {
    await withSociety({}, async (sim, _client, store) => {
      const activities = activitiesFor(store, sim, true);
      const unknown = await activities.measureDiversity({ ...input, agents: { ...agents, generation: ['agent-1', 'nobody', 'sim-base'] } });
      expect(unknown.unavailable.negativeLogLikelihood).toMatch(/HTTP 404: .*The model `nobody` does not exist/);

      const file = store.absolute(artifactPaths.debate(runId, 1, 'test', 'test-1'));
      const broken = JSON.parse(await store.readText(artifactPaths.debate(runId, 1, 'test', 'test-1')));
      broken.conversations[2][1].content = 42;
      await store.writeJson(artifactPaths.debate(runId, 1, 'test', 'test-1'), broken);
      const failure = await activities.measureDiversity(input).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
      expect((failure as ApplicationFailure).message).toBe(`${file}: conversations.2.1.content: Expected string, received number`);

      await expect(activities.measureDiversity({ ...input, questionIds: ['test-9'] })).rejects.toThrow(/test-9\.json: no debate transcript for question test-9/);
      await expect(activities.measureDiversity({ ...input, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    });
  });
});

describe("the simulator's scoring endpoints speak vLLM's shapes", () => {
  test('POST /v1/completions with echo: the prompt back with per-token log-probabilities', async () => {
    await withSimulator({}, async (sim, client) => {
      await finetuned(sim, client, 'agent-1', 'a b');
      const completion = await client.completions.create({ model: 'agent-1', prompt: 'Q: x\n\nAssistant: a c', echo: true, logprobs: 1, max_tokens: 1 });
      const choice = completion.choices[0] as (typeof completion.choices)[0] & { prompt_logprobs: Array<Record<string, { logprob: number; rank: number; decoded_token: string }> | null> };
      expect(choice.text).toBe('Q: x\n\nAssistant: a c');
      expect(choice.finish_reason).toBe('stop');
      expect(choice.logprobs).toEqual({
        tokens: ['Q:', ' x', '\n\nAssistant:', ' a', ' c'],
        token_logprobs: [null, -4 * LN2, -4 * LN2, -LN2, -4 * LN2].map((v) => (v === null ? null : expect.closeTo(v, 12))),
        text_offset: [0, 2, 4, 16, 18], // 'Q:' 2, ' x' 2, '\n\nAssistant:' 12, ' a' 2
        top_logprobs: [null, { ' x': expect.closeTo(-4 * LN2, 12) }, expect.any(Object), { ' a': expect.closeTo(-LN2, 12) }, expect.any(Object)],
      });
      expect(choice.prompt_logprobs[0]).toBeNull();
      expect(Object.values(choice.prompt_logprobs[3]!)).toEqual([{ logprob: expect.closeTo(-LN2, 12), rank: 1, decoded_token: ' a' }]);
      expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 });

      const base = await client.completions.create({ model: 'sim-base', prompt: 'x a', echo: true, logprobs: 0, max_tokens: 0 });
      expect(base.choices[0].logprobs?.token_logprobs).toEqual([null, expect.closeTo(-4 * LN2, 12)]);
      expect(base.choices[0].finish_reason).toBe('length');
      // A model finetuned from agent-1 on "c" knows its parent's words too.
      await finetuned(sim, client, 'agent-1-child', 'C', 'agent-1');
      const child = await client.completions.create({ model: 'agent-1-child', prompt: 'x a b c d', echo: true, logprobs: 1, max_tokens: 0 });
      expect(child.choices[0].logprobs?.token_logprobs).toEqual([null, -LN2, -LN2, -LN2, -4 * LN2].map((v) => (v === null ? null : expect.closeTo(v, 12))));
      const plain = await client.completions.create({ model: 'sim-base', prompt: 'x', echo: true, max_tokens: 0 });
      expect(plain.choices[0].logprobs).toBeNull();

      await expect(client.completions.create({ model: 'sim-base', prompt: 'x', max_tokens: 5 })).rejects.toMatchObject({ status: 400, param: 'echo' });
      await expect(client.completions.create({ model: 'sim-base', prompt: ['x', 'y'], echo: true })).rejects.toMatchObject({ status: 400, param: 'prompt' });
      await expect(client.completions.create({ model: 'sim-base', prompt: 'x', echo: true, logprobs: 99 })).rejects.toMatchObject({ status: 400, param: 'logprobs' });
      await expect(client.completions.create({ model: 'nobody', prompt: 'x', echo: true })).rejects.toMatchObject({ status: 404, param: 'model' });
    });
  });

  test('POST /v1/embeddings: letter and digit counts plus 1, as floats or base64', async () => {
    await withSimulator({}, async (_sim, client) => {
      const expected = new Array(37).fill(0);
      expected[0] = 2; // a
      expected[2] = 1; // c
      expected[26 + 7] = 1; // 7
      expected[36] = 1;
      const floats = await client.embeddings.create({ model: 'sim-embed', input: ['Ca a7', ''], encoding_format: 'float' });
      expect(floats.data.map((d) => d.index)).toEqual([0, 1]);
      expect(floats.data[0].embedding).toEqual(expected);
      expect(floats.data[1].embedding).toEqual([...new Array(36).fill(0), 1]);
      // Without encoding_format the openai client asks for base64 and decodes it.
      const decoded = await client.embeddings.create({ model: 'sim-embed', input: 'Ca a7' });
      expect(Array.from(decoded.data[0].embedding)).toEqual(expected);
      await expect(client.embeddings.create({ model: 'sim-base', input: 'x' })).rejects.toMatchObject({ status: 404, param: 'model' });
      await expect(client.embeddings.create({ model: 'sim-embed', input: [] })).rejects.toMatchObject({ status: 400, param: 'input' });
    });
  });
});
