import { answerChecker } from '../../../core/answers';

const number = answerChecker('number');

describe('number checker: extraction', () => {
  it.each([
    ['Janet sells 16 - 3 - 4 = 9 eggs and makes 9 * 2 = $18.\nThe answer is \\boxed{18}.', '18'],
    ['The total is \\boxed{\\$1,234}. That is 5 more than before.', '1,234'],
    ['3+4*5 = 23, then 23-100 = -77', '-77'],
    ['value 12-5', '5'],
    ['value 12 - 5', '5'], // a minus after a space that follows a number is a subtraction
    ['(3+4) - 2', '2'],
    ['The answer is -5', '-5'],
    ['so x = - 5', '- 5'],
    ['She pays -$5 in the end.', '-$5'],
    ['It costs 5.00 dollars.', '5.00'],
    ['about .5 kg', '.5'],
    ['Total: 1,450,000 people', '1,450,000'],
    ['The list 1,2 ends with 2', '2'],
  ])('%j -> %s', (response, expected) => {
    expect(number.extract(response)).toBe(expected);
  });

  it('is null when no number is stated, or the box holds none', () => {
    expect(number.extract('I do not know.')).toBeNull();
    expect(number.extract('There are 3 apples, so \\boxed{three}.')).toBeNull();
  });
});

describe('number checker: equivalence', () => {
  it.each([
    ['5.00', '5'],
    ['$5', '5'],
    ['1,234', '1234'],
    ['-$5', '-5'],
    ['18 dollars', '18'],
    ['0.50', '.5'],
    ['-0', '0'],
    ['007', '7'],
  ])('%s ~ %s', (answer, reference) => {
    expect(number.equivalent(answer, reference)).toBe(true);
    expect(number.equivalent(reference, answer)).toBe(true);
  });

  it.each([
    ['-3', '3'],
    ['1,234', '1235'],
    ['5.01', '5'],
    ['12', '1.2'],
    ['10000000000000001', '10000000000000000'], // equal as floats, not as numbers
    ['', '5'],
    ['none', 'none'],
  ])('%s !~ %s', (answer, reference) => {
    expect(number.equivalent(answer, reference)).toBe(false);
  });
});
