/**
 * One mode of the pipeline scenario, in a process of its own: the whole multiagentFinetuning run
 * (base evaluation, L iterations of debate, datasets, finetuning and evaluation, the run's default
 * diversity measurement) on the dev server against the simulator, whose training takes time in a
 * few slots. Prints one JSON record (pipeline-summary.ts, PipelineResult) on its last line.
 *   node dist/bench/pipeline.js '{"scenario":"pipeline","iterations":3,...,"pipelining":true}'
 */
import type { JobTiming } from '../simulator/training';
import { multiagentFinetuning } from '../workflows';
import type { RunResult } from '../workflows/run-types';
import { bothBusyFraction, busyFraction, inFlightProfile, meanInFlight, type Call, type Interval } from './call-metrics';
import { simulatorFlags, type PipelineResult, type PipelineSpec } from './pipeline-summary';
import { printRecord, simulatorAdmin, withBenchStack } from './stack';

const round = (values: number[]) => values.map((v) => Number(v.toFixed(3)));

export async function runPipeline(spec: PipelineSpec & { pipelining: boolean }): Promise<PipelineResult> {
  const flags = simulatorFlags(spec);
  // The training worker runs as many finetune activities at once as the trainer has slots.
  return withBenchStack(flags, { inferenceConcurrency: spec.capacity, trainingSlots: spec.trainingSlots }, async ({ simulator, settings, client }) => {
    const runId = 'pipeline'; // the same in both modes (its own dev server and simulator each), so the same seeds and results
    const cpuBefore = process.cpuUsage();
    const startedMs = performance.timeOrigin + performance.now();
    const result: RunResult = await client.workflow.execute(multiagentFinetuning, {
      taskQueue: settings.queues.workflow,
      workflowId: `maft-${runId}`,
      args: [
        {
          config: {
            runId,
            baseModel: 'sim-base',
            iterations: spec.iterations,
            agents: spec.agents,
            rounds: spec.rounds,
            task: { trainSize: spec.trainSize, testSize: spec.testSize },
            inferenceCapacity: spec.capacity,
            evaluateBase: true,
            pipelining: spec.pipelining,
          },
        },
      ],
    });
    const finishedMs = performance.timeOrigin + performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const calls = (await simulatorAdmin<{ calls: Call[] }>(simulator, 'calls')).calls;
    const jobs = (await simulatorAdmin<{ jobs: JobTiming[] }>(simulator, 'jobs')).jobs
      .filter((j) => j.startedMs !== null)
      .map((j): Interval => ({ startedMs: j.startedMs!, finishedMs: j.finishedMs ?? finishedMs }));
    const bins = Math.ceil((finishedMs - startedMs) / 1000 / spec.timelineBinS);
    const binEnd = startedMs + bins * spec.timelineBinS * 1000;
    const engineMeanInFlight = meanInFlight(calls, startedMs, finishedMs);
    const trainerMeanRunning = meanInFlight(jobs, startedMs, finishedMs);
    return {
      ...spec,
      makespanS: (finishedMs - startedMs) / 1000,
      calls: calls.length,
      engineBusyFraction: busyFraction(calls, startedMs, finishedMs),
      engineMeanInFlight,
      engineInFlightOverCapacity: engineMeanInFlight / spec.capacity,
      trainingJobs: jobs.length,
      trainerBusyFraction: busyFraction(jobs, startedMs, finishedMs),
      trainerMeanRunning,
      trainerRunningOverSlots: trainerMeanRunning / spec.trainingSlots,
      bothBusyFraction: bothBusyFraction(calls, jobs, startedMs, finishedMs),
      accuracies: [result.baseEvaluation!, ...result.history.map((h) => h.evaluation)].map((a) => a.accuracy), // evaluateBase: a base evaluation
      workerCpuS: (cpu.user + cpu.system) / 1e6,
      timeline: {
        engineInFlight: round(inFlightProfile(calls, startedMs, binEnd, bins)),
        trainerRunning: round(inFlightProfile(jobs, startedMs, binEnd, bins)),
      },
    };
  });
}

if (require.main === module) printRecord(runPipeline(JSON.parse(process.argv[2]) as PipelineSpec & { pipelining: boolean }));
