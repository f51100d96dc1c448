import { arithmeticQuestion, parseArithmeticAnswer, solveArithmeticPrompt } from '../../../core/tasks/arithmetic';
import { checkerFor, generatedSplits } from '../../../core/tasks';

describe('arithmetic task', () => {
  it("asks the authors' question with values in 0..30 and the true result as reference", () => {
    for (let i = 0; i < 200; i++) {
      const q = arithmeticQuestion(7, i);
      const m = /^What is the result of (\d+)\+(\d+)\*(\d+)\+(\d+)-(\d+)\*(\d+)\? Make sure to state your answer at the end of the response\.$/.exec(q.prompt);
      expect(m).not.toBeNull();
      const [a, b, c, d, e, f] = m!.slice(1).map(Number);
      for (const v of [a, b, c, d, e, f]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(30);
      }
      expect(Number(q.reference)).toBe(a + b * c + d - e * f);
      expect(solveArithmeticPrompt(q.prompt)).toBe(a + b * c + d - e * f);
    }
  });

  it('is seeded: the same seed gives the same questions, another seed others', () => {
    expect(arithmeticQuestion(1, 5)).toEqual(arithmeticQuestion(1, 5));
    const a = Array.from({ length: 20 }, (_, i) => arithmeticQuestion(1, i).prompt);
    const b = Array.from({ length: 20 }, (_, i) => arithmeticQuestion(2, i).prompt);
    expect(a).not.toEqual(b);
  });

  it('draws every value of 0..30 somewhere', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const nums = /of (.*)\?/.exec(arithmeticQuestion(3, i).prompt)![1].split(/[+*-]/).map(Number);
      nums.forEach((n) => seen.add(n));
    }
    expect(seen.size).toBe(31);
  });

  it('makes disjoint train and test splits', () => {
    const { train, test } = generatedSplits(0, 500, 500);
    expect(train).toHaveLength(500);
    expect(test).toHaveLength(500);
    const trainPrompts = new Set(train.map((q) => q.prompt));
    expect(test.some((q) => trainPrompts.has(q.prompt))).toBe(false);
  });

  it.each([
    ['So the answer is 42.', 42],
    ['3+4*5 = 23, then 23-100 = -77', -77],
    ['The result is −12', -12],
    ['Total: 1,234', 1234],
    ['26-56 gives the final 7', 7],
    ['value 12-5', 5],
    ['value 12 - 5', 5],
    ['The answer is \\boxed{14}, not 15', 14],
    ['I get 3.5 in the end', 3.5],
  ])('reads the final answer of %j', (text, expected) => {
    expect(parseArithmeticAnswer(text)).toBe(expected);
  });

  it('finds no answer where none is stated', () => {
    expect(parseArithmeticAnswer('I do not know.')).toBeUndefined();
    expect(checkerFor('arithmetic').extract('no idea')).toBeNull();
  });

  it('grades with the number checker: answers compare by value', () => {
    const checker = checkerFor('arithmetic');
    expect(checker.name).toBe('number');
    expect(checker.equivalent(checker.extract('the answer is 12.0')!, '12')).toBe(true);
    expect(checker.equivalent(checker.extract('the answer is -12')!, '12')).toBe(false);
  });
});
