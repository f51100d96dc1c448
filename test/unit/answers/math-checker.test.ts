import { answerChecker } from '../../../core/answers';
import { samplePoints } from '../../../core/answers/expression-compare';

const math = answerChecker('math');

/** Each rule: pairs that must be equivalent and pairs that must not (checked both ways round). */
const rules: Array<{ rule: string; same: Array<[string, string]>; different: Array<[string, string]> }> = [
  {
    rule: 'signs, thousands separators, decimals',
    same: [
      ['1,000', '1000'],
      ['1{,}000', '1000'],
      ['1,\\!000,\\!000', '1000000'],
      ['.5', '0.50'],
      ['-0.25', '-\\frac14'],
      ['+3', '3'],
    ],
    different: [
      ['-3', '3'],
      ['1,001', '1000'],
      ['0.33', '\\frac13'],
      ['1.5', '15'],
    ],
  },
  {
    rule: 'fractions and mixed numbers',
    same: [
      ['\\frac{1}{2}', '0.5'],
      ['0.5', '1/2'],
      ['\\dfrac{3}{4}', '\\tfrac34'],
      ['\\frac12', '\\frac{1}{2}'],
      ['\\frac 9{20}', '0.45'],
      ['2\\frac{1}{3}', '\\frac{7}{3}'],
      ['-2\\frac13', '-\\frac73'],
      ['\\frac{-1}{2}', '-\\frac12'],
      ['\\cfrac{25}{16}', '1.5625'],
    ],
    different: [
      ['2\\frac{1}{3}', '\\frac{2}{3}'],
      ['\\frac{2010012}{2010013}', '\\frac{2010013}{2010014}'],
      ['\\frac12', '\\frac21'],
    ],
  },
  {
    rule: 'roots, pi, powers',
    same: [
      ['\\sqrt{8}', '2\\sqrt{2}'],
      ['\\sqrt2', '\\sqrt{2}'],
      ['\\frac{\\sqrt{2}}{2}', '\\frac{1}{\\sqrt2}'],
      ['\\sqrt[3]{-8}', '-2'],
      ['2\\pi', '\\pi+\\pi'],
      ['2^{10}', '1024'],
      ['2^{2005}', '2\\cdot 2^{2004}'],
      ['\\frac{1}{2004!}', '\\frac{2005}{2005!}'],
    ],
    different: [
      ['\\sqrt{2}', '1.414'],
      ['\\pi', '3.14159'],
      ['2^{2005}', '2^{2005}+1'],
      ['\\sqrt{3}', '\\sqrt{2}'],
      ['\\frac{1}{2004!}', '\\frac{1}{2005!}'],
    ],
  },
  {
    rule: 'percent, degrees, units, \\text and \\mbox',
    same: [
      ['10\\%', '10'],
      ['90^\\circ', '90'],
      ['90^{\\circ}', '90°'],
      ['5\\text{ cm}', '5'],
      ['440\\text{ cm}^2', '440'],
      ['144 \\mbox{ m}^3', '144'],
      ['\\$5.00', '5'],
      ['18 ways.', '18'],
      ['\\text{Saturday}', 'saturday'],
      ['\\text{(B)}', 'B'],
      ['\\frac{\\sqrt{3}}{2}', '\\cos 30^\\circ'],
      ['\\sin 30^\\circ', '\\frac12'],
    ],
    different: [
      ['10\\%', '0.1'],
      ['\\cos 30^\\circ', '\\cos 30'],
      ['\\text{even}', '\\text{odd}'],
      ['\\text{1:03 PM}', '\\text{1:03 AM}'],
    ],
  },
  {
    rule: '\\left/\\right, \\!, spacing and delimiters',
    same: [
      ['\\left( 1, 2 \\right)', '(1,2)'],
      ['$3$', '3'],
      ['\\! \\sqrt{33}', '\\sqrt{33}'],
      ['2 \\pi r', '2\\pi r'],
      ['\\(x+1\\)', '1+x'],
    ],
    different: [
      ['\\pi r', '\\pi'],
      ['(1,2)', '(1,2,3)'],
    ],
  },
  {
    rule: 'tuples and intervals: element-wise, brackets must match',
    same: [
      ['(1,2)', '(1.0, \\frac{4}{2})'],
      ['(-\\infty, 3)', '\\left(-\\infty,3\\right)'],
      ['[0,1)', '[0, 1)'],
      ['x \\in [-2,7]', '[-2,7]'],
      ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3, \\pi/2)'],
      ['(-\\infty,+\\infty)', '(-\\infty, \\infty)'],
    ],
    different: [
      ['(1,2)', '(2,1)'],
      ['[0,1)', '[0,1]'],
      ['(3,4]', '(3,4)'],
      ['(-\\infty,3)', '(-\\infty,4)'],
      ['(1,2)', '1,2'],
    ],
  },
  {
    rule: 'lists, sets and unions in any order; \\pm gives two values',
    same: [
      ['1,2', '2,1'],
      ['\\{1,2\\}', '\\{2, 1\\}'],
      ['1,2', '\\{1,2\\}'],
      ['(-\\infty,-2)\\cup(2,\\infty)', '(2,\\infty)\\cup(-\\infty,-2)'],
      ['1 \\pm \\sqrt{19}', '1-\\sqrt{19}, 1+\\sqrt{19}'],
      ['12\\text{ and }13', '12, 13'],
      ['70,110', '110, 70'],
      ['\\varnothing', '\\emptyset'],
      ['\\{\\}', '\\emptyset'],
    ],
    different: [
      ['1,2', '1,3'],
      ['1,2', '1,2,3'],
      ['1,1,2', '1,2,2'],
      ['(0,1)\\cup(2,3)', '(0,1)\\cup(2,4)'],
    ],
  },
  {
    rule: 'expressions: compared at fixed sample points',
    same: [
      ['x^2+2x+1', '(x+1)^2'],
      ['\\frac{x+1}{x-1}', '1+\\frac{2}{x-1}'],
      ['3qr + 6q - 15r -30', '3(q-5)(r+2)'],
      ['2+3i', '3i+2'],
      ['i', '\\sqrt{-1}'],
      ['\\sqrt{x}', 'x^{1/2}'],
      ['\\log_2 8', '3'],
      ['\\binom{5}{2}', '10'],
      ['5!', '120'],
      ['|{-3}|', '3'],
      ['2 \\tan x', '\\frac{2\\sin x}{\\cos x}'],
    ],
    different: [
      ['x^2+2x+1', '(x-1)^2'],
      ['2+3i', '2-3i'],
      ['x^3', 'x^2'],
      ['\\sin x', '\\cos x'],
      ['a+b', 'a-b'],
      ['xy', 'x+y'],
    ],
  },
  {
    rule: 'equations: "x = 3" states 3; two equations are equal up to a constant factor',
    same: [
      ['x = 3', '3'],
      ['a=\\frac{3}{2}', '1.5'],
      ['y=2x+3', '2x+3=y'],
      ['10x - 4y - 5z - 20 = 0', '-10x+4y+5z+20=0'],
      ['\\frac{x^2}{16} - \\frac{y^2}{9} = 1', '9x^2-16y^2=144'],
    ],
    different: [
      ['x^2 = 3', '3'],
      ['y = 2x', 'y = 3x'],
      ['x^2+y^2=13', 'x^2+y^2=14'],
      ['x = 3', '4'],
    ],
  },
  {
    rule: 'matrices cell by cell; a column vector equals its tuple',
    same: [
      ['\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}', '\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}'],
      ['\\begin{pmatrix} 1/2 \\\\ -1 \\end{pmatrix}', '\\begin{pmatrix} \\frac12 \\\\ -1 \\end{pmatrix}'],
      ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '(1,2)'],
    ],
    different: [
      ['\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}', '\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}'],
      ['\\begin{pmatrix} 1 & 2 \\end{pmatrix}', '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}'],
      ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '[1,2]'],
    ],
  },
  {
    rule: 'numerals in a base',
    same: [
      ['1101_2', '1101'],
      ['152A_{11}', '152A'],
      ['-221_3', '-221'],
    ],
    different: [
      ['1101_2', '1100_2'],
      ['1101_2', '13'],
    ],
  },
];

