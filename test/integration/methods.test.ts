/**
 * Every method of the paper's Tables 1 and 2 end to end on the dev server with the simulator: each
 * runs as a configuration of the same workflow and leaves the records its definition implies (who
 * debated, for how many rounds, what the training data holds, which models were trained).
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import type { RunConfigInput } from '../../core/config';
import { hintedQuestion } from '../../core/star';
import type { ChatMessage, DebateTranscript } from '../../core/transcript';
import { cooperativeTurn, withAgentId } from '../../core/prompts';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(300_000);

let stack: Stack;
let training: OpenAI;

beforeAll(async () => {
  stack = await startStack({ simulator: { baseModels: ['sim-base', 'sim-other'] } });
  training = new OpenAI({ baseURL: stack.backendUrls.training, apiKey: 'test', maxRetries: 0 });
});

afterAll(async () => {
  await stack?.stop();
});

interface Run {
  result: RunResult;
  transcripts(iteration: number, split: 'train' | 'test'): DebateTranscript[];
  dataset(iteration: number, name: string): Array<{ messages: ChatMessage[] }>;
  jobs(): Promise<Array<{ key: string; model: string; epochs: unknown; fineTunedModel: string | null }>>;
}

async function run(runId: string, config: Omit<RunConfigInput, 'runId' | 'baseModel'> & { baseModel?: string }): Promise<Run> {
  const full = { runId, baseModel: 'sim-base', seed: 3, iterations: 1, task: { trainSize: 6, testSize: 4 }, ...config };
  const result = await stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${runId}`, args: [{ config: full }] });
  const root = path.join(stack.artifactRoot, 'runs', runId);
  return {
    result,
    transcripts: (iteration, split) => {
      const dir = path.join(root, `iteration-${iteration}`, 'debates', split);
      return readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as DebateTranscript);
    },
    dataset: (iteration, name) =>
      readFileSync(path.join(root, `iteration-${iteration}`, 'datasets', `${name}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { messages: ChatMessage[] }),
    jobs: async () => {
      const all = [];
      for await (const job of training.fineTuning.jobs.list({ limit: 100 })) all.push(job);
      return all
        .filter((j) => j.metadata?.maft_job_key?.startsWith(`${runId}/`))
        .map((j) => ({ key: j.metadata!.maft_job_key, model: j.model, epochs: j.hyperparameters.n_epochs, fineTunedModel: j.fine_tuned_model }))
        .sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}

const shape = (t: DebateTranscript) => ({ agents: t.conversations.length, rounds: t.answers.length });

describe('baselines without finetuning', () => {
  it.each([
    ['base', 1, 1],
    ['majority', 3, 1],
    ['debate', 3, 2],
  ] as const)('%s: %i agent(s), %i round(s), evaluated once, nothing trained', async (method, agents, rounds) => {
    const r = await run(`m-${method}`, { method });
    expect(r.result.baseEvaluation?.total).toBe(4);
    expect(r.result.history).toEqual([]);
    expect(r.transcripts(0, 'test').map(shape)).toEqual(Array(4).fill({ agents, rounds }));
    expect(await r.jobs()).toEqual([]);
  });
});

describe('finetuning methods', () => {
  it('STaR trains one model on correct answers and hint rationalizations, never on the hint', async () => {
    const r = await run('m-star', { method: 'star', task: { trainSize: 12, testSize: 4 } });
    const train = r.transcripts(1, 'train');
    expect(train.map(shape)).toEqual(Array(12).fill({ agents: 1, rounds: 1 }));
    const rationalized = train.filter((t) => t.rationalization?.correct);
    expect(rationalized.length).toBeGreaterThan(0); // the simulator's base model is wrong about 1 time in 10
    const references = new Map(
      readFileSync(path.join(stack.artifactRoot, 'runs/m-star/task/train.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { id: string; reference: string })
        .map((q) => [q.id, q.reference]),
    );
    for (const t of rationalized) {
      expect(t.rationalization!.prompt).toBe(hintedQuestion(t.conversations[0][0].content, references.get(t.questionId)!)[0].content);
    }
    const examples = r.dataset(1, 'shared');
    const replies = examples.map((e) => e.messages[1].content);
    for (const t of rationalized) expect(replies).toContain(t.rationalization!.reply);
    expect(examples.every((e) => e.messages.length === 2 && !/Hint:/.test(e.messages[0].content))).toBe(true);
    expect(r.result.history[0].datasets.rationalized).toBe(rationalized.length);
    const jobs = await r.jobs();
    expect(jobs.map((j) => j.key)).toEqual(['m-star/l1/shared']);
    expect(new Set([...r.result.agents.generation, ...r.result.agents.critic])).toEqual(new Set([jobs[0].fineTunedModel]));
  });

  it('Majority FT votes over N independent answers and trains one model on those that match ŷ', async () => {
    const r = await run('m-majority-ft', { method: 'majority-ft' });
    const train = r.transcripts(1, 'train');
    expect(train.map(shape)).toEqual(Array(6).fill({ agents: 3, rounds: 1 }));
    const expected = train.flatMap((t) => t.conversations.filter((_, n) => t.majority !== null && t.answers[0][n] === t.majority).map((c) => c.slice(0, 2)));
    const sorted = (xs: ChatMessage[][]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sorted(r.dataset(1, 'shared').map((e) => e.messages))).toEqual(sorted(expected));
    expect((await r.jobs()).map((j) => j.key)).toEqual(['m-majority-ft/l1/shared']);
    expect(r.transcripts(1, 'test').map(shape)).toEqual(Array(4).fill({ agents: 3, rounds: 1 }));
  });

  it("Single-agent FT (iterated) trains one model per iteration on every agent's debate data, warm-started", async () => {
    const r = await run('m-single', { method: 'single-agent-ft', iterations: 2 });
    const jobs = await r.jobs();
    expect(jobs.map((j) => j.key)).toEqual(['m-single/l1/shared', 'm-single/l2/shared']);
    expect(jobs[0].model).toBe('sim-base');
    expect(jobs[1].model).toBe(jobs[0].fineTunedModel);
    const sizes = r.result.history[0].datasets;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sizes.shared).toBe(sum(sizes.generation) + sum(sizes.critic));
    expect(r.transcripts(2, 'test').every((t) => t.agents.generation.every((m) => m === jobs[1].fineTunedModel))).toBe(true);
  });

  it('Single-agent FT w/o debate takes its data from round 1 alone, and the finetuned model answers alone at evaluation', async () => {
    const r = await run('m-single-nd', { method: 'single-agent-ft-no-debate' });
    expect(r.transcripts(1, 'train').map(shape)).toEqual(Array(6).fill({ agents: 3, rounds: 1 }));
    expect(r.transcripts(0, 'test').map(shape)).toEqual(Array(4).fill({ agents: 1, rounds: 1 }));
    expect(r.transcripts(1, 'test').map(shape)).toEqual(Array(4).fill({ agents: 1, rounds: 1 }));
    const [job] = await r.jobs();
    expect(r.transcripts(1, 'test').every((t) => t.agents.generation[0] === job.fineTunedModel)).toBe(true);
    expect(r.dataset(1, 'shared').every((e) => e.messages.length === 2)).toBe(true);
  });

  it("criticMixRule 'released' trains each critic on all of its D^C- and part of its D^C+", async () => {
    const r = await run('m-released-mix', { criticMixRule: 'released', task: { trainSize: 12, testSize: 2 } });
    const { criticMinus, criticPlus, critic } = r.result.history[0].datasets;
    critic.forEach((size, n) => {
      expect(size).toBeGreaterThanOrEqual(criticMinus[n]);
      expect(size).toBeLessThanOrEqual(criticMinus[n] + criticPlus[n]);
    });
    expect(r.result.history[0].datasets.notes).toBeUndefined();
  });

  it('w/o critic trains the N generation agents only, and they answer every round', async () => {
    const r = await run('m-nocritic', { critics: false });
    const jobs = await r.jobs();
    expect(jobs.every((j) => j.key.includes('/generation/'))).toBe(true);
    expect(jobs.length).toBe(3 - r.result.history[0].skipped.length);
    expect(r.result.agents.critic).toEqual(['sim-base', 'sim-base', 'sim-base']);
    const test = r.transcripts(1, 'test');
    expect(test.every((t) => t.agents.generation.some((m) => m !== 'sim-base'))).toBe(true);
  });

  it('cooperative mode and agent ids change the prompts and nothing else', async () => {
    const r = await run('m-coop', { cooperative: true, agentIds: true, summarize: false });
    for (const t of r.transcripts(1, 'train')) {
      t.conversations.forEach((c, n) => {
        expect(c[0].content.startsWith(`Agent ID: GEN${n + 1} (This is a generation agent ${n + 1} tasked with creating a solution.)\n\n`)).toBe(true);
        const others = t.conversations.filter((_, i) => i !== n).map((o) => o[1].content);
        expect(c[2].content).toBe(withAgentId(cooperativeTurn({ answers: others }, 'arithmetic').content, 'critic', n));
      });
    }
  });

  it('a heterogeneous society gives each agent its own base model and recipe', async () => {
    const r = await run('m-hetero', {
      society: [{}, { baseModel: 'sim-other', generation: { epochs: 3 } }, { temperature: 0 }],
      task: { trainSize: 10, testSize: 4 },
    });
    const train = r.transcripts(1, 'train');
    expect(train[0].agents.generation).toEqual(['sim-base', 'sim-other', 'sim-base']);
    const jobs = await r.jobs();
    const gen2 = jobs.find((j) => j.key === 'm-hetero/l1/generation/2');
    expect(gen2).toMatchObject({ model: 'sim-other', epochs: 3 });
    for (const j of jobs.filter((j) => j.key !== 'm-hetero/l1/generation/2' && j.key.includes('/generation/'))) expect(j.epochs).toBe(2);
  });
});
