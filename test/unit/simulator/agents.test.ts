import { createRng } from '../../../core/random';
import { arithmeticQuestion, parseArithmeticAnswer, solveArithmeticPrompt } from '../../../core/tasks/arithmetic';
import { listedOpinions, majority, otherAnswers, respond, turnKind, type ChatMessage } from '../../../simulator/agents';
import { ModelRegistry, type SimModel } from '../../../simulator/models';
import { correctWorking, solutionText, wrongWorking } from '../../../simulator/texts';
import { findExpression, topicOf, TOPICS, type Topic } from '../../../simulator/topics';

const skills = (p: number) => Object.fromEntries(TOPICS.map((t) => [t, p])) as Record<Topic, number>;
const model = (p: number): SimModel => new ModelRegistry(['m'], skills(p)).get('m')!;

describe('topics and workings', () => {
  test('the parsed expression agrees with core and every question has a topic', () => {
    const seen = new Set<Topic>();
    for (let i = 0; i < 300; i++) {
      const q = arithmeticQuestion(1, i);
      const x = findExpression(q.prompt)!;
      expect(correctWorking(x).result).toBe(solveArithmeticPrompt(q.prompt));
      seen.add(topicOf(x));
    }
    expect([...seen].sort()).toEqual([...TOPICS].sort());
  });

  test('wrong workings are never right, and every phrasing ends with its answer', () => {
    const rng = createRng(1);
    for (let i = 0; i < 500; i++) {
      const x = findExpression(arithmeticQuestion(2, i).prompt)!;
      const w = wrongWorking(x, rng);
      expect(w.result).not.toBe(correctWorking(x).result);
      for (const style of [0, 1, 2]) expect(parseArithmeticAnswer(solutionText(x, w, style))).toBe(w.result);
    }
  });
});

describe('reading conversations', () => {
  const q = arithmeticQuestion(0, 0).prompt;
  test('turn kinds', () => {
    expect(turnKind([{ role: 'user', content: q }])).toBe('generation');
    expect(
      turnKind([
        { role: 'user', content: q },
        { role: 'assistant', content: '1' },
        { role: 'user', content: 'others' },
      ]),
    ).toBe('critic');
    expect(turnKind([{ role: 'user', content: 'Here are a list of opinions from different agents: ...' }])).toBe('summary');
  });

  test("other agents' answers from blocks, summaries, and summaries inside blocks", () => {
    expect(otherAnswers('One agent solution: ```3*4 = 12, so 12.``` One agent solution: ```The answer is -5.```')).toEqual([12, -5]);
    expect(
      otherAnswers('Here is a summary of responses from other agents: One agent says the answer is 7. Another agent says the answer is 9. Please update.'),
    ).toEqual([7, 9]);
    expect(otherAnswers('Summary: ```Here is a summary. One agent says the answer is 1. Another agent says the answer is 2.```')).toEqual([1, 2]);
    expect(listedOpinions('```The answer is 4.``` ```no idea```')).toEqual([4, undefined]);
  });

  test('majority: most common, ties to the preferred value, else a draw', () => {
    const rng = createRng(0);
    expect(majority([1, 2, 2], rng)).toBe(2);
    expect(majority([1, 2], rng, 2)).toBe(2);
    expect([1, 2]).toContain(majority([1, 2], rng, 3));
    expect(majority([], rng, 5)).toBe(5);
    expect(majority([], rng)).toBeUndefined();
  });
});

describe('respond', () => {
  const q = arithmeticQuestion(3, 4);
  const truth = Number(q.reference);
  const messages: ChatMessage[] = [{ role: 'user', content: q.prompt }];

  test('is a pure function of (seed, model, messages, sampling parameters)', () => {
    const req = { seed: 1, model: model(0.5), messages, requestSeed: 3 };
    expect(respond(req)).toBe(respond({ ...req, messages: [...messages] }));
    const variants = new Set(Array.from({ length: 40 }, (_, s) => respond({ ...req, requestSeed: s })));
    expect(variants.size).toBeGreaterThan(1);
  });

  test('skill 1 is always right and skill 0 always wrong', () => {
    for (let s = 0; s < 20; s++) {
      expect(parseArithmeticAnswer(respond({ seed: 0, model: model(1), messages, requestSeed: s }))).toBe(truth);
      expect(parseArithmeticAnswer(respond({ seed: 0, model: model(0), messages, requestSeed: s }))).not.toBe(truth);
    }
  });

  test('a critic without a question follows the others; a non-arithmetic question gets a guess', () => {
    const critic: ChatMessage[] = [
      { role: 'user', content: 'What is the capital of France?' },
      { role: 'assistant', content: 'The answer is 3.' },
      { role: 'user', content: 'One agent solution: ```The answer is 8.``` One agent solution: ```The answer is 8.```' },
    ];
    expect(parseArithmeticAnswer(respond({ seed: 0, model: model(1), messages: critic }))).toBe(8);
    expect(respond({ seed: 0, model: model(1), messages: [critic[0]] })).toMatch(/best estimate\. The answer is \d+\.$/);
  });
});
