/**
 * Algorithm 1 end to end on a real Temporal dev server with the simulator over HTTP: L=2, N=3, M=2.
 * The finetuning files are checked against an independent recomputation from the stored
 * transcripts, the training jobs against the 2N-per-iteration and warm-start rules, and the
 * recorded histories are replayed.
 */
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { parseArithmeticAnswer } from '../../core/tasks/arithmetic';
import type { ChatMessage, DebateTranscript } from '../../core/transcript';
import { multiagentFinetuning, progressQuery } from '../../workflows';
import type { Progress, RunResult } from '../../workflows/run-types';
import { startStack, workflowBundle, type Stack } from '../helpers/stack';

jest.setTimeout(240_000);

const N = 3;
const config = {
  runId: 'e2e',
  seed: 1,
  baseModel: 'sim-base',
  iterations: 2,
  task: { trainSize: 20, testSize: 10 },
  maxConcurrentDebates: 8,
};

let stack: Stack;
let result: RunResult;
const phasesSeen = new Set<string>();
let lastProgress: Progress | undefined;

beforeAll(async () => {
  stack = await startStack();
  const handle = await stack.client.workflow.start(multiagentFinetuning, {
    taskQueue: 'maft',
    workflowId: 'maft-e2e',
    args: [{ config }],
  });
  const polling = (async () => {
    for (;;) {
      try {
        lastProgress = await stack.client.workflow.getHandle('maft-e2e').query(progressQuery);
        phasesSeen.add(`${lastProgress.iteration}:${lastProgress.phase}`);
        if (lastProgress.phase === 'done') return;
      } catch {
        return; // the run closed between polls
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  result = await handle.result();
  await polling;
});

afterAll(async () => {
  await stack?.stop();
});

const artifact = (relative: string) => path.join(stack.artifactRoot, relative);
const readJsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { messages: ChatMessage[] });
const transcriptsOf = (iteration: number, split: 'train' | 'test'): DebateTranscript[] => {
  const dir = artifact(`runs/e2e/iteration-${iteration}/debates/${split}`);
  return readdirSync(dir)
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as DebateTranscript)
    .sort((a, b) => Number(a.questionId.split('-')[1]) - Number(b.questionId.split('-')[1]));
};
const assistantTexts = (messages: ChatMessage[]) => messages.filter((m) => m.role === 'assistant').map((m) => m.content);

describe('multiagentFinetuning on the dev server', () => {
  it('runs L=2 iterations and evaluates the base and each iteration', () => {
    expect(result.history.map((h) => h.iteration)).toEqual([1, 2]);
    expect(result.baseEvaluation?.total).toBe(10);
    for (const h of result.history) {
      expect(h.evaluation.total).toBe(10);
      expect(h.evaluation.accuracy).toBeGreaterThanOrEqual(0);
      expect(h.evaluation.standardError).toBeCloseTo(Math.sqrt((h.evaluation.accuracy * (1 - h.evaluation.accuracy)) / 10), 12);
    }
  });

  it("measures the society's diversity at each evaluation; a metric the backend lacks is unavailable, with its reason", () => {
    for (const h of result.history) {
      const d = h.diversity!;
      expect(d.consensus).toBeGreaterThan(0);
      expect(d.consensus).toBeLessThanOrEqual(1);
      expect(d.round).toBe(2);
      expect(d.scoringModel).toBe('sim-base'); // the default: the base model
      expect(d.nll).toBeGreaterThan(0);
      expect(d.agentKl).toBeGreaterThanOrEqual(0);
      // The base model knows no word, so under it every token has probability 1/16 and no two replies differ.
      expect(d.klPairwise).toBe(0);
      expect(d.klFromBase).toEqual({ generation: 0, critic: 0 });
      // The local stack points the workers at the simulator's encoder, sim-embed (its hand-computed values are
      // checked in simulator/diversity.test.ts): every metric is measured.
      expect(stack.settings.embeddings).toEqual({ url: stack.backendUrls.inference, model: 'sim-embed', apiKey: 'EMPTY' });
      expect(d.unavailable).toEqual({});
      expect(d.embeddingDissimilarity).toBeGreaterThanOrEqual(0);
      expect(d.embeddingDissimilarity).toBeLessThanOrEqual(1);
      // C.1 from the stored transcripts: over the questions with ŷ, the mean fraction of final answers equal to ŷ.
      const voted = transcriptsOf(h.iteration, 'test').filter((t) => t.majority !== null);
      const expected = voted.reduce((sum, t) => sum + t.answers.at(-1)!.filter((a) => a === t.majority).length / N, 0) / voted.length;
      expect(d.consensus).toBeCloseTo(expected, 12);
    }
  });

  it('is findable by its search attributes, and its debates by question id, the debate activity summarized with the lines of Algorithm 1', async () => {
    const query = "MaftRunId = 'e2e' AND MaftPhase = 'done' AND MaftIteration = 2 AND MaftTask = 'arithmetic' AND MaftMethod = 'Multiagent FT'";
    let found: string[] = [];
    for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
      found = [];
      for await (const w of stack.client.workflow.list({ query })) found.push(w.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toEqual(['maft-e2e']);
    const history = await stack.client.workflow.getHandle('maft-e2e-l1-train-arithmetic-0').fetchHistory();
    const summaries = history
      .events!.filter((e) => e.activityTaskScheduledEventAttributes && e.userMetadata?.summary)
      .map((e) => JSON.parse(Buffer.from(e.userMetadata!.summary!.data!).toString('utf8')) as string);
    expect(summaries).toEqual(['Algorithm 1: 3 agents answer (line 8), the critics answer again for 1 round (lines 9-13), ŷ by majority vote (line 14)']);
  });

  it('answered progress queries through the phases of both iterations', () => {
    expect([...phasesSeen]).toEqual(expect.arrayContaining(['1:debate', '2:debate', '2:done']));
    expect(lastProgress).toMatchObject({ runId: 'e2e', iteration: 2, iterations: 2, phase: 'done', questionsDone: 20, questionsTotal: 20 });
  });

  it.each([1, 2])('iteration %d: the finetuning files equal a recomputation from the stored transcripts', (l) => {
    const transcripts = transcriptsOf(l, 'train');
    expect(transcripts).toHaveLength(20);
    for (let n = 0; n < N; n++) {
      const generation: ChatMessage[][] = [];
      const minus: ChatMessage[][] = [];
      const plus: ChatMessage[][] = [];
      for (const t of transcripts) {
        // Independently re-read every answer from the text and check the stored vote.
        const answers = t.conversations.map((c) => assistantTexts(c).map((y) => parseArithmeticAnswer(y)));
        const last = answers.map((a) => a[a.length - 1]).filter((v) => v !== undefined);
        if (t.majority === null) {
          expect(last).toHaveLength(0);
          continue;
        }
        const count = (v: number) => last.filter((x) => x === v).length;
        expect(count(Number(t.majority))).toBe(Math.max(...last.map(count)));
        const y1 = answers[n][0];
        const yM = answers[n][answers[n].length - 1];
        const yHat = Number(t.majority);
        if (y1 === yHat) generation.push(t.conversations[n].slice(0, 2));
        if (yM === yHat) (y1 === yHat ? plus : minus).push(t.conversations[n]);
      }
      expect(readJsonl(artifact(`runs/e2e/iteration-${l}/datasets/generation-${n + 1}.jsonl`)).map((r) => r.messages)).toEqual(generation);

      // D^C_n: the largest T with w*T <= |D^C-| and (1-w)*T <= |D^C+|, then round(w*T) and round((1-w)*T).
      const w = 2 / 3;
      let T = minus.length + plus.length;
      while (T > 0 && (w * T > minus.length + 1e-9 || (1 - w) * T > plus.length + 1e-9)) T--;
      const critic = readJsonl(artifact(`runs/e2e/iteration-${l}/datasets/critic-${n + 1}.jsonl`)).map((r) => r.messages);
      const key = (m: ChatMessage[]) => JSON.stringify(m);
      const minusKeys = new Set(minus.map(key));
      const plusKeys = new Set(plus.map(key));
      expect(critic.filter((c) => minusKeys.has(key(c)))).toHaveLength(Math.round(w * T));
      expect(critic.filter((c) => plusKeys.has(key(c)))).toHaveLength(Math.round((1 - w) * T));
      expect(critic).toHaveLength(Math.round(w * T) + Math.round((1 - w) * T));
      const recorded = result.history[l - 1].datasets;
      expect([recorded.generation[n], recorded.criticMinus[n], recorded.criticPlus[n]]).toEqual([generation.length, minus.length, plus.length]);
    }
  });

  it('creates 2N training jobs per iteration, iteration 2 warm-starting from iteration 1', async () => {
    const api = new OpenAI({ baseURL: stack.backendUrls.training, apiKey: 'test' });
    const jobs = (await api.fineTuning.jobs.list({ limit: 100 })).data;
    const byKey = new Map(jobs.map((j) => [j.metadata?.maft_job_key, j]));
    for (const l of [1, 2]) expect(jobs.filter((j) => j.metadata?.maft_job_key?.startsWith(`e2e/l${l}/`))).toHaveLength(2 * N);
    expect(jobs).toHaveLength(4 * N);
    for (const role of ['generation', 'critic']) {
      for (let n = 1; n <= N; n++) {
        const first = byKey.get(`e2e/l1/${role}/${n}`)!;
        const second = byKey.get(`e2e/l2/${role}/${n}`)!;
        expect(first.model).toBe('sim-base');
        expect(first.status).toBe('succeeded');
        expect(second.model).toBe(first.fine_tuned_model);
        expect(result.agents[role as 'generation' | 'critic'][n - 1]).toBe(second.fine_tuned_model);
      }
    }
  });

  it('debates the test questions with the finetuned agents', () => {
    const [test1] = transcriptsOf(1, 'test');
    expect(test1.agents).toEqual(result.history[0].agents);
    expect(test1.agents.generation).toEqual(['e2e-l1-gen1', 'e2e-l1-gen2', 'e2e-l1-gen3']);
    expect(transcriptsOf(0, 'test')[0].agents.generation).toEqual(['sim-base', 'sim-base', 'sim-base']);
  });

  it('keeps bulk text out of the run history', async () => {
    const history = await stack.client.workflow.getHandle('maft-e2e').fetchHistory();
    // The last execution starts 20 training debates and 10 + 10 test debates (evaluation 1 beside it,
    // then evaluation 2): a few KB each (its start with an input of ids and settings, its ŷ and answers), no text.
    const bytes = Buffer.byteLength(JSON.stringify(history));
    const debates = history.events!.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length;
    expect(debates).toBe(40);
    expect(bytes / debates).toBeLessThan(6_000);
    expect(JSON.stringify(history)).not.toContain('Make sure to state your answer');
  });

  it('replays every recorded history without nondeterminism', async () => {
    const histories = [];
    for await (const execution of stack.client.workflow.list()) {
      const handle = stack.client.workflow.getHandle(execution.workflowId, execution.runId);
      histories.push({ workflowId: execution.workflowId, history: await handle.fetchHistory() });
    }
    expect(histories.length).toBeGreaterThan(2 * 20 + 3 * 10);
    const failures: string[] = [];
    for await (const replay of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      if (replay.error) failures.push(`${replay.workflowId}: ${replay.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
