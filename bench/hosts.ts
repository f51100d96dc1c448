/**
 * The simulator run's makespan on one host vs across hosts, in one run, side by side, at a model
 * latency and at none. The same multiagentFinetuning config (so the same calls and results; checked)
 * runs on one host (bench/stack.ts: the simulator as a child process, the dev server, maft's
 * workers in this process, artifacts in a directory) and across network namespaces
 * (bench/namespaced-stack.ts: the dev server, SeaweedFS, the simulator and one `maft worker` per
 * task queue each on a host of its own, artifacts in the bucket), both stacks up, the modes
 * alternating. Needs root (ip netns) and the build (npm run build).
 *   node dist/bench/hosts.js [--tiny] [--repeats N] [--out FILE]   # N runs per mode [3]; JSON to FILE
 *                                                                  # [.maft/bench/hosts.json]
 */
import type { Client } from '@temporalio/client';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { multiagentFinetuning } from '../workflows';
import type { RunResult } from '../workflows/run-types';
import type { Call } from './call-metrics';
import { flagValue } from './flags';
import { startNamespacedStack } from './namespaced-stack';
import { simulatorFlags, type PipelineSpec } from './pipeline-summary';
import { simulatorAdmin, withBenchStack, type SimulatorProcess } from './stack';

/** A scenario: the run's size and the simulated engine and trainer (as in the pipeline scenario). */
export type HostsSpec = { scenario: string } & Pick<
  PipelineSpec,
  'iterations' | 'trainSize' | 'testSize' | 'capacity' | 'latencyMs' | 'jitterMs' | 'trainingMs' | 'trainingSlots'
>;

/** One run of the scenario's config in one mode. */
export interface HostsRun {
  mode: 'one host' | 'namespaces';
  repeat: number;
  makespanS: number;
  /** Chat calls the engine answered during the run. */
  calls: number;
  accuracies: number[];
  /** Adapters the run published. Across hosts each is one more chat call: with adapters in the bucket a worker
   * publishes one by naming it in a one-token call (the LoRA resolver loads it), where one host posts load_lora_adapter. */
  adapters: number;
  /** The machine's 1-minute load average when the run started and when it ended (it is shared: a busy neighbour shows here). */
  loadAverage: [number, number];
}

export interface HostsResult {
  spec: HostsSpec;
  runs: HostsRun[];
  /** Each mode's median makespan, and median(namespaces) / median(one host). */
  medianS: { oneHost: number; namespaces: number };
  makespanRatio: number;
}

const AGENTS = 3;

/** The run at a model latency (where the engine's time dominates), and at none (where only maft's own costs remain). */
export function hostsSpecs(tiny: boolean): HostsSpec[] {
  const size = tiny ? { iterations: 1, trainSize: 6, testSize: 3 } : { iterations: 2, trainSize: 100, testSize: 50 };
  const training = { trainingMs: tiny ? 50 : 300, trainingSlots: 2 };
  return [
    { scenario: 'latency', ...size, capacity: 16, latencyMs: tiny ? 10 : 50, jitterMs: tiny ? 2 : 10, ...training },
    { scenario: 'zero-latency', ...size, capacity: 64, latencyMs: 0, jitterMs: 0, ...training },
  ];
}

