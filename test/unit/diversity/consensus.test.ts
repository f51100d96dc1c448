import { answerDisagreementMatrix, questionConsensus, sampleVote } from '../../../core/diversity/consensus';

describe('C.1 consensus of one question', () => {
  it('is the fraction of final-round answers equal to ŷ, an unparsed answer counting as not matching', () => {
    expect(questionConsensus(['3', '3', '5'], '3')).toBeCloseTo(2 / 3, 12);
    expect(questionConsensus(['3', null, '3', '3'], '3')).toBe(0.75);
    expect(questionConsensus(['7', '7', '7'], '7')).toBe(1);
  });

  it('is null (the question is left out) when there is no ŷ', () => {
    expect(questionConsensus([null, null], null)).toBeNull();
  });

  it('refuses an empty society', () => {
    expect(() => questionConsensus([], null)).toThrow(/without agents/);
  });
});

describe("the vote of one model's samples (C.1 for Single-agent FT)", () => {
  it('is the most common parsed answer; a tie goes to a class whose share is the tied share', () => {
    expect(sampleVote(['4', null, '4'])).toBe('4');
    expect(sampleVote([null, null, null])).toBeNull();
    const tied = sampleVote(['1', '2', null, null]);
    expect(['1', '2']).toContain(tied);
    expect(questionConsensus(['1', '2', null, null], tied)).toBe(0.25);
  });
});

describe("maft's answer disagreement matrix", () => {
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
