import { arithmeticQuestion } from '../../../core/tasks/arithmetic';
import type { ChatMessage } from '../../../simulator/agents';
import { parseTrainingFile } from '../../../simulator/files';
import {
  appendixG,
  baseShares,
  correctProbability,
  dataAccuracy,
  scoreExample,
  skillsAfterTraining,
  specialize,
  trainingData,
  type RoleSkills,
} from '../../../simulator/skills';
import { findExpression, topicOf, TOPICS, type Topic } from '../../../simulator/topics';

const third = { A: 1 / 3, B: 1 / 3, C: 1 / 3 };
const questions = Array.from({ length: 300 }, (_, i) => arithmeticQuestion(0, i));
const ofTopic = (topic: Topic) => questions.filter((q) => topicOf(findExpression(q.prompt)!) === topic);
/** A generation example (question, one answer) or a critic example (two answers); delta 0 is correct. */
const example = (q: (typeof questions)[number], delta: number, critic = false): ChatMessage[] => [
  { role: 'user', content: q.prompt },
  ...(critic
    ? [
        { role: 'assistant', content: 'The answer is 1.' },
        { role: 'user', content: 'others' },
      ]
    : []),
  { role: 'assistant', content: `The answer is ${Number(q.reference) + delta}.` },
];

test("Appendix G's update on hand-computed numbers", () => {
  // S = (0.4, 0.3, 0.3): (0.4 * 1.4, 0.3 * 1.3, 0.3 * 1.3) = (0.56, 0.39, 0.39), sum 1.34.
  const next = appendixG({ A: 0.4, B: 0.3, C: 0.3 });
  expect(next.A).toBeCloseTo(0.56 / 1.34, 12);
  expect(next.B).toBeCloseTo(0.39 / 1.34, 12);
  expect(next.C).toBeCloseTo(0.39 / 1.34, 12);
  // The uniform start is a fixed point; the leader's ratio is (1 + S_i) / (1 + sum S_j^2) >= 1.
  expect(appendixG(third).A).toBeCloseTo(1 / 3, 12);
  expect(next.A / 0.4).toBeCloseTo(1.4 / 1.34, 12);
});

test('the update with measured growth: S_i (1 + g_i), renormalized', () => {
  // (1/3)(1.4, 1.2, 1) / ((1/3) 3.6)
  const next = specialize(third, { A: 0.4, B: 0.2 });
  expect(next).toEqual({ A: expect.closeTo(1.4 / 3.6, 12), B: expect.closeTo(1.2 / 3.6, 12), C: expect.closeTo(1 / 3.6, 12) });
});

test('topics: the sum of the operands mod 3, about equally frequent', () => {
  expect(topicOf(findExpression('What is the result of 3+4*5+6-7*8?')!)).toBe('A'); // 33 mod 3 = 0
  expect(topicOf(findExpression('What is the result of 3+4*5+6-7*9?')!)).toBe('B'); // 34
  expect(topicOf(findExpression('What is the result of 3+4*5+6-7*10?')!)).toBe('C'); // 35
  const many = Array.from({ length: 3000 }, (_, i) => topicOf(findExpression(arithmeticQuestion(5, i).prompt)!));
  for (const t of TOPICS) expect(Math.abs(many.filter((x) => x === t).length / 3000 - 1 / 3)).toBeLessThan(0.03);
});

test('examples are scored by their final answer and sorted by role', () => {
  const q = ofTopic('B')[0];
  expect(scoreExample(example(q, 0))).toEqual({ role: 'generation', topic: 'B', correct: true });
  expect(scoreExample(example(q, 1, true))).toEqual({ role: 'critic', topic: 'B', correct: false });
  expect(
    scoreExample([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: '1' },
    ]),
  ).toBeUndefined();
});

