/** The behavioural distance (core/behaviour/distance.ts) against hand-computed numbers. */
import { answerChecker } from '../../../core/answers';
import { behaviouralDistance, distanceMatrix, jensenShannon, profileDifference } from '../../../core/behaviour/distance';
import { gradeDebate } from '../../../core/behaviour/graded-debate';
import { behaviourProfile } from '../../../core/behaviour/profile';
import { behaviourRates, changeDistribution } from '../../../core/behaviour/rates';
import { SOCIETY } from './transcripts';

const number = answerChecker('number');
const profile = behaviourProfile(SOCIETY.map((t) => gradeDebate(t, '10', number, t.questionId)))!;
const [c0, c1, c2] = profile.critics;
const [g0, g1] = profile.generation;

describe('Jensen-Shannon divergence', () => {
  it('is in bits: 0 for equal distributions, 1 for disjoint ones', () => {
    expect(jensenShannon([0.2, 0.8], [0.2, 0.8])).toBe(0);
    expect(jensenShannon([1, 0, 0], [0, 0.5, 0.5])).toBeCloseTo(1, 12);
    // m = (0.75, 0.25): ½(0.5 log2(0.5/0.75) + 0.5 log2(0.5/0.25)) + ½ log2(1/0.75) = 0.311278
    expect(jensenShannon([0.5, 0.5], [1, 0])).toBeCloseTo(0.311278, 6);
    expect(() => jensenShannon([1], [0.5, 0.5])).toThrow('distributions of 1 and 2 outcomes');
  });
});

describe('behavioural distance', () => {
  it('reads rates and change distributions from the counts; null where a denominator is zero', () => {
    expect(behaviourRates(c2)).toEqual({ right: 1 / 3, unparseable: 1 / 3, hedging: 1 / 3, overlap: 0, conformity: 0.5, holdOut: 0.5, holdOutRight: 1 });
    expect(behaviourRates(c0)).toMatchObject({ conformity: null, holdOut: null, holdOutRight: null });
    expect(changeDistribution(c0)).toEqual([1 / 3, 0, 0, 2 / 3, 0, 0]);
    expect(changeDistribution(g0)).toBeNull();
  });

  it('for critics: ½ JSD of the answer changes + ½ the mean profile difference', () => {
    // shared components: right |1/3 - 2/3|, unparseable 0, hedging 0, length |4/3 - 7/3| / (7/3) = 3/7
    expect(profileDifference(c0, c1)).toBeCloseTo((1 / 3 + 3 / 7) / 4, 12); // 4/21
    // changes (keptRight 1, keptWrong 2) and (corrected 2, otherWrong 1): disjoint, JSD = 1 bit
    expect(behaviouralDistance(c0, c1)).toBeCloseTo((1 + 4 / 21) / 2, 12); // 25/42
  });

  it('for generation agents (one round, no changes): the profile difference alone', () => {
    // right 1/3, unparseable 0, hedging 1/3, length |10/3 - 2| / (10/3) = 0.4
    expect(behaviouralDistance(g0, g1)).toBeCloseTo((1 / 3 + 1 / 3 + 0.4) / 4, 12); // 4/15
  });

  it('is a symmetric matrix with a zero diagonal, not defined for fewer than two agents', () => {
    const matrix = distanceMatrix(profile.critics)!;
    expect(matrix.map((row, i) => row[i])).toEqual([0, 0, 0]);
    expect(matrix[1][0]).toBe(matrix[0][1]);
    expect(matrix[0][1]).toBeCloseTo(25 / 42, 12);
    expect(distanceMatrix([c0])).toBeNull();
    expect(distanceMatrix([])).toBeNull();
  });

  it('is not defined for agents without replies', () => {
    const empty = { ...g0, replies: 0, right: 0, unparseable: 0, hedging: { hedged: 0, noAnswer: 0, phrase: 0, candidates: 0 }, meanWords: 0 };
    expect(behaviouralDistance(empty, g1)).toBeNull();
  });
});
