/**
 * A GSM8K run end to end on the dev server with the simulator (L=1, N=3, M=2): questions drawn
 * from the data file, GSM8K's prompts in every round, answers read by the number checker and
 * grouped by equivalence, accuracy scored against GSM8K's references. The simulator cannot solve
 * word problems (it guesses a number, docs/simulator.md): this checks the machinery, not accuracy.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { answerChecker } from '../../core/answers';
import { partitionDebates } from '../../core/datasets';
import type { Question, TaskRecord } from '../../core/tasks';
import type { DebateTranscript } from '../../core/transcript';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(180_000);

const DATA_DIR = process.env.MAFT_DATA_DIR ?? path.resolve(__dirname, '../..', '../shared/data');
const file = path.join(DATA_DIR, 'gsm8k', 'test.jsonl');
const config = {
  runId: 'gsm',
  seed: 2,
  baseModel: 'sim-base',
  iterations: 1,
  task: { name: 'gsm8k' as const, file, trainSize: 6, testSize: 4 },
  maxConcurrentDebates: 4,
};
const number = answerChecker('number');

let stack: Stack;
let result: RunResult;
beforeAll(async () => {
  stack = await startStack();
  result = await stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-gsm', args: [{ config }] });
});
afterAll(() => stack?.stop());

const read = <T>(relative: string): T => JSON.parse(readFileSync(path.join(stack.artifactRoot, 'runs', 'gsm', relative), 'utf8')) as T;
const split = (s: 'train' | 'test'): Question[] =>
  readFileSync(path.join(stack.artifactRoot, 'runs', 'gsm', 'task', `${s}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Question);
const transcripts = (l: number, s: 'train' | 'test'): Map<string, DebateTranscript> => {
  const dir = `iteration-${l}/debates/${s}`;
  return new Map(readdirSync(path.join(stack.artifactRoot, 'runs', 'gsm', dir)).map((f) => [f.replace(/\.json$/, ''), read<DebateTranscript>(`${dir}/${f}`)]));
};

describe('a GSM8K run on the simulator', () => {
  it("records the task: the data file, the checker, the prompts and each question's source line", () => {
    const record = read<TaskRecord>('task/task.json');
    expect(record.spec).toEqual({ name: 'gsm8k', checker: 'number', prompts: 'gsm8k' });
    expect(record.sources.map((s) => s.file)).toEqual([file]);
    expect(record).toMatchObject({ eligible: 1319, train: 6, test: 4, seed: 2 });
    for (const q of [...split('train'), ...split('test')]) {
      expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[q.source!.line - 1]).question).toBe(q.text);
    }
  });

  it("debates with GSM8K's prompts: the question in round 1, the question restated to the critics", () => {
    const questions = split('train');
    const debates = transcripts(1, 'train');
    expect(debates.size).toBe(6);
    for (const q of questions) {
      const t = debates.get(q.id)!;
      for (const conversation of t.conversations) {
        expect(conversation[0].content).toBe(q.prompt);
        expect(conversation[2].content.startsWith('Here is a summary of solutions from several other agents: ')).toBe(true);
        expect(conversation[2].content).toContain(`The original math problem is ${q.text}. Your final answer should be a single numerical number`);
      }
    }
  });

  it('stores the extracted answers and a majority recomputed by equivalence, and datasets that follow from them', () => {
    const debates = [...transcripts(1, 'train').values()];
    for (const t of debates) {
      const replies = t.conversations.map((c) => c.filter((m) => m.role === 'assistant').map((m) => m.content));
      expect(t.extracted).toEqual([0, 1].map((m) => replies.map((r) => number.extract(r[m]))));
      const last = t.extracted[1].filter((a): a is string => a !== null);
      const votes = (a: string) => last.filter((b) => number.equivalent(b, a)).length;
      expect(t.majority).not.toBeNull();
      expect(votes(t.majority!)).toBe(Math.max(...last.map(votes)));
    }
    const sizes = partitionDebates(
      split('train').map((q) => debates.find((t) => t.questionId === q.id)!),
      3,
    );
    expect(result.history[0].datasets.generation).toEqual(sizes.map((s) => s.generation.length));
    expect(result.history[0].datasets.criticMinus).toEqual(sizes.map((s) => s.criticMinus.length));
    expect(result.history[0].datasets.criticPlus).toEqual(sizes.map((s) => s.criticPlus.length));
  });

  it("scores each iteration's majorities against GSM8K's references", () => {
    const questions = split('test');
    for (const [l, accuracy] of [
      [0, result.baseEvaluation!],
      [1, result.history[0].evaluation],
    ] as const) {
      const debates = transcripts(l, 'test');
      const correct = questions.filter((q) => {
        const majority = debates.get(q.id)!.majority;
        return majority !== null && number.equivalent(majority, q.reference);
      }).length;
      expect(accuracy).toMatchObject({ total: 4, correct });
    }
  });
});
