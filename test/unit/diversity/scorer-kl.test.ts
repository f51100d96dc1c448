import { klPairwiseMatrix, pointwiseKl, questionKlFromBase, questionKlPairwise } from '../../../core/diversity/scorer-kl';

const ln = Math.log;

describe('pointwise KL of two replies under the scoring model (C.2, C.3)', () => {
  it("averages s ln(s/s') - s + s' over the positions of the shorter reply", () => {
    // s = (1/2, 1/4), s' = (1/4, 1/4, 1/8): t=1: 1/2 ln 2 - 1/2 + 1/4; t=2: 0; the third token is past the shorter reply
    const a = [ln(1 / 2), ln(1 / 4)];
    const b = [ln(1 / 4), ln(1 / 4), ln(1 / 8)];
    expect(pointwiseKl(a, b)).toBeCloseTo((0.5 * Math.LN2 - 0.25) / 2, 12);
    // the other way: t=1: 1/4 ln(1/2) - 1/4 + 1/2
    expect(pointwiseKl(b, a)).toBeCloseTo((0.25 - 0.25 * Math.LN2) / 2, 12);
    expect(pointwiseKl(a, a)).toBe(0);
    expect(() => pointwiseKl([], a)).toThrow(/without tokens/);
  });

  it('C.2: every ordered pair of the agents, then the mean off the diagonal', () => {
    const replies = [[ln(1 / 2)], [ln(1 / 4)], [ln(1 / 2)]];
    const up = 0.5 * Math.LN2 - 0.25; // KL(1/2 -> 1/4)
    const down = 0.25 - 0.25 * Math.LN2; // KL(1/4 -> 1/2)
    expect(klPairwiseMatrix(replies)).toEqual([
      [0, expect.closeTo(up, 12), 0],
      [expect.closeTo(down, 12), 0, expect.closeTo(down, 12)],
      [0, expect.closeTo(up, 12), 0],
    ]);
    expect(questionKlPairwise(replies)).toBeCloseTo((2 * up + 2 * down) / 6, 12);
  });

  it("C.3: every agent's reply against every base reply", () => {
    const up = 0.5 * Math.LN2 - 0.25;
    // agents (1/2), (1/4); base (1/4), (1/4): pairs up, up, 0, 0
    expect(questionKlFromBase([[ln(1 / 2)], [ln(1 / 4)]], [[ln(1 / 4)], [ln(1 / 4)]])).toBeCloseTo((2 * up) / 4, 12);
    expect(() => questionKlFromBase([], [[0]])).toThrow(/replies of both/);
  });
});
