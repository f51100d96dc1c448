import { accuracyWithStandardError, formatAccuracy } from '../../core/stats';
import { mapBounded } from '../../core/bounded';

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

describe('bounded fan-out', () => {
  it('never has more than the limit in flight and keeps item order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (ms, i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, ms * 3));
      inFlight--;
      return i * 10;
    });
    expect(peak).toBe(3);
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });
});
