/**
 * The pipeline scenario's sizes, records, table and timeline: the whole run (L iterations, the base
 * evaluation, every evaluation) with pipelining off and on, the engine and the trainer each
 * measured by how much of the makespan it is busy. Pure; pipeline.ts runs one mode.
 */
import type { LineChart } from '../core/report/svg-chart';

export interface PipelineSpec {
  scenario: 'pipeline';
  iterations: number;
  agents: number;
  rounds: number;
  trainSize: number;
  testSize: number;
  /** C: chat calls the simulated engine processes at once (the worker allows as many). */
  capacity: number;
  latencyMs: number;
  jitterMs: number;
  /** Every fine-tuning job takes this long (--min-training-ms, with no time per example)... */
  trainingMs: number;
  /** ...and at most this many run at once (--training-slots: GPUs for the trainer). */
  trainingSlots: number;
  /** Width of the timeline's bins. */
  timelineBinS: number;
}

/** The simulator's flags for a whole-run scenario's engine (latency, capacity) and trainer (job time, slots). */
export function simulatorFlags(spec: Pick<PipelineSpec, 'latencyMs' | 'jitterMs' | 'capacity' | 'trainingMs' | 'trainingSlots'>): string[] {
  return [
    ...['--latency-ms', String(spec.latencyMs), '--jitter-ms', String(spec.jitterMs), '--capacity', String(spec.capacity)],
    ...['--training-ms-per-example', '0', '--min-training-ms', String(spec.trainingMs), '--training-slots', String(spec.trainingSlots)],
  ];
}

export interface PipelineResult extends PipelineSpec {
  pipelining: boolean;
  /** From the workflow's start to its result. */
  makespanS: number;
  /** Chat calls answered; scoring calls (diversity's /v1/completions, /v1/embeddings) take no engine time in the simulator and are not counted. */
  calls: number;
  /** Time with at least one chat call holding an engine slot / makespan. */
  engineBusyFraction: number;
  /** Time-weighted mean of chat calls holding a slot over the makespan, and that over C. */
  engineMeanInFlight: number;
  engineInFlightOverCapacity: number;
  /** Fine-tuning jobs that ran. */
  trainingJobs: number;
  /** Time with at least one training job running / makespan. */
  trainerBusyFraction: number;
  /** Time-weighted mean of jobs running over the makespan, and that over the slots. */
  trainerMeanRunning: number;
  trainerRunningOverSlots: number;
  /** Time with the engine and the trainer both busy / makespan: what pipelining overlaps. */
  bothBusyFraction: number;
  /** Test accuracy of the base society, then after each iteration. */
  accuracies: number[];
  workerCpuS: number;
  /** Mean chat calls in flight and mean jobs running per bin of timelineBinS from the start. */
  timeline: { engineInFlight: number[]; trainerRunning: number[] };
}

export function pipelineSpec(tiny: boolean): PipelineSpec {
  const shape = { scenario: 'pipeline', iterations: 3, agents: 3, rounds: 2, trainingSlots: 2 } as const;
  return tiny
    ? { ...shape, trainSize: 6, testSize: 6, capacity: 4, latencyMs: 20, jitterMs: 5, trainingMs: 300, timelineBinS: 0.05 }
    : { ...shape, trainSize: 200, testSize: 200, capacity: 64, latencyMs: 200, jitterMs: 50, trainingMs: 20_000, timelineBinS: 0.5 };
}

/** makespan(on) / makespan(off), when both modes ran. */
export function makespanRatio(results: readonly PipelineResult[]): number | null {
  const off = results.find((r) => !r.pipelining);
  const on = results.find((r) => r.pipelining);
  return off && on ? on.makespanS / off.makespanS : null;
}

const fmt = (v: number, digits = 2) => v.toFixed(digits);

export function pipelineTable(results: readonly PipelineResult[]): string[][] {
  const header = [
    'pipelining',
    'makespan s',
    'calls',
    'engine busy',
    'in flight / C',
    'jobs',
    'trainer busy',
    'running / slots',
    'both busy',
    'accuracy base..L',
    'worker CPU s',
  ];
  const rows = results.map((r) => [
    r.pipelining ? 'on' : 'off',
    fmt(r.makespanS, 1),
    String(r.calls),
    fmt(r.engineBusyFraction),
    fmt(r.engineInFlightOverCapacity),
    String(r.trainingJobs),
    fmt(r.trainerBusyFraction),
    fmt(r.trainerRunningOverSlots),
    fmt(r.bothBusyFraction),
    r.accuracies.map((a) => fmt(a, 3)).join(' '),
    fmt(r.workerCpuS, 1),
  ]);
  return [header, ...rows];
}

/** One chart per mode, on a shared time axis: engine calls in flight / C and training jobs running / slots. */
export function timelineCharts(results: readonly PipelineResult[]): LineChart[] {
  const longest = Math.max(...results.map((r) => r.makespanS));
  const points = (values: number[], binS: number, scale: number) => values.map((v, k) => ({ x: (k + 0.5) * binS, y: v / scale, error: null }));
  return results.map((r) => ({
    title: `Pipelining ${r.pipelining ? 'on' : 'off'}: makespan ${r.makespanS.toFixed(1)} s`,
    xLabel: 'seconds since the run started',
    yLabel: 'share of capacity in use',
    xScale: 'continuous',
    xExtent: [0, longest],
    yExtent: [0, 1],
    markers: false,
    series: [
      { name: `engine: calls / C (C = ${r.capacity})`, points: points(r.timeline.engineInFlight, r.timelineBinS, r.capacity) },
      { name: `trainer: jobs / slots (${r.trainingSlots})`, points: points(r.timeline.trainerRunning, r.timelineBinS, r.trainingSlots) },
    ],
  }));
}
