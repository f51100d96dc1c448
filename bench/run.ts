/**
 * The benchmark: one command, every scenario, one table and one JSON file.
 *   npm run bench                 # 500 questions, C in {16, 64, 256} at 200 ± 50 ms (and C=64 with
 *                                 # the worker allowed 2C calls), zero latency, and memory at 500 and
 *                                 # 5,000 questions (about 6 minutes on 2 cores)
 *   npm run bench -- --tiny       # the same shape at a tiny size (CI runs this to show it works)
 *   npm run bench -- --out FILE   # where the JSON goes (default .maft/bench/results.json)
 * Each scenario runs in its own process (scenario.ts) so CPU and peak memory are its own.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
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
    { scenario: `c${capacities[1]}-engine-queue`, questions: q, capacity: capacities[1], workerConcurrency: 2 * capacities[1], ...latency, sequentialSample: 0 },
    { scenario: 'zero-latency', questions: q, capacity: 0, latencyMs: 0, jitterMs: 0, sequentialSample: 0 },
    { scenario: 'zero-latency-10x', questions: q * 10, capacity: 0, latencyMs: 0, jitterMs: 0, sequentialSample: 0 },
  ];
}

async function runOne(spec: ScenarioSpec): Promise<ScenarioResult> {
  const { stdout } = await run(process.execPath, [path.join(__dirname, 'scenario.js'), JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ScenarioResult;
}

const fmt = (v: number | null, digits = 2) => (v === null || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function formatTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'C', 'latency', 'questions', 'calls', 'makespan s', 'ideal s', 'x ideal', 'in flight', 'x C', 'overhead p50/p99 ms', 'run history KB', 'debate events', 'CPU s worker/server/sim', 'peak RSS MB', 'speed-up vs 1-at-a-time'];
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const tiny = args.includes('--tiny');
  const outIndex = args.indexOf('--out');
  const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(__dirname, '..', '..', '.maft', 'bench', 'results.json'));
  const results: ScenarioResult[] = [];
  for (const spec of scenarios(tiny)) {
    process.stderr.write(`bench: ${spec.scenario} (${spec.questions} questions)...\n`);
    results.push(await runOne(spec));
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
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: os.totalmem() / 2 ** 30, node: process.version }, memoryGrowth10x: growth, results }, null, 2) + '\n');
  process.stdout.write(`${formatTable(results)}\n\npeak worker memory at 10x the questions: ${fmt(growth)} x\nJSON: ${out}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
