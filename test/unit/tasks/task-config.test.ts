import { parseRunConfig, type RunConfigInput } from '../../../core/config';
import { taskSpec } from '../../../core/tasks';

const parse = (task: unknown) => parseRunConfig({ runId: 'r', baseModel: 'b', task } as RunConfigInput).task;
const problems = (task: unknown) => {
  try {
    parse(task);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('task config', () => {
  it('defaults to arithmetic with 500 + 500 questions, with or without a name', () => {
    expect(parse(undefined)).toEqual({ name: 'arithmetic', trainSize: 500, testSize: 500 });
    expect(parse({ trainSize: 20 })).toEqual({ name: 'arithmetic', trainSize: 20, testSize: 500 });
  });

  it("fills each task's defaults: data paths, MATH levels 1-3, every subject", () => {
    expect(parse({ name: 'gsm8k' })).toEqual({ name: 'gsm8k', trainSize: 500, testSize: 500, file: 'gsm8k/test.jsonl' });
    expect(parse({ name: 'math' })).toEqual({ name: 'math', trainSize: 500, testSize: 500, file: 'math/test.jsonl', levels: [1, 2, 3] });
    expect(parse({ name: 'mmlu', subjects: ['anatomy'] })).toEqual({ name: 'mmlu', trainSize: 500, testSize: 500, dir: 'mmlu/test', subjects: ['anatomy'] });
    expect(parse({ name: 'jsonl', file: '/d/mine.jsonl', checker: 'exact' })).toEqual({
      name: 'jsonl',
      trainSize: 500,
      testSize: 500,
      file: '/d/mine.jsonl',
      checker: 'exact',
      fields: { question: 'question', answer: 'answer' },
    });
  });

  it('names every bad field by its path', () => {
    expect(problems({ name: 'gsm' })).toMatch(/task\.name: expected one of arithmetic, gsm8k, gsm8k-train, math, mmlu, jsonl/);
    expect(problems({ name: 'math', levels: [0, 6] })).toMatch(
      /task\.levels\.0: Number must be greater than or equal to 1[\s\S]*task\.levels\.1: Number must be less than or equal to 5/,
    );
    expect(problems({ name: 'math', subjects: ['Calculus'] })).toMatch(/task\.subjects\.0: Invalid enum value\. Expected 'Algebra' \|/);
    expect(problems({ name: 'mmlu', subjects: ['High School Physics'] })).toMatch(/task\.subjects\.0: a subject as in its file name/);
    expect(problems({ name: 'jsonl', file: 'f' })).toMatch(/task\.checker: Required/);
    expect(problems({ name: 'jsonl', file: 'f', checker: 'fuzzy' })).toMatch(/task\.checker: Invalid enum value/);
    expect(problems({ name: 'jsonl', file: 'f', checker: 'exact', prompt: 'no placeholder' })).toMatch(/task\.prompt: must contain \{question\}/);
    expect(problems({ name: 'gsm8k', levels: [1] })).toMatch(/task: Unrecognized key\(s\) in object: 'levels'/);
  });

  it('gives each task its checker and prompts; a JSONL task borrows the prompts of its checker', () => {
    expect(taskSpec(parse({}))).toEqual({ name: 'arithmetic', checker: 'number', prompts: 'arithmetic' });
    expect(taskSpec(parse({ name: 'gsm8k' }))).toEqual({ name: 'gsm8k', checker: 'number', prompts: 'gsm8k' });
    expect(taskSpec(parse({ name: 'math' }))).toEqual({ name: 'math', checker: 'math', prompts: 'math' });
    expect(taskSpec(parse({ name: 'mmlu' }))).toEqual({ name: 'mmlu', checker: 'choice', prompts: 'mmlu' });
    expect(taskSpec(parse({ name: 'jsonl', file: 'f', checker: 'choice' }))).toEqual({ name: 'jsonl', checker: 'choice', prompts: 'mmlu' });
  });
});
