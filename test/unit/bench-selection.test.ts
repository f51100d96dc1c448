import { makespanRatio, pipelineSpec, timelineCharts, type PipelineResult } from '../../bench/pipeline-summary';
import { benchJson, selectScenarios } from '../../bench/run';

describe('bench --only', () => {
  it('runs every scenario without it, and only the named ones with it', () => {
    const all = selectScenarios(undefined, false);
    expect(all.orchestration.map((s) => s.scenario)).toEqual(['c16', 'c64', 'c256', 'c64-engine-queue', 'zero-latency', 'zero-latency-10x']);
    expect(all.pipeline).toEqual(pipelineSpec(false));
    expect(selectScenarios('pipeline', true)).toEqual({ orchestration: [], pipeline: pipelineSpec(true) });
    const some = selectScenarios('c64, pipeline', false);
    expect([some.orchestration.map((s) => s.scenario), some.pipeline?.scenario]).toEqual([['c64'], 'pipeline']);
    expect(selectScenarios('c4', true).orchestration.map((s) => s.scenario)).toEqual(['c4']);
  });

  it('names the scenarios there are when one is unknown', () => {
    expect(() => selectScenarios('c4,pipelined', false)).toThrow(
      'bench: no scenario c4, pipelined; the scenarios: c16, c64, c256, c64-engine-queue, zero-latency, zero-latency-10x, pipeline',
    );
  });
});

describe('the pipeline scenario', () => {
  it("is the issue's run at full size and the same shape tiny", () => {
    expect(pipelineSpec(false)).toMatchObject({
      iterations: 3,
      agents: 3,
      rounds: 2,
      trainSize: 200,
      testSize: 200,
      capacity: 64,
      latencyMs: 200,
      jitterMs: 50,
      trainingMs: 20_000,
      trainingSlots: 2,
    });
    expect(pipelineSpec(true)).toMatchObject({ iterations: 3, agents: 3, rounds: 2, trainingSlots: 2 });
  });

  const result = (pipelining: boolean, makespanS: number): PipelineResult =>
    ({ ...pipelineSpec(true), pipelining, makespanS, timeline: { engineInFlight: [4, 2], trainerRunning: [0, 1] } }) as PipelineResult;

  it('compares the modes and plots each against a shared time axis, as shares of capacity', () => {
    expect(makespanRatio([result(false, 10), result(true, 7.5)])).toBe(0.75);
    expect(makespanRatio([result(false, 10)])).toBeNull();
    const [off, on] = timelineCharts([result(false, 0.1), result(true, 0.08)]);
    expect([off.xExtent, on.xExtent]).toEqual([
      [0, 0.1],
      [0, 0.1],
    ]);
    // Bins of 0.05 s, points at their middles; C = 4 and 2 slots.
    expect(on.series.map((s) => s.points.map((p) => [Number(p.x.toFixed(9)), p.y]))).toEqual([
      [
        [0.025, 1],
        [0.075, 0.5],
      ],
      [
        [0.025, 0],
        [0.075, 0.5],
      ],
    ]);
  });
});

test('the JSON keeps arrays of numbers on one line, and reads back the same', () => {
  const value = { a: [1, 2.5, -3e-7], b: { c: [], d: ['x', 'y'], e: [[1, 2], [3]] }, f: 0.1 };
  const text = benchJson(value);
  expect(JSON.parse(text)).toEqual(value);
  expect(text).toContain('"a": [1, 2.5, -3e-7]');
  expect(text).toContain('"d": [\n');
});
