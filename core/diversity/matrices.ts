/** Small helpers for the N x N agent-by-agent matrices the diversity metrics produce. */

/** The element-wise mean of equally sized square matrices (one per question). */
export function meanMatrix(matrices: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>): number[][] {
  if (matrices.length === 0) throw new Error('meanMatrix needs at least one matrix');
  const n = matrices[0].length;
  const sum = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [q, matrix] of matrices.entries()) {
    if (matrix.length !== n || matrix.some((row) => row.length !== n)) {
      throw new Error(`matrix ${q} is not ${n} x ${n} like the first one`);
    }
    matrix.forEach((row, i) => row.forEach((value, j) => (sum[i][j] += value)));
  }
  return sum.map((row) => row.map((value) => value / matrices.length));
}

/** The mean of the entries off the diagonal: the average over ordered pairs of distinct agents. */
export function meanOffDiagonal(matrix: ReadonlyArray<ReadonlyArray<number>>): number {
  const n = matrix.length;
  if (n < 2) throw new Error('a matrix of fewer than two agents has no pairs');
  let sum = 0;
  matrix.forEach((row, i) => row.forEach((value, j) => (sum += i === j ? 0 : value)));
  return sum / (n * (n - 1));
}
