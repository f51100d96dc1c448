import { arithmeticQuestion } from '../../../core/tasks/arithmetic';
import { parseTrainingFile } from '../../../simulator/files';
import { scoreExample, skillsAfterTraining, topicStats } from '../../../simulator/skills';
import { TOPICS, type Topic } from '../../../simulator/topics';

const base = Object.fromEntries(TOPICS.map((t) => [t, 0.5])) as Record<Topic, number>;
const ex = (i: number, delta: number) => {
  const q = arithmeticQuestion(0, i);
  return [
    { role: 'user', content: q.prompt },
    { role: 'assistant', content: 'The answer is 1.' },
    { role: 'user', content: 'others' },
    { role: 'assistant', content: `The answer is ${Number(q.reference) + delta}.` },
  ];
};

test('an example is scored by its final assistant answer', () => {
  expect(scoreExample(ex(0, 0))?.correct).toBe(true);
  expect(scoreExample(ex(0, 1))?.correct).toBe(false);
  expect(scoreExample([{ role: 'user', content: 'hello' }, { role: 'assistant', content: '1' }])).toBeUndefined();
});

test('topic stats count examples and accuracy per topic', () => {
  const stats = topicStats([...Array.from({ length: 30 }, (_, i) => ex(i, 0)), ...Array.from({ length: 30 }, (_, i) => ex(i, 2))]);
  const total = Object.values(stats).reduce((n, s) => n + s!.examples, 0);
  expect(total).toBe(60);
  for (const s of Object.values(stats)) expect(s!.accuracy).toBeCloseTo(0.5);
});

test('skills move toward the data accuracy, further with more examples, epochs and learning rate', () => {
  const strength = { rate: 0.01, epochs: 1, learningRateMultiplier: 1 };
  const few = skillsAfterTraining(base, { 'arithmetic-easy': { examples: 10, accuracy: 1 } }, strength);
  const many = skillsAfterTraining(base, { 'arithmetic-easy': { examples: 100, accuracy: 1 } }, strength);
  const epochs = skillsAfterTraining(base, { 'arithmetic-easy': { examples: 10, accuracy: 1 } }, { ...strength, epochs: 3 });
  expect(few['arithmetic-easy']).toBeCloseTo(0.5 + (1 - 0.99 ** 10) * 0.5);
  expect(many['arithmetic-easy']).toBeGreaterThan(few['arithmetic-easy']);
  expect(epochs['arithmetic-easy']).toBeGreaterThan(few['arithmetic-easy']);
  expect(few['arithmetic-hard']).toBe(0.5);
  const worse = skillsAfterTraining(base, { 'arithmetic-hard': { examples: 50, accuracy: 0 } }, strength);
  expect(worse['arithmetic-hard']).toBeLessThan(0.5);
  expect(worse['arithmetic-hard']).toBeGreaterThanOrEqual(0);
});

test('training files: valid JSONL parses; the first bad line is reported', () => {
  const good = JSON.stringify({ messages: ex(0, 0) });
  expect(parseTrainingFile(`${good}\n\n${good}\n`)).toMatchObject({ ok: true, examples: [expect.any(Array), expect.any(Array)] });
  expect(parseTrainingFile(`${good}\n{"messages":[{"role":"user","content":"x"}]}`)).toEqual({ ok: false, line: 2, message: 'has no assistant message to train on' });
  expect(parseTrainingFile(`${good}\n{"messages":[{"role":"user","content":1}]}`)).toMatchObject({ ok: false, line: 2 });
  expect(parseTrainingFile('{"prompt":"x"}')).toMatchObject({ ok: false, line: 1 });
  expect(parseTrainingFile('')).toMatchObject({ ok: false, line: 1 });
});
