/**
 * The benchmark end to end at its tiny size, through the built bench (dist/, made by `npm run
 * build`), as CI's only run of it: `run.js --tiny` runs every orchestration scenario and the
 * pipeline scenario (the whole multiagentFinetuning workflow with pipelining off and on). Asserts
 * the records' shape and that they agree with each other and with themselves; no timing (the
 * figures mean nothing at this size).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { PipelineResult } from '../../bench/pipeline-summary';
import type { ScenarioResult } from '../../bench/scenario';
import { PROJECT_ROOT } from '../../activities/project-root';
import { checkPng } from '../helpers/png-check';

jest.setTimeout(600_000);

const run = promisify(execFile);

describe('npm run bench -- --tiny', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-bench-tiny-'));
  const out = path.join(dir, 'tiny.json');
  let output: { pipelineMakespanRatio: number; memoryGrowth10x: number; results: Array<ScenarioResult | PipelineResult> };
  /** The pipeline scenario's records, pipelining off then on. */
  let pipeline: PipelineResult[];
  let stdout: string;

  beforeAll(async () => {
    ({ stdout } = await run(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'bench', 'run.js'), '--tiny', '--out', out]));
    output = JSON.parse(readFileSync(out, 'utf8'));
    pipeline = output.results.filter((r): r is PipelineResult => r.scenario === 'pipeline');
  });

  it('writes one record per orchestration scenario, each of the calls it made', () => {
    const orchestration = output.results.filter((r): r is ScenarioResult => r.scenario !== 'pipeline');
    expect(orchestration.map((r) => r.scenario)).toEqual(['c4', 'c16', 'c16-engine-queue', 'zero-latency', 'zero-latency-10x']);
    for (const r of orchestration) {
      expect(r.calls).toBeGreaterThan(0);
      expect(r.makespanS).toBeGreaterThan(0);
      if (r.capacity) expect(r.meanInFlight).toBeLessThanOrEqual(r.capacity + 1e-9);
    }
    // 10x the questions, 10x the calls; the memory growth is the two zero-latency peaks' ratio.
    const [zero, zero10x] = orchestration.slice(-2);
    expect(zero10x.calls).toBe(10 * zero.calls);
    expect(output.memoryGrowth10x).toBeCloseTo(zero10x.peakRssMb / zero.peakRssMb, 12);
    expect(stdout).toContain('peak worker memory at 10x the questions');
  });

  it('writes one record per mode, pipelining off then on, and their makespan ratio', () => {
    expect(pipeline.map((r) => r.pipelining)).toEqual([false, true]);
    const [off, on] = pipeline;
    expect(output.pipelineMakespanRatio).toBeCloseTo(on.makespanS / off.makespanS, 12);
    expect(stdout).toContain('makespan(on) / makespan(off)');
  });

  it('measures each mode consistently with itself', () => {
    for (const r of pipeline) {
      expect(r).toMatchObject({ iterations: 3, agents: 3, rounds: 2, trainingSlots: 2 });
      expect(r.makespanS).toBeGreaterThan(0);
      for (const fraction of [r.engineBusyFraction, r.engineInFlightOverCapacity, r.trainerBusyFraction, r.trainerRunningOverSlots, r.bothBusyFraction]) {
        expect(fraction).toBeGreaterThan(0 - 1e-12);
        expect(fraction).toBeLessThanOrEqual(1);
      }
      expect(r.bothBusyFraction).toBeLessThanOrEqual(Math.min(r.engineBusyFraction, r.trainerBusyFraction) + 1e-12);
      expect(r.engineBusyFraction).toBeGreaterThan(0);
      expect(r.trainerBusyFraction).toBeGreaterThan(0);
      // At most C calls (slots jobs) at once, and only while busy.
      expect(r.engineMeanInFlight).toBeLessThanOrEqual(r.capacity * r.engineBusyFraction + 1e-9);
      expect(r.trainerMeanRunning).toBeLessThanOrEqual(r.trainingSlots * r.trainerBusyFraction + 1e-9);
      expect(r.engineInFlightOverCapacity).toBeCloseTo(r.engineMeanInFlight / r.capacity, 12);
      expect(r.trainerRunningOverSlots).toBeCloseTo(r.trainerMeanRunning / r.trainingSlots, 12);
      // The timeline covers the makespan in bins, and its mean is the mean over the makespan.
      const bins = Math.ceil(r.makespanS / r.timelineBinS);
      const mean = (values: number[]) => (values.reduce((a, b) => a + b, 0) * r.timelineBinS) / r.makespanS;
      expect(r.timeline.engineInFlight).toHaveLength(bins);
      expect(r.timeline.trainerRunning).toHaveLength(bins);
      expect(mean(r.timeline.engineInFlight)).toBeCloseTo(r.engineMeanInFlight, 1);
      expect(mean(r.timeline.trainerRunning)).toBeCloseTo(r.trainerMeanRunning, 1);
      expect(Math.max(...r.timeline.trainerRunning)).toBeLessThanOrEqual(r.trainingSlots);
    }
  });

  it('does the same work with the same results in both modes', () => {
    const [off, on] = pipeline;
    expect(off.trainingJobs).toBeGreaterThan(0);
    expect(on.trainingJobs).toBe(off.trainingJobs);
    expect(on.calls).toBe(off.calls);
    expect(off.accuracies).toHaveLength(1 + off.iterations); // the base society, then each iteration
    expect(on.accuracies).toEqual(off.accuracies);
  });

  it('draws the timeline of both modes beside the JSON, as SVG and PNG', () => {
    const svg = readFileSync(path.join(dir, 'tiny.timeline.svg'), 'utf8');
    expect(svg).toContain('>Pipelining off: makespan');
    expect(svg).toContain('>Pipelining on: makespan');
    expect(svg.match(/<g class="series"/g)).toHaveLength(4); // engine and trainer, per mode
    const png = checkPng(readFileSync(path.join(dir, 'tiny.timeline.png')));
    expect([png.width, png.height]).toEqual([1520, 1680]);
  });
});
