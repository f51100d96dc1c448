/**
 * The pipeline benchmark end to end at its tiny size, through the built bench (dist/, made by
 * `npm run build`): `run.js --tiny --only pipeline` runs the whole multiagentFinetuning workflow
 * with pipelining off and on. Asserts the records' shape and that they agree with each other and
 * with themselves; no timing (the figures mean nothing at this size).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { PipelineResult } from '../../bench/pipeline-summary';
import { PROJECT_ROOT } from '../../workers/dev-server';
import { checkPng } from '../helpers/png-check';

jest.setTimeout(300_000);

const run = promisify(execFile);

describe('npm run bench -- --tiny --only pipeline', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-bench-pipeline-'));
  const out = path.join(dir, 'pipeline.json');
  let output: { pipelineMakespanRatio: number; memoryGrowth10x: null; results: PipelineResult[] };
  let stdout: string;

  beforeAll(async () => {
    ({ stdout } = await run(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'bench', 'run.js'), '--tiny', '--only', 'pipeline', '--out', out]));
    output = JSON.parse(readFileSync(out, 'utf8'));
  });

  it('writes one record per mode, pipelining off then on, and their makespan ratio', () => {
    expect(output.results.map((r) => [r.scenario, r.pipelining])).toEqual([
      ['pipeline', false],
      ['pipeline', true],
    ]);
    const [off, on] = output.results;
    expect(output.pipelineMakespanRatio).toBeCloseTo(on.makespanS / off.makespanS, 12);
    expect(output.memoryGrowth10x).toBeNull(); // only the pipeline scenario ran
    expect(stdout).toContain('makespan(on) / makespan(off)');
  });

  it('measures each mode consistently with itself', () => {
    for (const r of output.results) {
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
    const [off, on] = output.results;
    expect(off.trainingJobs).toBeGreaterThan(0);
    expect(on.trainingJobs).toBe(off.trainingJobs);
    expect(on.calls).toBe(off.calls);
    expect(off.accuracies).toHaveLength(1 + off.iterations); // the base society, then each iteration
    expect(on.accuracies).toEqual(off.accuracies);
  });

  it('draws the timeline of both modes beside the JSON, as SVG and PNG', () => {
    const svg = readFileSync(path.join(dir, 'pipeline.timeline.svg'), 'utf8');
    expect(svg).toContain('>Pipelining off: makespan');
    expect(svg).toContain('>Pipelining on: makespan');
    expect(svg.match(/<g class="series"/g)).toHaveLength(4); // engine and trainer, per mode
    const png = checkPng(readFileSync(path.join(dir, 'pipeline.timeline.png')));
    expect([png.width, png.height]).toEqual([1520, 1680]);
  });
});
