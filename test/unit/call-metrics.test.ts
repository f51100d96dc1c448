import {
  bothBusyFraction,
  busyFraction,
  busySpans,
  dependencyGaps,
  inFlightProfile,
  meanInFlight,
  percentile,
  type Call,
  type Interval,
} from '../../bench/call-metrics';

const call = (requestId: string, arrivedMs: number, startedMs: number, finishedMs: number): Call => ({ requestId, arrivedMs, startedMs, finishedMs });

describe('benchmark call metrics', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('averages the calls holding an engine slot over a window', () => {
    // Two calls busy 0-10 and 5-15 over 0-20: 20 busy ms / 20 ms = 1.
    expect(meanInFlight([call('a', 0, 0, 10), call('b', 0, 5, 15)], 0, 20)).toBe(1);
    // Clipped to the window 5-10: both busy all along.
    expect(meanInFlight([call('a', 0, 0, 10), call('b', 0, 5, 15)], 5, 10)).toBe(2);
  });

  it('measures the time with at least one interval in progress, overlaps counted once', () => {
    const span = (startedMs: number, finishedMs: number): Interval => ({ startedMs, finishedMs });
    // Busy 0-15 (two overlapping) and 30-40, over 0-50: 25 / 50.
    const intervals = [span(0, 10), span(5, 15), span(30, 40)];
    expect(busyFraction(intervals, 0, 50)).toBe(0.5);
    // One inside another, and in any order.
    expect(busyFraction([span(10, 20), span(0, 40), span(5, 6)], 0, 40)).toBe(1);
    // Clipped to the window 8-35: 8-15 and 30-35, 12 of 27.
    expect(busyFraction(intervals, 8, 35)).toBeCloseTo(12 / 27, 12);
    // Touching intervals, an empty one, none at all, an empty window.
    expect(busyFraction([span(0, 10), span(10, 20), span(25, 25)], 0, 40)).toBe(0.5);
    expect(busyFraction([], 0, 10)).toBe(0);
    expect(busyFraction(intervals, 10, 10)).toBe(0);
    // Never above the mean in flight, which counts overlaps: 30 / 50.
    expect(meanInFlight(intervals, 0, 50)).toBe(0.6);
    expect(busySpans(intervals, 0, 50)).toEqual([
      [0, 15],
      [30, 40],
    ]);
  });

  it('measures the time two sets are busy at once', () => {
    const span = (startedMs: number, finishedMs: number): Interval => ({ startedMs, finishedMs });
    const engine = [span(0, 10), span(5, 15), span(30, 40)];
    // Trainer 12-32 overlaps 12-15 and 30-32: 5 of 50; the same either way round.
    expect(bothBusyFraction(engine, [span(12, 32)], 0, 50)).toBe(0.1);
    expect(bothBusyFraction([span(12, 20), span(14, 32)], engine, 0, 50)).toBe(0.1);
    expect(bothBusyFraction(engine, [span(15, 30)], 0, 50)).toBe(0);
    expect(bothBusyFraction(engine, engine, 0, 50)).toBe(busyFraction(engine, 0, 50));
  });

  it('slices the mean in flight into a timeline whose mean is the whole mean', () => {
    const span = (startedMs: number, finishedMs: number): Interval => ({ startedMs, finishedMs });
    const intervals = [span(0, 10), span(5, 15), span(30, 40), span(-5, 2), span(38, 60)];
    // Bins of 10 ms over 0-40: [0-10: 10+5+2, 10-20: 5, 20-30: 0, 30-40: 10+2] / 10.
    expect(inFlightProfile(intervals, 0, 40, 4)).toEqual([1.7, 0.5, 0, 1.2]);
    const profile = inFlightProfile(intervals, 0, 40, 7);
    expect(profile.reduce((a, b) => a + b, 0) / 7).toBeCloseTo(meanInFlight(intervals, 0, 40), 12);
    expect(inFlightProfile(intervals, 0, 0, 3)).toEqual([0, 0, 0]);
  });

  it('measures each later-round call from what it waits for', () => {
    const q = 'run/l1/train/q0';
    const calls = [
      call(`${q}/round1/agent1`, 0, 0, 100),
      call(`${q}/round1/agent2`, 0, 0, 120), // the last round-1 answer: round 2 waits for it
      call(`${q}/round2/summary1`, 130, 130, 200), // 10 ms after 120
      call(`${q}/round2/summary2`, 125, 125, 210), // 5 ms
      call(`${q}/round2/agent1`, 201, 201, 300), // 1 ms after its summary (200)
      call(`${q}/round2/agent2`, 213, 213, 300), // 3 ms after 210
    ];
    expect(dependencyGaps(calls).sort((a, b) => a - b)).toEqual([1, 3, 5, 10]);
  });

  it('measures critics without summaries from the previous round', () => {
    const q = 'r/l1/train/q3';
    const calls = [call(`${q}/round1/agent1`, 0, 0, 50), call(`${q}/round1/agent2`, 0, 0, 60), call(`${q}/round2/agent1`, 68, 68, 90)];
    expect(dependencyGaps(calls)).toEqual([8]);
  });
});
