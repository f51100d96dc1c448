import { cosineDissimilarity, dissimilarityMatrix } from '../../../core/diversity/embeddings';

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

  it('makes a symmetric matrix with a zero diagonal', () => {
    const m = dissimilarityMatrix([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const half = 1 - 1 / Math.SQRT2;
    const expected = [
      [0, 1, half],
      [1, 0, half],
      [half, half, 0],
    ];
    m.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], 12)));
  });
});
