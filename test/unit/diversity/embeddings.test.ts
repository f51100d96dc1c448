import { cosineDissimilarity, meanPairDissimilarity } from '../../../core/diversity/embeddings';

describe('cosine dissimilarity', () => {
  it('is 1 - cos', () => {
    expect(cosineDissimilarity([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(cosineDissimilarity([2, 0], [5, 0])).toBeCloseTo(0, 12);
    expect(cosineDissimilarity([1, 0], [-3, 0])).toBeCloseTo(2, 12);
    // (1,1,1).(0,1,1) = 2, norms sqrt(3) and sqrt(2)
    expect(cosineDissimilarity([1, 1, 1], [0, 1, 1])).toBeCloseTo(1 - 2 / Math.sqrt(6), 12);
  });

  it('rejects vectors of different sizes and zero vectors', () => {
    expect(() => cosineDissimilarity([1, 2], [1, 2, 3])).toThrow(/different sizes \(2 and 3\)/);
    expect(() => cosineDissimilarity([0, 0], [1, 2])).toThrow(/zero embedding/);
  });

  it('C.4 of one question: the mean 1 - cos over the pairs of the replies that match ŷ', () => {
    // pairs (0,1): 1; (0,2) and (1,2): 1 - 1/sqrt(2) -> (1 + 2 (1 - 1/sqrt(2))) / 3
    const d = meanPairDissimilarity([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(d).toBeCloseTo((1 + 2 * (1 - 1 / Math.SQRT2)) / 3, 12);
    expect(
      meanPairDissimilarity([
        [2, 0],
        [1, 1],
      ]),
    ).toBeCloseTo(1 - 1 / Math.SQRT2, 12);
    expect(() => meanPairDissimilarity([[1, 0]])).toThrow(/no pair/);
  });
});
