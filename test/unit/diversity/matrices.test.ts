import { meanMatrix, meanOffDiagonal } from '../../../core/diversity/matrices';

describe('agent matrices', () => {
  it('averages matrices element by element', () => {
    expect(
      meanMatrix([
        [
          [0, 2],
          [4, 0],
        ],
        [
          [0, 4],
          [0, 2],
        ],
      ]),
    ).toEqual([
      [0, 3],
      [2, 1],
    ]);
  });

  it('takes the mean over ordered pairs of distinct agents', () => {
    // off-diagonal: 1 + 2 + 3 + 4 + 5 + 6 = 21 over 6 pairs
    expect(
      meanOffDiagonal([
        [100, 1, 2],
        [3, 100, 4],
        [5, 6, 100],
      ]),
    ).toBe(3.5);
  });

  it('rejects mismatched sizes, no matrices and a single agent', () => {
    expect(() =>
      meanMatrix([
        [[0]],
        [
          [0, 1],
          [1, 0],
        ],
      ]),
    ).toThrow(/matrix 1 is not 1 x 1/);
    expect(() => meanMatrix([])).toThrow(/at least one/);
    expect(() => meanOffDiagonal([[0]])).toThrow(/fewer than two agents/);
  });
});
