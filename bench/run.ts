/**
 * The benchmark: one command, every scenario, one table per kind and one JSON file.
 *   npm run bench                  # 500 questions, C in {16, 64, 256} at 200 ± 50 ms (and C=64 with
 *                                  # the worker allowed 2C calls), zero latency, memory at 500 and
 *                                  # 5,000 questions (about 6 minutes on 2 cores), and the pipeline
 *                                  # scenario: the whole run with pipelining off and on (about 9 minutes)
 *   npm run bench -- --tiny        # the same shape at a tiny size (CI runs this to show it works)
 *   npm run bench -- --only NAME   # only these scenarios (comma-separated names: c64,pipeline)
 *   npm run bench -- --out FILE    # where the JSON goes (default .maft/bench/results.json); the
 *                                  # pipeline timeline goes beside it (FILE's stem + .timeline.svg/.png)
 * Each scenario (each pipeline mode) runs in its own process (scenario.ts, pipeline.ts) so CPU and
 * peak memory are its own.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { svgToPng } from '../activities/report';
import { stackedChartsSvg } from '../core/report/svg-chart';
import { flagValue } from './flags';
import { markdownTable } from './markdown-table';
import { makespanRatio, pipelineSpec, pipelineTable, timelineCharts, type PipelineResult, type PipelineSpec } from './pipeline-summary';
import type { ScenarioResult, ScenarioSpec } from './scenario';

const run = promisify(execFile);

export function scenarios(tiny: boolean): ScenarioSpec[] {
  const q = tiny ? 6 : 500;
  const latency = tiny ? { latencyMs: 20, jitterMs: 5 } : { latencyMs: 200, jitterMs: 50 };
  const capacities = tiny ? [4, 16] : [16, 64, 256];
  return [
    ...capacities.map((capacity, i) => ({ scenario: `c${capacity}`, questions: q, capacity, ...latency, sequentialSample: i === 0 ? (tiny ? 2 : 10) : 0 })),
    // The same engine with the worker allowed 2C calls: the excess waits in the engine's queue, so the
    // gaps between dependent calls are the orchestration's alone, without waits for a free slot.
    {
      scenario: `c${capacities[1]}-engine-queue`,
      questions: q,
      capacity: capacities[1],
      workerConcurrency: 2 * capacities[1],
      ...latency,
      sequentialSample: 0,
    },
    { scenario: 'zero-latency', questions: q, capacity: 0, latencyMs: 0, jitterMs: 0, sequentialSample: 0 },
    { scenario: 'zero-latency-10x', questions: q * 10, capacity: 0, latencyMs: 0, jitterMs: 0, sequentialSample: 0 },
  ];
}

/** Runs a scenario script (scenario.js, pipeline.js) in a process of its own; its last stdout line is the record. */
async function runOne<T>(script: string, spec: object): Promise<T> {
  const { stdout } = await run(process.execPath, [path.join(__dirname, script), JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

const fmt = (v: number | null, digits = 2) => (v === null || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function formatTable(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'C',
    'latency',
    'questions',
    'calls',
    'makespan s',
    'ideal s',
    'x ideal',
    'in flight',
    'x C',
    'overhead p50/p99 ms',
    'run history KB',
    'debate events',
    'CPU s worker/server/sim',
    'peak RSS MB',
    'speed-up vs 1-at-a-time',
  ];
  const rows = results.map((r) => [
    r.scenario,
    (r.capacity ? String(r.capacity) : 'inf') + (r.workerConcurrency ? ` (worker ${r.workerConcurrency})` : ''),
    `${r.latencyMs}±${r.jitterMs}`,
    String(r.questions),
    String(r.calls),
    fmt(r.makespanS, 1),
    fmt(r.idealS, 1),
    fmt(r.makespanOverIdeal),
    fmt(r.meanInFlight, 1),
    fmt(r.inFlightOverCapacity),
    `${fmt(r.overheadP50Ms, 1)} / ${fmt(r.overheadP99Ms, 1)}`,
    fmt(r.runHistoryBytes / 1024, 0),
    String(r.debateHistoryEvents),
    `${fmt(r.workerCpuS, 1)} / ${fmt(r.serverCpuS, 1)} / ${fmt(r.simulatorCpuS, 1)}`,
    fmt(r.peakRssMb, 0),
    fmt(r.speedupVsSequential, 1),
  ]);
  return markdownTable([header, ...rows]);
}

/** Indented JSON with arrays of numbers (the timelines) on one line each. */
export function benchJson(value: unknown): string {
  return (
    JSON.stringify(value, null, 2).replace(/\[(\s*-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*\s*)\]/g, (_, inner: string) => `[${inner.trim().split(/,\s*/).join(', ')}]`) +
    '\n'
  );
}

/** The scenarios --only names, checked against what exists. */
export function selectScenarios(only: string | undefined, tiny: boolean): { orchestration: ScenarioSpec[]; pipeline: PipelineSpec | null } {
  const orchestration = scenarios(tiny);
  const pipeline = pipelineSpec(tiny);
  const names = [...orchestration.map((s) => s.scenario), pipeline.scenario];
  const wanted = only === undefined ? names : only.split(',').map((n) => n.trim());
  const unknown = wanted.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`bench: no scenario ${unknown.join(', ')}; the scenarios${tiny ? ' (--tiny)' : ''}: ${names.join(', ')}`);
  return { orchestration: orchestration.filter((s) => wanted.includes(s.scenario)), pipeline: wanted.includes(pipeline.scenario) ? pipeline : null };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const tiny = args.includes('--tiny');
  const out = path.resolve(flagValue(args, '--out') ?? path.join(__dirname, '..', '..', '.maft', 'bench', 'results.json'));
  const selected = selectScenarios(flagValue(args, '--only'), tiny);
  const results: ScenarioResult[] = [];
  for (const spec of selected.orchestration) {
    process.stderr.write(`bench: ${spec.scenario} (${spec.questions} questions)...\n`);
    results.push(await runOne<ScenarioResult>('scenario.js', spec));
  }
  const pipeline: PipelineResult[] = [];
  for (const pipelining of selected.pipeline ? [false, true] : []) {
    const spec = selected.pipeline!;
    process.stderr.write(
      `bench: pipeline, pipelining ${pipelining ? 'on' : 'off'} (L=${spec.iterations}, ${spec.trainSize} + ${spec.testSize} questions)...\n`,
    );
    pipeline.push(await runOne<PipelineResult>('pipeline.js', { ...spec, pipelining }));
  }
  // One-at-a-time cost is the same whatever C: the first latency scenario measured it for all.
  const reference = results.find((r) => r.sequentialS !== null);
  for (const r of results) {
    if (r.sequentialS === null && reference && r.latencyMs === reference.latencyMs) {
      r.sequentialS = reference.sequentialS;
      r.speedupVsSequential = reference.sequentialS! / r.makespanS;
    }
  }
  const memory = results.filter((r) => r.scenario.startsWith('zero-latency'));
  const growth = memory.length === 2 ? memory[1].peakRssMb / memory[0].peakRssMb : null;
  const ratio = makespanRatio(pipeline);
  mkdirSync(path.dirname(out), { recursive: true });
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: os.totalmem() / 2 ** 30, node: process.version };
  writeFileSync(out, benchJson({ machine, memoryGrowth10x: growth, pipelineMakespanRatio: ratio, results: [...results, ...pipeline] }));
  const report: string[] = [];
  if (results.length > 0) report.push(formatTable(results), '', `peak worker memory at 10x the questions: ${fmt(growth)} x`, '');
  if (pipeline.length > 0) {
    const timeline = path.join(path.dirname(out), `${path.basename(out, '.json')}.timeline`);
    const svg = stackedChartsSvg(timelineCharts(pipeline));
    writeFileSync(`${timeline}.svg`, svg);
    writeFileSync(`${timeline}.png`, svgToPng(svg));
    report.push(markdownTable(pipelineTable(pipeline)), '', `makespan(on) / makespan(off): ${fmt(ratio)}`, `timeline: ${timeline}.svg, .png`, '');
  }
  process.stdout.write(`${report.join('\n')}JSON: ${out}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