test('training: each role specializes on the share of each topic among its examples that are correct', () => {
  const [a, b, c] = [ofTopic('A'), ofTopic('B'), ofTopic('C')];
  // Generation: 10 examples, 4 correct on A, 2 correct on B, 4 wrong (2 on C, 2 on A): g = (0.4, 0.2, 0).
  // Critic: 2 examples, both correct on C: g = (0, 0, 1).
  const examples = [
    ...a.slice(0, 4).map((q) => example(q, 0)),
    ...b.slice(0, 2).map((q) => example(q, 0)),
    ...c.slice(0, 2).map((q) => example(q, 3)),
    ...a.slice(4, 6).map((q) => example(q, -2)),
    ...c.slice(2, 4).map((q) => example(q, 0, true)),
  ];
  const data = trainingData(examples);
  expect(data).toEqual({ generation: { examples: 10, correct: { A: 4, B: 2 } }, critic: { examples: 2, correct: { C: 2 } } });
  expect(dataAccuracy(data)).toBeCloseTo(8 / 12, 12);
  const parent: RoleSkills = { generation: third, critic: third };
  const next = skillsAfterTraining(parent, data);
  expect(next.generation).toEqual({ A: expect.closeTo(1.4 / 3.6, 12), B: expect.closeTo(1.2 / 3.6, 12), C: expect.closeTo(1 / 3.6, 12) });
  expect(next.critic).toEqual({ A: expect.closeTo(0.25, 12), B: expect.closeTo(0.25, 12), C: expect.closeTo(0.5, 12) });
  // A role without examples keeps its shares; data that is all wrong changes nothing.
  expect(skillsAfterTraining(parent, trainingData(examples.slice(0, 6))).critic).toBe(third);
  expect(skillsAfterTraining(parent, trainingData(c.slice(0, 3).map((q) => example(q, 1)))).generation).toEqual(third);
});

test('skill share to probability: min(1, p * 3 * S)', () => {
  const base = { A: 0.6, B: 0.6, C: 0.8 };
  expect(correctProbability(third, base, 'A')).toBeCloseTo(0.6, 12);
  expect(correctProbability({ A: 0.5, B: 0.25, C: 0.25 }, base, 'A')).toBeCloseTo(0.9, 12);
  expect(correctProbability({ A: 0.5, B: 0.25, C: 0.25 }, base, 'B')).toBeCloseTo(0.45, 12);
  expect(correctProbability({ A: 0.1, B: 0.2, C: 0.7 }, base, 'C')).toBe(1);
});

test('base shares: 1/3 each, or seeded differences within the spread', () => {
  expect(baseShares(0, 'm', 'generation', 0)).toEqual(third);
  const spread = baseShares(0, 'm', 'generation', 0.1);
  expect(spread).toEqual(baseShares(0, 'm', 'generation', 0.1));
  expect(spread).not.toEqual(baseShares(0, 'other', 'generation', 0.1));
  expect(TOPICS.reduce((s, t) => s + spread[t], 0)).toBeCloseTo(1, 12);
  for (const t of TOPICS) expect(Math.abs(spread[t] - 1 / 3)).toBeLessThan((1 / 3) * 0.25);
});

test('training files: valid JSONL parses; the first bad line is reported', () => {
  const good = JSON.stringify({ messages: example(questions[0], 0, true) });
  expect(parseTrainingFile(`${good}\n\n${good}\n`)).toMatchObject({ ok: true, examples: [expect.any(Array), expect.any(Array)] });
  expect(parseTrainingFile(`${good}\n{"messages":[{"role":"user","content":"x"}]}`)).toEqual({
    ok: false,
    line: 2,
    message: 'has no assistant message to train on',
  });
  expect(parseTrainingFile(`${good}\n{"messages":[{"role":"user","content":1}]}`)).toMatchObject({ ok: false, line: 2 });
  expect(parseTrainingFile('{"prompt":"x"}')).toMatchObject({ ok: false, line: 1 });
  expect(parseTrainingFile('')).toMatchObject({ ok: false, line: 1 });
});
