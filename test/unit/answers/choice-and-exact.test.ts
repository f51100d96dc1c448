import { answerChecker, checkerNames } from '../../../core/answers';
import type { CheckerName } from '../../../core/answers';

const choice = answerChecker('choice');
const exact = answerChecker('exact');

describe('choice checker', () => {
  it.each([
    ['Between (A) and (C), the answer is (C).', 'C'],
    ['(A) is wrong. Final answer: (B)', 'B'],
    ['So the answer is \\boxed{D}.', 'D'],
    ['(B) looked right, but finally $\\boxed{\\text{(A)}}$', 'A'],
    ['\\boxed{C} was my guess; on reflection (D)', 'D'],
    ['The correct option is (d).', 'D'],
    ['(a) is tempting, but (b)', 'B'],
    ['The answer is (c), since the others fail.', 'C'],
  ])('%j -> %s', (response, expected) => {
    expect(choice.extract(response)).toBe(expected);
  });

  it('reads nothing from a response without a letter in the form (X)', () => {
    expect(choice.extract('I cannot decide.')).toBeNull();
    expect(choice.extract('Part (a) and (e) of the question')).toBeNull();
  });

  it.each([
    ['\\text{(B)}', 'B'],
    ['(B)', 'B'],
    ['\\boxed{B}', '(B)'],
    ['(b)', 'B'],
    ['$(C)$.', 'C'],
  ])('%s ~ %s', (answer, reference) => {
    expect(choice.equivalent(answer, reference)).toBe(true);
  });

  it.each([
    ['A', 'B'],
    ['(AB)', 'A'],
    ['', 'A'],
  ])('%s !~ %s', (answer, reference) => {
    expect(choice.equivalent(answer, reference)).toBe(false);
  });
});

describe('exact checker', () => {
  it('reads the last box, else the text after the last "answer is" or "answer:"', () => {
    expect(exact.extract('I think \\boxed{Paris}.')).toBe('Paris');
    expect(exact.extract('The answer is Rome. No wait, the answer is Paris.\nBye')).toBe('Paris');
    expect(exact.extract('Answer: New  York')).toBe('New  York');
    expect(exact.extract('No idea.')).toBeNull();
  });

  it('compares trimmed, whitespace-collapsed, case-insensitive strings', () => {
    expect(exact.equivalent('  New   York ', 'new york')).toBe(true);
    expect(exact.equivalent('New\nYork', 'NEW YORK')).toBe(true);
    expect(exact.equivalent('NewYork', 'New York')).toBe(false);
    expect(exact.equivalent('1/2', '0.5')).toBe(false);
    expect(exact.equivalent(' ', '')).toBe(false);
  });
});

describe('answerChecker', () => {
  it('gives a checker of each name', () => {
    for (const name of checkerNames) expect(answerChecker(name).name).toBe(name);
  });

  it('names the known checkers when asked for an unknown one', () => {
    expect(() => answerChecker('fuzzy' as CheckerName)).toThrow('unknown answer checker "fuzzy" (known: number, math, choice, exact)');
  });
});
