/**
 * measureDiversity against the real simulator over HTTP, on transcripts written here. Every expected
 * number is worked out by hand from the simulator's documented scoring model (docs/simulator.md):
 * a token whose word the model was finetuned on has probability 1/2, any other 1/16 (so per-token
 * NLLs are multiples of ln 2: 1 for a known word, 4 for an unknown one), and an embedding counts
 * letters a-z and digits 0-9 and ends with a constant 1.
 */
import { ApplicationFailure } from '@temporalio/common';
import { mkdtempSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type OpenAI from 'openai';
import type { ArtifactStore } from '../../../activities/artifact-store';
import { DirectoryStore } from '../../../activities/directory-store';
import { singleEngine } from '../../../activities/engines';
import { createDiversityActivities, type MeasureDiversityInput } from '../../../activities/diversity';
import type { AgentTable } from '../../../core/agents';
import { artifactPaths } from '../../../core/artifact-paths';
import type { DebateTranscript } from '../../../core/transcript';
import type { Simulator, SimulatorOptions } from '../../../simulator/server';
import { clientFor, jsonl, loadAdapter, upload, waitForJob, withSimulator } from './helpers';

const LN2 = Math.log(2);
const runId = 'div';
// maft's agentKl: per-token terms r - 1 - ln r for r = p_j / p_i = 8 (agent j knows the word, agent i does not) and 1/8.
const K_PLUS = 7 - 3 * LN2;
const K_MINUS = 3 * LN2 - 7 / 8;
// C.2 / C.3 under the scoring model `scorer`, which knows the word "a": s = 1/2 for " a", 1/16 for any other token.
// Pointwise terms s ln(s/s') - s + s': U for (1/2, 1/16), D for (1/16, 1/2), 0 for equal probabilities.
const U = 1.5 * LN2 - 7 / 16;
const D = 7 / 16 - (3 / 16) * LN2;
// The society below, worked out in the first test.
const NLL = ((18 / 6 + 17 / 6) / 2) * LN2;
const AGENT_KL = (2.5 * K_MINUS + (5 / 3) * K_PLUS) / 6;
const KL_PAIRWISE = (U + D) / 3;

/** One question's stored debate: round-1 replies y1, round-2 replies y2, each round's answers and ŷ. */
function transcript(
  iteration: number,
  questionId: string,
  x: string,
  y1: string[],
  y2: string[],
  answers: Array<Array<string | null>>,
  majority: string | null,
): DebateTranscript {
  return {
    runId,
    iteration,
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
    extracted: answers,
    answers,
    majority,
  };
}

const X0 = 'What is 2+2?';
const X1 = 'What is 3+4?';

async function storeWithDebates(): Promise<ArtifactStore> {
  const store = new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-diversity-')));
  await store.writeJsonl(artifactPaths.split(runId, 'test'), [{ id: 'test-0' }, { id: 'test-1' }]);
  const debates = [
    // The society after iteration 1.
    transcript(
      1,
      'test-0',
      X0,
      ['a b', 'b', 'a'],
      ['a b', 'b c', 'a a'],
      [
        ['4', '5', '5'],
        ['4', '4', '5'],
      ],
      '4',
    ),
    transcript(
      1,
      'test-1',
      X1,
      ['c', 'c', 'a'],
      ['c', 'c', 'a b c'],
      [
        ['7', null, '8'],
        ['7', '7', '7'],
      ],
      '7',
    ),
    // The base society (iteration 0): the base model's replies that C.3 compares with.
    transcript(
      0,
      'test-0',
      X0,
      ['a', 'b', 'b'],
      ['a', 'a', 'a'],
      [
        ['4', '4', '4'],
        ['4', '4', '4'],
      ],
      '4',
    ),
    transcript(
      0,
      'test-1',
      X1,
      ['b', 'b', 'b'],
      ['b', 'b', 'b'],
      [
        ['7', '7', '7'],
        ['7', '7', '7'],
      ],
      '7',
    ),
  ];
  for (const d of debates) await store.writeJson(artifactPaths.debate(runId, d.iteration, 'test', d.questionId), d);
  return store;
}

/** Finetunes `name` from `parent` on assistant turns `reply` and publishes it. */
async function finetuned(sim: Simulator, client: OpenAI, name: string, reply: string, parent = 'sim-base'): Promise<void> {
  const file = await upload(
    client,
    jsonl([
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: reply },
        ],
      },
    ]),
  );
  const job = await client.fineTuning.jobs.create({ model: parent, training_file: file, suffix: name });
  expect((await waitForJob(client, job.id)).status).toBe('succeeded');
  expect((await loadAdapter(sim, name)).status).toBe(200);
}

