import { dependencyGaps, meanInFlight, percentile, type Call } from '../../bench/call-metrics';

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
