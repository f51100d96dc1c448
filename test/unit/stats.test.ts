import { accuracyWithStandardError, formatAccuracy } from '../../core/stats';

describe('accuracy with standard error', () => {
  it('matches hand-computed values', () => {
    // 3 of 4 correct: p = 0.75, SE = sqrt(0.75 * 0.25 / 4) = 0.2165...
    const a = accuracyWithStandardError([true, true, false, true]);
    expect(a).toEqual({ correct: 3, total: 4, accuracy: 0.75, standardError: Math.sqrt(0.1875 / 4) });
    expect(a.standardError).toBeCloseTo(0.216506, 6);
    expect(formatAccuracy(a)).toBe('75.0 ± 21.7');
  });

  it('is zero with zero spread', () => {
    expect(accuracyWithStandardError([true, true]).standardError).toBe(0);
    expect(accuracyWithStandardError([]).total).toBe(0);
  });
});
