import { answerDisagreementMatrix, meanConsensus, questionConsensus } from '../../../core/diversity/consensus';

describe('consensus', () => {
  it('is the fraction of agents whose final answer is the majority', () => {
    expect(questionConsensus(['3', '3', '5'], '3')).toBeCloseTo(2 / 3, 12);
    expect(questionConsensus(['3', null, '3', '3'], '3')).toBe(0.75);
    expect(questionConsensus(['7', '7', '7'], '7')).toBe(1);
  });

  it('is 0 when no answer parsed', () => {
    expect(questionConsensus([null, null], null)).toBe(0);
  });

  it('averages over questions', () => {
    // (2/3 + 1 + 0) / 3 = 5/9
    expect(
      meanConsensus([
        { finalAnswers: ['1', '1', '2'], majority: '1' },
        { finalAnswers: ['4', '4', '4'], majority: '4' },
        { finalAnswers: [null, null, null], majority: null },
      ]),
    ).toBeCloseTo(5 / 9, 12);
  });

  it('refuses an empty society or no debates', () => {
    expect(() => questionConsensus([], null)).toThrow(/without agents/);
    expect(() => meanConsensus([])).toThrow(/at least one debate/);
  });
});

describe('answer disagreement matrix', () => {
  it('counts the questions where two agents end at different answers; unparseable differs from everything', () => {
    // q1: a=1 b=1 c=2 -> (a,c) (b,c) differ; q2: a=null b=null c=5 -> every pair differs.
    const matrix = answerDisagreementMatrix([
      ['1', '1', '2'],
      [null, null, '5'],
    ]);
    expect(matrix).toEqual([
      [0, 0.5, 1],
      [0.5, 0, 1],
      [1, 1, 0],
    ]);
  });
});