async function timedRun(mode: HostsRun['mode'], repeat: number, spec: HostsSpec, client: Client, simulator: SimulatorProcess): Promise<HostsRun> {
  // The same run id in both modes (so the same seeds, calls and results), a new one per repeat (so nothing stored is reused).
  const runId = `hosts-${repeat}`;
  const config = {
    runId,
    baseModel: 'sim-base',
    agents: AGENTS,
    iterations: spec.iterations,
    task: { trainSize: spec.trainSize, testSize: spec.testSize },
    inferenceCapacity: spec.capacity,
    evaluateBase: true,
  };
  const callsSoFar = async () => (await simulatorAdmin<{ calls: Call[] }>(simulator, 'calls')).calls.length;
  const callsBefore = await callsSoFar();
  const loadBefore = os.loadavg()[0];
  const started = performance.now();
  const result: RunResult = await client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${runId}`, args: [{ config }] });
  const makespanS = (performance.now() - started) / 1000;
  return {
    mode,
    repeat,
    makespanS,
    calls: (await callsSoFar()) - callsBefore,
    accuracies: [result.baseEvaluation!, ...result.history.map((h) => h.evaluation)].map((a) => a.accuracy),
    adapters: result.history.reduce((sum, h) => sum + 2 * AGENTS - h.skipped.length, 0),
    loadAverage: [loadBefore, os.loadavg()[0]],
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

/** Both stacks up at once, the modes alternating run by run, so that a neighbour's load falls on both alike. */
export async function runHosts(spec: HostsSpec, repeats: number): Promise<HostsResult> {
  const flags = simulatorFlags(spec);
  const worker = { inferenceConcurrency: spec.capacity, trainingSlots: spec.trainingSlots };
  const runs = await withBenchStack(flags, worker, async (oneHost) => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maft-bench-hosts-'));
    const spread = await startNamespacedStack({
      stateDir,
      simulatorFlags: flags,
      embeddings: false, // as on one host: the bench stack's workers have no encoder
      workerEnv: { MAFT_INFERENCE_CONCURRENCY: String(spec.capacity), MAFT_TRAINING_SLOTS: String(spec.trainingSlots), MAFT_TRAINING_POLL_MS: '50' },
    });
    try {
      const done: HostsRun[] = [];
      for (let repeat = 1; repeat <= repeats; repeat++) {
        // Alternate which mode goes first, so neither always runs second.
        const order = repeat % 2 ? (['one host', 'namespaces'] as const) : (['namespaces', 'one host'] as const);
        for (const mode of order) {
          const stack = mode === 'one host' ? oneHost : spread;
          done.push(await timedRun(mode, repeat, spec, stack.client, stack.simulator!));
        }
        const [one, other] = ['one host', 'namespaces'].map((mode) => done.find((r) => r.repeat === repeat && r.mode === mode)!);
        const same = JSON.stringify([one.accuracies, one.adapters]) === JSON.stringify([other.accuracies, other.adapters]);
        if (!same || other.calls !== one.calls + other.adapters) throw new Error(`bench: the two modes did different work (${JSON.stringify([one, other])})`);
      }
      return done;
    } finally {
      await spread.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
  const medianS = {
    oneHost: median(runs.filter((r) => r.mode === 'one host').map((r) => r.makespanS)),
    namespaces: median(runs.filter((r) => r.mode === 'namespaces').map((r) => r.makespanS)),
  };
  return { spec, runs, medianS, makespanRatio: medianS.namespaces / medianS.oneHost };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const out = path.resolve(flagValue(args, '--out') ?? path.join(__dirname, '..', '..', '.maft', 'bench', 'hosts.json'));
  const repeats = Number(flagValue(args, '--repeats') ?? 3);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`bench: --repeats must be a positive integer, got ${flagValue(args, '--repeats')}`);
  const results: HostsResult[] = [];
  for (const spec of hostsSpecs(args.includes('--tiny'))) {
    process.stderr.write(`bench: ${spec.scenario} (L=${spec.iterations}, ${spec.trainSize} + ${spec.testSize} questions), ${repeats} runs per mode...\n`);
    results.push(await runHosts(spec, repeats));
  }
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ machine: { cpus: os.cpus().length, node: process.version }, repeats, results }, null, 2) + '\n');
  const seconds = (runs: HostsRun[], mode: HostsRun['mode']) =>
    runs
      .filter((r) => r.mode === mode)
      .map((r) => r.makespanS.toFixed(1))
      .join(', ');
  const lines = results.map(
    ({ spec, runs, medianS, makespanRatio }) =>
      `${spec.scenario} (${spec.latencyMs} ms, C=${spec.capacity}, ${runs[0].calls} calls, +${runs[0].adapters} across hosts): ` +
      `one host ${medianS.oneHost.toFixed(1)} s (${seconds(runs, 'one host')}), namespaces ${medianS.namespaces.toFixed(1)} s (${seconds(runs, 'namespaces')}), ratio ${makespanRatio.toFixed(2)}`,
  );
  process.stdout.write(`${lines.join('\n')}\nJSON: ${out}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