describe.each(rules)('math checker: $rule', ({ same, different }) => {
  it.each(same)('%s ~ %s', (a, b) => {
    expect(math.equivalent(a, b)).toBe(true);
    expect(math.equivalent(b, a)).toBe(true);
  });
  it.each(different)('%s !~ %s', (a, b) => {
    expect(math.equivalent(a, b)).toBe(false);
    expect(math.equivalent(b, a)).toBe(false);
  });
});

describe('math checker: extraction and bad input', () => {
  it('reads the last \\boxed{} with balanced braces', () => {
    expect(math.extract('First $\\boxed{1}$, then finally $\\boxed{\\frac{\\sqrt{3}}{2}}$.')).toBe('\\frac{\\sqrt{3}}{2}');
    expect(math.extract('The answer is 5.')).toBeNull();
  });

  it('judges unreadable or empty answers wrong, and equal strings right', () => {
    expect(math.equivalent('', '')).toBe(false);
    expect(math.equivalent('\\frac{1}{', '\\frac{1}{2}')).toBe(false);
    expect(math.equivalent('\\overline{CD}', '\\overline{CD}')).toBe(true);
    expect(math.equivalent('f(2) < f(1)', 'f(1) < f(2)')).toBe(false);
  });

  it('ends quickly on expressions built to be expensive', () => {
    const costly = [
      '2^{2^{2^{2^{10}}}}',
      '(10^{10})!',
      '9^{9^{9}}',
      'x^{x^{x^{x^{x}}}}',
      '((2^{1000})^{1000})^{1000}',
      '\\binom{4999}{2000}',
      '(' + 'x+'.repeat(130) + '1)^{4000}',
      '\\sqrt{'.repeat(150) + '2' + '}'.repeat(150),
      '1'.repeat(5000),
      'a'.repeat(999),
    ];
    const slow = costly.filter((answer) => {
      const started = Date.now();
      math.equivalent(answer, `${answer}+1`);
      math.equivalent(answer, '2');
      return Date.now() - started > 3000;
    });
    expect(slow).toEqual([]);
  });

  it('uses the same fixed sample points every time, with distinct values per variable', () => {
    const points = samplePoints(3);
    expect(points).toEqual(samplePoints(3));
    expect(points).toHaveLength(6);
    for (const point of points) expect(new Set(point.map(([p, q]) => p / q)).size).toBe(3);
    expect(points[0]).toEqual([
      [2, 3],
      [31, 8],
      [-19, 13],
    ]);
  });
});
