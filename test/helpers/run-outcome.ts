/**
 * What a run leaves behind that a run with the same config must reproduce when the faults it met were
 * retried away: its result, every stored debate transcript, and the training jobs it created.
 */
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import type { ArtifactStore } from '../../activities/artifact-store';
import { trainingJobKey, type Role } from '../../core/agents';
import { artifactPaths } from '../../core/artifact-paths';
import type { RunConfigInput } from '../../core/config';
import type { SimulatorOptions } from '../../simulator/server';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { causeChain } from './histories';
import { startStack } from './stack';

export interface RunOutcome {
  result: RunResult;
  /** Every debate transcript of the run, by path relative to the artifact store. */
  transcripts: Record<string, string>;
  jobs: FineTuningJob[];
}

export function storedTranscripts(artifactRoot: string, runId: string): Record<string, string> {
  const run = path.join(artifactRoot, 'runs', runId);
  const transcripts: Record<string, string> = {};
  for (const iteration of readdirSync(run).filter((d) => d.startsWith('iteration-'))) {
    for (const split of ['train', 'test']) {
      const dir = path.join(run, iteration, 'debates', split);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)) transcripts[`${iteration}/${split}/${file}`] = readFileSync(path.join(dir, file), 'utf8');
    }
  }
  return transcripts;
}

/** A run that met faults ends as the clean run did: the same results, and the same `debates` transcripts. */
export function expectCleanOutcome(run: RunOutcome, clean: RunOutcome, debates: number): void {
  expect(run.result.history).toEqual(clean.result.history);
  expect(run.result.baseEvaluation).toEqual(clean.result.baseEvaluation);
  expect(Object.keys(run.transcripts)).toHaveLength(debates);
  expect(run.transcripts).toEqual(clean.transcripts);
}

/** Every fine-tuning job the server holds, newest first. */
export async function trainingJobs(trainingUrl: string, apiKey = 'test'): Promise<FineTuningJob[]> {
  const jobs: FineTuningJob[] = [];
  for await (const job of new OpenAI({ baseURL: trainingUrl, apiKey }).fineTuning.jobs.list({ limit: 100 })) jobs.push(job);
  return jobs;
}

export const jobKey = (job: FineTuningJob): string => job.metadata?.maft_job_key ?? '';

/** The 2N job keys of iteration l (first attempts): Algorithm 1, lines 27-28. */
export function agentJobKeys(runId: string, l: number, agents: number): string[] {
  const roles: Role[] = ['generation', 'critic'];
  return roles.flatMap((role) => Array.from({ length: agents }, (_, n) => trainingJobKey(runId, l, role, n))).sort();
}

/** The run on a fresh in-memory stack with the simulator and no faults: the reference outcome. */
export async function cleanRun(config: RunConfigInput, simulator: SimulatorOptions = {}): Promise<RunOutcome> {
  const stack = await startStack({ simulator });
  try {
    const result = await stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });
    return { result, transcripts: storedTranscripts(stack.artifactRoot, config.runId), jobs: await trainingJobs(stack.backendUrls.training) };
  } finally {
    await stack.stop();
  }
}

/** Runs a config that must fail: its failure chain (outermost first), the root ApplicationFailure, and how long it took. */
export async function runFailure(client: Client, config: RunConfigInput): Promise<{ root: ApplicationFailure; chain: Error[]; ms: number }> {
  const started = Date.now();
  const error = await client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] }).then(
    () => new Error(`run ${config.runId} was expected to fail, and completed`),
    (e: unknown) => e,
  );
  const chain = causeChain(error);
  const root = chain.at(-1);
  if (!(root instanceof ApplicationFailure)) throw error;
  return { root, chain, ms: Date.now() - started };
}

/** Every debate transcript of a run in any artifact store (a bucket, say), as storedTranscripts reads a directory. */
export async function transcriptsInStore(store: ArtifactStore, runId: string, iterations: number): Promise<Record<string, string>> {
  const transcripts: Record<string, string> = {};
  for (let l = 0; l <= iterations; l++) {
    for (const split of ['train', 'test'] as const) {
      const folder = artifactPaths.debates(runId, l, split);
      for (const file of await store.list(folder)) transcripts[`iteration-${l}/${split}/${file}`] = await store.readText(`${folder}/${file}`);
    }
  }
  return transcripts;
}