// Critic 1 knows {a, b}, critic 2 knows {b, c}, critic 3 is the base model and knows nothing; the generation agents are the base model.
const agents: AgentTable = { generation: ['sim-base', 'sim-base', 'sim-base'], critic: ['agent-1', 'agent-2', 'sim-base'] };
const input: MeasureDiversityInput = { runId, iteration: 1, split: 'test', agents, critics: true, singleModel: false, scoringModel: 'scorer' };

async function withSociety<T>(options: SimulatorOptions, body: (sim: Simulator, client: OpenAI, store: ArtifactStore) => Promise<T>): Promise<T> {
  return withSimulator(options, async (sim, client) => {
    await finetuned(sim, client, 'agent-1', 'a b');
    await finetuned(sim, client, 'agent-2', 'B c');
    await finetuned(sim, client, 'scorer', 'A');
    return body(sim, client, await storeWithDebates());
  });
}

const activitiesFor = (store: ArtifactStore, sim: Simulator, embeddings: boolean) =>
  createDiversityActivities({
    store,
    engines: singleEngine(clientFor(sim), 4),
    embeddings: embeddings ? { client: clientFor(sim), model: 'sim-embed' } : null,
    maxConcurrentCalls: 4,
  });

function expectMatrix(actual: number[][] | undefined, expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((row, i) => row.forEach((value, j) => expect(actual![i][j]).toBeCloseTo(value, 9)));
}

