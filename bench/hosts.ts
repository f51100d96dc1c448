/**
 * The simulator run's makespan on one host vs across hosts, in one run, side by side, at a model
 * latency and at none: the same multiagentFinetuning config (and so the same calls and results; the
 * benchmark checks it) first on one host (bench/stack.ts:
 * the simulator as a child process, the dev server, maft's workers in this process, artifacts in a
 * directory), then across network namespaces (bench/namespaced-stack.ts: the dev server, SeaweedFS,
 * the simulator and one `maft worker` per task queue each on a host of its own, artifacts in the
 * bucket). Needs root (ip netns) and the build (npm run build).
 *   node dist/bench/hosts.js [--tiny] [--out FILE]   # JSON to FILE (default .maft/bench/hosts.json)
 */
import type { Client } from '@temporalio/client';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { multiagentFinetuning } from '../workflows';
import type { RunResult } from '../workflows/run-types';
import type { Call } from './call-metrics';
import { startNamespacedStack } from './namespaced-stack';
import { simulatorAdmin, withBenchStack, type SimulatorProcess } from './stack';

export interface HostsSpec {
  scenario: string;
  iterations: number;
  trainSize: number;
  testSize: number;
  /** The simulated engine: calls at once, and each call's latency. */
  capacity: number;
  latencyMs: number;
  jitterMs: number;
  trainingMs: number;
  trainingSlots: number;
}

export interface HostsResult {
  scenario: string;
  mode: 'one host' | 'namespaces';
  makespanS: number;
  calls: number;
  accuracies: number[];
}

const AGENTS = 3;

/** The namespaces' engine gets one more call per adapter: with adapters in the bucket, a worker publishes one by
 * naming it in a one-token call (its LoRA resolver loads it), where on one host it posts load_lora_adapter. */
const publishCalls = (spec: HostsSpec) => 2 * AGENTS * spec.iterations;

/** The run at a model latency (where the engine's time dominates), and at none (where only maft's own costs remain). */
export function hostsSpecs(tiny: boolean): HostsSpec[] {
  const size = tiny ? { iterations: 1, trainSize: 6, testSize: 3 } : { iterations: 2, trainSize: 100, testSize: 50 };
  const training = { trainingMs: tiny ? 50 : 300, trainingSlots: 2 };
  return [
    { scenario: 'latency', ...size, capacity: 16, latencyMs: tiny ? 10 : 50, jitterMs: tiny ? 2 : 10, ...training },
    { scenario: 'zero-latency', ...size, capacity: 64, latencyMs: 0, jitterMs: 0, ...training },
  ];
}

async function timedRun(mode: HostsResult['mode'], spec: HostsSpec, client: Client, simulator: SimulatorProcess): Promise<HostsResult> {
  const config = {
    runId: 'hosts',
    baseModel: 'sim-base',
    agents: AGENTS,
    iterations: spec.iterations,
    task: { trainSize: spec.trainSize, testSize: spec.testSize },
    inferenceCapacity: spec.capacity,
    evaluateBase: true,
  };
  const started = performance.now();
  const result: RunResult = await client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-hosts', args: [{ config }] });
  const makespanS = (performance.now() - started) / 1000;
  const calls = (await simulatorAdmin<{ calls: Call[] }>(simulator, 'calls')).calls.length;
  return {
    scenario: spec.scenario,
    mode,
    makespanS,
    calls,
    accuracies: [result.baseEvaluation!, ...result.history.map((h) => h.evaluation)].map((a) => a.accuracy),
  };
}

export async function runHosts(spec: HostsSpec): Promise<HostsResult[]> {
  const flags = ['--seed', '0', '--latency-ms', String(spec.latencyMs), '--jitter-ms', String(spec.jitterMs), '--capacity', String(spec.capacity)];
  flags.push('--training-ms-per-example', '0', '--min-training-ms', String(spec.trainingMs), '--training-slots', String(spec.trainingSlots));
  const oneHost = await withBenchStack(flags, { inferenceConcurrency: spec.capacity, trainingSlots: spec.trainingSlots }, ({ client, simulator }) =>
    timedRun('one host', spec, client, simulator),
  );
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maft-bench-hosts-'));
  const stack = await startNamespacedStack({
    stateDir,
    simulatorFlags: flags,
    embeddings: false, // as on one host: the bench stack's workers have no encoder
    workerEnv: { MAFT_INFERENCE_CONCURRENCY: String(spec.capacity), MAFT_TRAINING_SLOTS: String(spec.trainingSlots), MAFT_TRAINING_POLL_MS: '50' },
  });
  try {
    return [oneHost, await timedRun('namespaces', spec, stack.client, stack.simulator)];
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = path.resolve(outAt >= 0 ? args[outAt + 1] : path.join(__dirname, '..', '..', '.maft', 'bench', 'hosts.json'));
  const specs = hostsSpecs(args.includes('--tiny'));
  const scenarios = [];
  for (const spec of specs) {
    process.stderr.write(`bench: ${spec.scenario} (L=${spec.iterations}, ${spec.trainSize} + ${spec.testSize} questions), one host then namespaces...\n`);
    const [one, spread] = await runHosts(spec);
    if (JSON.stringify(one.accuracies) !== JSON.stringify(spread.accuracies) || spread.calls !== one.calls + publishCalls(spec))
      throw new Error(`bench: the two runs differ (${JSON.stringify([one, spread])}): the comparison would be of different work`);
    scenarios.push({ spec, makespanRatio: spread.makespanS / one.makespanS, results: [one, spread] });
  }
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ machine: { cpus: os.cpus().length, node: process.version }, scenarios }, null, 2) + '\n');
  const lines = scenarios.map(
    ({ spec, makespanRatio, results: [one, spread] }) =>
      `${spec.scenario.padEnd(12)} ${spec.latencyMs} ms, C=${spec.capacity}, ${one.calls} calls (+${publishCalls(spec)} across hosts): one host ${one.makespanS.toFixed(1)} s, namespaces ${spread.makespanS.toFixed(1)} s, ratio ${makespanRatio.toFixed(2)}`,
  );
  process.stdout.write(`${lines.join('\n')}\nJSON: ${out}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
