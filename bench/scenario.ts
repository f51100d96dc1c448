/**
 * One benchmark scenario, in a process of its own so its CPU time and peak memory are the
 * worker's: one iteration of Algorithm 1 on the dev server against the simulator (run as a child
 * process) at a given latency and capacity, then the same calls one at a time on a sample of the
 * questions. Prints one JSON record on its last line.
 *   node dist/bench/scenario.js '{"scenario":"c64","questions":500,"capacity":64,"latencyMs":200,"jitterMs":50,"sequentialSample":10}'
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createChatTurn } from '../activities/inference';
import { debateRounds, openingState, type DebateInput } from '../core/debate';
import { generatedSplits } from '../core/tasks';
import { openAiClient } from '../workers/workers';
import { multiagentFinetuning } from '../workflows';
import { dependencyGaps, meanInFlight, percentile, type Call } from './call-metrics';
import { printRecord, simulatorAdmin, withBenchStack } from './stack';

export interface ScenarioSpec {
  scenario: string;
  questions: number;
  /** C: calls the simulated engine processes at once; 0 = unlimited. */
  capacity: number;
  latencyMs: number;
  jitterMs: number;
  /** Questions debated one call at a time for the sequential reference (0: none). */
  sequentialSample: number;
  /** The worker's MAFT_INFERENCE_CONCURRENCY; default C (64 when unlimited). Above C, calls that
   * find the engine full wait in its queue instead of the worker's semaphore. */
  workerConcurrency?: number;
}

export interface ScenarioResult extends ScenarioSpec {
  calls: number;
  makespanS: number;
  idealS: number;
  makespanOverIdeal: number | null;
  meanInFlight: number;
  inFlightOverCapacity: number | null;
  overheadP50Ms: number;
  overheadP99Ms: number;
  runHistoryBytes: number;
  runHistoryEvents: number;
  debateHistoryBytes: number;
  debateHistoryEvents: number;
  workerCpuS: number;
  /** CPU seconds of the dev server and of the simulator during the run (Linux /proc; null elsewhere). */
  serverCpuS: number | null;
  simulatorCpuS: number | null;
  peakRssMb: number;
  sequentialS: number | null;
  speedupVsSequential: number | null;
}

const N = 3;
const ROUNDS = 2;
/** Calls on one debate's critical path with summaries: round 1, then summary + answer per later round. */
const CRITICAL_PATH_CALLS = 1 + 2 * (ROUNDS - 1);

/** CPU seconds a child process has used so far, from /proc (Linux); null where there is none. */
function processCpuS(child: ChildProcess): number | null {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

const cpuSince = (before: number | null, after: number | null) => (before === null || after === null ? null : after - before);

async function sequentialSeconds(spec: ScenarioSpec, simulatorUrl: string): Promise<number | null> {
  if (spec.sequentialSample === 0) return null;
  // The authors' code: every call waits for the one before. A semaphore of 1 makes the same
  // debates issue their calls one at a time.
  const ask = createChatTurn(openAiClient(`${simulatorUrl}/v1`, 'bench', 600_000), 1);
  const settings: DebateInput['settings'] = {
    runId: 'sequential',
    seed: 0,
    baseModel: 'sim-base',
    summarize: true,
    cooperative: false,
    agentIds: false,
    task: 'arithmetic',
    critics: true,
    star: false,
    sampling: { temperature: 1, topP: 0.9, maxTokens: 1024 },
    temperatures: Array(N).fill(1),
    queues: { workflow: '', inference: '', training: '' },
  };
  const agents = { generation: Array(N).fill('sim-base'), critic: Array(N).fill('sim-base') };
  const questions = generatedSplits(0, spec.sequentialSample, 1).train;
  const start = performance.now();
  for (const [index, question] of questions.entries()) {
    const input: DebateInput = { settings, iteration: 1, split: 'train', index, rounds: ROUNDS, agents };
    await debateRounds(ask, input, { style: 'arithmetic', question: question.text }, openingState(input, question.prompt));
  }
  return ((performance.now() - start) / 1000) * (spec.questions / spec.sequentialSample);
}

export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const capacity = spec.capacity || 64;
  const flags = ['--latency-ms', String(spec.latencyMs), '--jitter-ms', String(spec.jitterMs), '--capacity', String(spec.capacity)];
  return withBenchStack(flags, { inferenceConcurrency: spec.workerConcurrency ?? capacity }, async ({ simulator, server, settings, client }) => {
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = processCpuS(server.process);
    const simulatorCpuBefore = processCpuS(simulator.process);
    const startedMs = performance.timeOrigin + performance.now();
    await client.workflow.execute(multiagentFinetuning, {
      taskQueue: settings.queues.workflow,
      workflowId: `maft-${spec.scenario}`,
      args: [
        {
          config: {
            runId: spec.scenario,
            baseModel: 'sim-base',
            iterations: 1,
            evaluateBase: false,
            task: { trainSize: spec.questions, testSize: 1 },
            inferenceCapacity: capacity,
          },
        },
      ],
    });
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuS = cpuSince(serverCpuBefore, processCpuS(server.process));
    const simulatorCpuS = cpuSince(simulatorCpuBefore, processCpuS(simulator.process));
    const calls = (await simulatorAdmin<{ calls: Call[] }>(simulator, 'calls')).calls.filter((c) => c.requestId?.includes('/train/'));
    const lastFinish = Math.max(...calls.map((c) => c.finishedMs));
    const firstStart = Math.min(...calls.map((c) => c.startedMs));
    const makespanS = (lastFinish - startedMs) / 1000;
    const idealS = Math.max(CRITICAL_PATH_CALLS * spec.latencyMs, spec.capacity ? (calls.length * spec.latencyMs) / spec.capacity : 0) / 1000;
    const inFlight = meanInFlight(calls, firstStart, lastFinish);
    const gaps = dependencyGaps(calls);
    const runHistory = await client.workflow.getHandle(`maft-${spec.scenario}`).fetchHistory();
    const debateHistory = await client.workflow.getHandle(`maft-${spec.scenario}-l1-train-arithmetic-0`).fetchHistory();
    const sequentialS = await sequentialSeconds(spec, simulator.url);
    return {
      ...spec,
      calls: calls.length,
      makespanS,
      idealS,
      makespanOverIdeal: idealS > 0 ? makespanS / idealS : null,
      meanInFlight: inFlight,
      inFlightOverCapacity: spec.capacity ? inFlight / spec.capacity : null,
      overheadP50Ms: percentile(gaps, 50),
      overheadP99Ms: percentile(gaps, 99),
      runHistoryBytes: Buffer.byteLength(JSON.stringify(runHistory)),
      runHistoryEvents: runHistory.events?.length ?? 0,
      debateHistoryBytes: Buffer.byteLength(JSON.stringify(debateHistory)),
      debateHistoryEvents: debateHistory.events?.length ?? 0,
      workerCpuS: (cpu.user + cpu.system) / 1e6,
      serverCpuS,
      simulatorCpuS,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      sequentialS,
      speedupVsSequential: sequentialS === null ? null : sequentialS / makespanS,
    };
  });
}

if (require.main === module) printRecord(runScenario(JSON.parse(process.argv[2]) as ScenarioSpec));