describe('measureDiversity against the simulator', () => {
  test('every metric, by hand', async () => {
    await withSociety({}, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity(input);
      expect(metrics).toMatchObject({ questions: 2, round: 2, scoringModel: 'scorer', unavailable: {} });

      // C.1 on the final round: question 0, 2 of 3 agents end at ŷ = 4; question 1, all 3 at 7 -> (2/3 + 1) / 2.
      expect(metrics.consensus).toBeCloseTo(5 / 6, 12);

      // NLL of the final-round replies under the held-out critics, in units of ln 2 (known word 1, unknown 4):
      //   question 0, y = ("a b", "b c", "a a"): critic 1 -> 1, 2.5, 1; critic 2 -> 2.5, 1, 4; critic 3 -> 4, 4, 4
      //   question 1, y = ("c", "c", "a b c"):   critic 1 -> 4, 4, 2;   critic 2 -> 1, 1, 2;   critic 3 -> 4, 4, 4
      // Off the diagonal: question 0 sums to 18, question 1 to 17, over 6 pairs each.
      expect(metrics.nll).toBeCloseTo(NLL, 9);

      // C.2 under `scorer` (" a" 1/2, else 1/16), the final-round replies position by position over the shorter one:
      //   question 0, s = ("a b": h l, "b c": l l, "a a": h h): KL(0,1) = U/2, KL(1,0) = D/2, KL(0,2) = D/2, KL(2,0) = U/2,
      //     KL(1,2) = D, KL(2,1) = U -> 2U + 2D over 6 pairs
      //   question 1, s = ("c": l, "c": l, "a b c": h l l): the first token only: 0, 0, D, U, D, U -> 2U + 2D over 6
      expect(metrics.klPairwise).toBeCloseTo(KL_PAIRWISE, 12);

      // C.3, each agent's reply against each of the base's three, over the first token (the base replies have one):
      //   generation (round 1): question 0, agents h l h vs base h l l: 2U + D + 2U over 9; question 1, l l h vs l l l: 3U over 9
      //   critics (round 2): question 0, agents h l h vs base h h h: 3D over 9; question 1, l l h vs l l l: 3U over 9
      expect(metrics.klFromBase.generation).toBeCloseTo((7 * U + D) / 18, 12);
      expect(metrics.klFromBase.critic).toBeCloseTo((U + D) / 6, 12);

      // C.4 on the final-round replies matching ŷ (letter counts + 1): question 0, "a b" (a, b, 1) and "b c" (b, c, 1):
      //   1 - 2/3; question 1, "c", "c", "a b c": 0, 1 - 1/sqrt(2), 1 - 1/sqrt(2) over 3 pairs.
      expect(metrics.embeddingDissimilarity).toBeCloseTo((1 / 3 + (2 * (1 - 1 / Math.SQRT2)) / 3) / 2, 9);

      // maft's agentKl: KL(p_i || p_j) per token of y_i, r - 1 - ln r with r = p_j / p_i, a token's r being 1, 8 (K+) or 1/8 (K-).
      //   question 0: y_0 "a b" row (K-/2, K-), y_1 "b c" row (K-/2, K-), y_2 "a a" row (K+, 0)
      //   question 1: y_0 "c" row (K+, 0), y_1 "c" row (K-, K-), y_2 "a b c" row (2K+/3, 2K+/3)
      expect(metrics.pairwise?.metric).toBe('agentKl');
      expectMatrix(metrics.pairwise?.matrix, [
        [0, (K_MINUS / 2 + K_PLUS) / 2, K_MINUS / 2],
        [(3 * K_MINUS) / 4, 0, K_MINUS],
        [(5 * K_PLUS) / 6, K_PLUS / 3, 0],
      ]);
      expect(metrics.agentKl).toBeCloseTo(AGENT_KL, 9);

      // One embeddings call per question. Completions: each model scores each distinct text of a question once. Held out:
      // question 0 has 3 distinct conversations, question 1 two (agents 1 and 2 said the same) -> 3 x 3 + 3 x 2. The
      // scorer, after x alone: question 0 "a b", "b c", "a a", "b", "a"; question 1 "c", "a b c", "a", "b" -> 9.
      expect(sim.state.scoringCounters).toEqual({ embeddings: 2, completions: 15 + 9 });
    });
  });

  test('without critics (config critics: false) the generation agents answer, and score, the later rounds', async () => {
    await withSociety({}, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity({ ...input, critics: false });
      // The generation agents are the base model: every token 1/16, and no two of them differ.
      expect(metrics).toMatchObject({ round: 2, agentKl: 0 });
      expect(metrics.nll).toBeCloseTo(4 * LN2, 12);
      expect(metrics.klPairwise).toBeCloseTo(KL_PAIRWISE, 12);
    });
  });

  test('one model playing every agent is measured on round 1 with M = 1, as the paper measures Single-agent FT', async () => {
    await withSociety({}, async (sim, _client, store) => {
      const shared = ['agent-1', 'agent-1', 'agent-1'];
      const metrics = await activitiesFor(store, sim, true).measureDiversity({
        ...input,
        agents: { generation: shared, critic: shared },
        critics: false,
        singleModel: true,
      });
      expect(metrics.round).toBe(1);
      // C.1 against the vote of the round-1 answers: question 0 (4, 5, 5) -> 5, 2/3; question 1 (7, -, 8), a tie: 1/3 either way.
      expect(metrics.consensus).toBeCloseTo(1 / 2, 12);
      // NLL of round 1 under agent-1 (knows a, b): question 0 "a b", "b", "a" -> 1 each; question 1 "c", "c", "a" -> 4, 4, 1.
      expect(metrics.nll).toBeCloseTo(((1 + 3) / 2) * LN2, 12);
      // C.4 on the round-1 replies matching the vote: question 0 "b" (b, 1) and "a" (a, 1): 1 - 1/2; question 1 has one.
      expect(metrics.embeddingDissimilarity).toBeCloseTo(1 / 2, 12);
      // C.2 on round 1 under the scorer: question 0 (h l, l, h): pairs (0,1) U, (1,0) D, (0,2) 0, (2,0) 0, (1,2) D, (2,1) U;
      //   question 1 (l, l, h): 0, 0, D, U, D, U -> (2U + 2D) / 6 each. C.3 is the same as for the society.
      expect(metrics.klPairwise).toBeCloseTo(KL_PAIRWISE, 12);
      expect(metrics.klFromBase.generation).toBeCloseTo((7 * U + D) / 18, 12);
    });
  });

  test("C.3 reads the base model's replies of iteration 0; without them it is unavailable, with the reason", async () => {
    await withSociety({}, async (sim, _client, store) => {
      const activities = activitiesFor(store, sim, true);
      // At iteration 0 the base is compared with itself. Generation, question 0 ("a", "b", "b": h l l against h l l):
      //   reply h: 0, U, U; each reply l: D, 0, 0 -> 2U + 2D over 9; question 1, all l -> 0. Critics: all alike, 0.
      const base = await activities.measureDiversity({ ...input, iteration: 0 });
      expect(base.klFromBase.generation).toBeCloseTo((2 * U + 2 * D) / 18, 12);
      expect(base.klFromBase.critic).toBe(0);
      await fs.rm(store.locate(artifactPaths.debate(runId, 0, 'test', 'test-1')));
      const metrics = await activities.measureDiversity(input);
      expect(metrics.klFromBase).toEqual({ generation: null, critic: null });
      expect(metrics.unavailable['klFromBase.generation']).toMatch(/^no base-model replies: .*iteration-0\/debates\/test\/test-1\.json is missing/);
      expect(metrics.klPairwise).toBeCloseTo(KL_PAIRWISE, 12);
    });
  });

  test('a backend without embeddings or prompt log-probabilities reports those metrics unavailable, with the reason', async () => {
    await withSociety({ embeddingModels: [] }, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity(input);
      expect(metrics.embeddingDissimilarity).toBeNull();
      expect(metrics.unavailable.embeddingDissimilarity).toMatch(/^POST \/embeddings with sim-embed: HTTP 404: .*Unknown route POST \/v1\/embeddings/);
      expect(metrics.agentKl).toBeCloseTo(AGENT_KL, 9);
      expect(metrics.nll).toBeCloseTo(NLL, 9);
      expect(sim.state.scoringCounters.embeddings).toBe(0);
    });
    await withSociety({ promptLogprobs: false }, async (sim, _client, store) => {
      const metrics = await activitiesFor(store, sim, true).measureDiversity(input);
      expect(metrics).toMatchObject({
        nll: null,
        agentKl: null,
        klPairwise: null,
        klFromBase: { generation: null, critic: null },
        pairwise: { metric: 'answerDisagreement' },
      });
      expect(metrics.unavailable.nll).toMatch(/^POST \/completions with .*: HTTP 404: .*Unknown route POST \/v1\/completions/);
      expect(metrics.unavailable.klPairwise).toMatch(/^POST \/completions with scorer: HTTP 404: .*Unknown route POST \/v1\/completions/);
      expect(metrics.unavailable['klFromBase.critic']).toBe(metrics.unavailable.klPairwise);
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

  test('an unknown model makes its metrics unavailable; bad input fails for good, naming the file and field', async () => {
    await withSociety({}, async (sim, _client, store) => {
      const activities = activitiesFor(store, sim, true);
      const unknown = await activities.measureDiversity({ ...input, agents: { ...agents, critic: ['agent-1', 'nobody', 'sim-base'] } });
      expect(unknown.unavailable.nll).toMatch(/HTTP 404: .*The model `nobody` does not exist/);
      expect(unknown.klPairwise).toBeCloseTo(KL_PAIRWISE, 12);
      const noScorer = await activities.measureDiversity({ ...input, scoringModel: 'nobody' });
      expect(noScorer.unavailable.klPairwise).toMatch(/HTTP 404: .*The model `nobody` does not exist/);
      expect(noScorer.nll).toBeCloseTo(NLL, 9);

      const file = store.locate(artifactPaths.debate(runId, 1, 'test', 'test-1'));
      const broken = JSON.parse(await store.readText(artifactPaths.debate(runId, 1, 'test', 'test-1')));
      broken.conversations[2][1].content = 42;
      await store.writeJson(artifactPaths.debate(runId, 1, 'test', 'test-1'), broken);
      const failure = await activities.measureDiversity(input).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
      expect((failure as ApplicationFailure).message).toBe(`${file}: conversations.2.1.content: Expected string, received number`);

      await expect(activities.measureDiversity({ ...input, questionIds: ['test-9'] })).rejects.toThrow(
        /test-9\.json: no debate transcript for question test-9/,
      );
      await expect(activities.measureDiversity({ ...input, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    });
  });
});

describe("the simulator's scoring endpoints speak vLLM's shapes", () => {
  test('POST /v1/completions with echo: the prompt back with per-token log-probabilities', async () => {
    await withSimulator({}, async (sim, client) => {
      await finetuned(sim, client, 'agent-1', 'a b');
      const completion = await client.completions.create({ model: 'agent-1', prompt: 'Q: x\n\nAssistant: a c', echo: true, logprobs: 1, max_tokens: 1 });
      const choice = completion.choices[0] as (typeof completion.choices)[0] & {
        prompt_logprobs: Array<Record<string, { logprob: number; rank: number; decoded_token: string }> | null>;
      };
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
      await expect(client.completions.create({ model: 'sim-base', prompt: 'x', echo: true, logprobs: 99 })).rejects.toMatchObject({
        status: 400,
        param: 'logprobs',
      });
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
