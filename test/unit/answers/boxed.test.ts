import { lastBoxed } from '../../../core/answers';

describe('lastBoxed', () => {
  it.each([
    ['The answer is $\\boxed{5}$.', '5'],
    ['First \\boxed{1}, then \\boxed{2}.', '2'],
    ['nested: \\boxed{\\frac{1}{\\sqrt{2}}}', '\\frac{1}{\\sqrt{2}}'],
    ['a set: \\boxed{\\{1,2\\}}', '\\{1,2\\}'],
    ['a matrix: \\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}', '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}'],
    ['no braces: $\\boxed 5$', '5'],
    ['space before the brace: \\boxed {7}', '7'],
    ['fbox: \\fbox{12}', '12'],
    ['fbox after boxed: \\boxed{1} \\fbox{3}', '3'],
  ])('%s -> %s', (text, expected) => {
    expect(lastBoxed(text)).toBe(expected);
  });

  it.each([
    ['no box at all', 'The answer is 5.'],
    ['a box that never closes (a truncated response)', 'The answer is \\boxed{\\frac{1}{2}'],
    ['an empty box', 'Put it in \\boxed{}'],
    ['a longer command that starts with boxed', '\\boxedtext{5}'],
  ])('is null for %s', (_, text) => {
    expect(lastBoxed(text)).toBeNull();
  });
});
