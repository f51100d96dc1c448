import { mapBounded } from '../../core/bounded';
import { debateFanOut, workerSizing } from '../../core/sizing';

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

describe('sizing from the engine capacity', () => {
  it('fans out to twice C/N debates', () => {
    expect(debateFanOut(64, 3)).toBe(43); // ceil(128 / 3)
    expect(debateFanOut(256, 3)).toBe(171);
    expect(debateFanOut(1, 5)).toBe(1);
  });

  it('gives inference workers C calls, C slots and C/16 pollers (2..16)', () => {
    expect(workerSizing(64)).toEqual({ maxConcurrentCalls: 64, inferenceActivitySlots: 64, inferencePollers: 4, cachedWorkflows: 1000 });
    expect(workerSizing(1024)).toMatchObject({ inferencePollers: 16, cachedWorkflows: 2058 });
    expect(workerSizing(8).inferencePollers).toBe(2);
  });
});
