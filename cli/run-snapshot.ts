/**
 * Where a run stands, for `maft status` and `maft list`: its status, iteration, phase and the
 * accuracy after each finished iteration. A running run answers its `progress` query; a finished
 * one its result; a stopped one (failed, cancelled, terminated, timed out) its latest execution's
 * input, which is the start of the iteration it did not finish. The phase a stopped run was in
 * comes from the MaftPhase search attribute where the workflow set it.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { parseRunConfig } from '../core/config';
import { searchAttributes } from '../core/search-attributes';
import type { Accuracy } from '../core/stats';
import { progressQuery } from '../workflows/multiagent-finetuning';
import type { IterationRecord, Phase } from '../workflows/run-types';
import { closeReason, describeRun, executionInput, runHandle } from './runs';

export interface RunSnapshot {
  runId: string;
  workflowId: string;
  /** Temporal's execution status of the latest execution: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  status: string;
  /** The iteration performed now, or where a stopped run will resume; L when completed. */
  iteration: number;
  iterations: number;
  phase: Phase | string | null;
  baseEvaluation: Accuracy | null;
  /** The finished iterations, with their accuracy. */
  history: IterationRecord[];
  /** While running: questions debated and training jobs done this iteration (of their totals). */
  questions?: { done: number; total: number };
  training?: { done: number; total: number };
  /** Why a stopped run stopped. */
  reason?: string;
  startTime: Date;
}

/** How long a running run gets to answer its progress query (no worker polling: it cannot). */
const QUERY_DEADLINE_MS = 3_000;

/** The run's iteration and phase as the workflow last set them in its search attributes, if it did. */
export function attributesOf(info: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>): { iteration?: number; phase?: string } {
  return {
    iteration: info.typedSearchAttributes.get(defineSearchAttributeKey(searchAttributes.iteration.name, 'INT')),
    phase: info.typedSearchAttributes.get(defineSearchAttributeKey(searchAttributes.phase.name, 'KEYWORD')),
  };
}

/** `info`: the latest execution when the caller has it already (a `maft list` row). */
export async function readRunSnapshot(client: Client, runId: string, info?: WorkflowExecutionInfo): Promise<RunSnapshot> {
  const execution = info ?? (await describeRun(client, runId));
  const handle = runHandle(client, runId);
  const status = execution.status.name;
  const base = { runId, workflowId: execution.workflowId, status, startTime: execution.startTime };

  if (status === 'RUNNING') {
    const progress = await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(progressQuery)).catch(() => undefined);
    if (progress) {
      const { iteration, iterations, phase, baseEvaluation, history } = progress;
      const questions = { done: progress.questionsDone, total: progress.questionsTotal };
      const training = { done: progress.trainingDone, total: progress.trainingTotal };
      return { ...base, iteration, iterations, phase, baseEvaluation, history, questions, training };
    }
  }
  if (status === 'COMPLETED') {
    const result = await handle.result();
    return {
      ...base,
      iteration: result.config.iterations,
      iterations: result.config.iterations,
      phase: 'done',
      baseEvaluation: result.baseEvaluation,
      history: result.history,
    };
  }
  // Running without a worker to answer, or stopped: the latest execution's input.
  const { input } = await executionInput(client, execution);
  const config = parseRunConfig(input.config, `of ${execution.workflowId}`);
  const attributes = attributesOf(execution);
  return {
    ...base,
    iteration: input.state?.iteration ?? 1,
    iterations: config.iterations,
    phase: attributes.phase ?? null,
    baseEvaluation: input.state?.baseEvaluation ?? null,
    history: input.state?.history ?? [],
    ...(status === 'RUNNING' ? {} : { reason: await closeReason(handle) }),
  };
}

/** The latest accuracy: after the last finished iteration, else the base agents'. */
export function latestAccuracy(snapshot: Pick<RunSnapshot, 'baseEvaluation' | 'history'>): Accuracy | null {
  return snapshot.history.at(-1)?.evaluation ?? snapshot.baseEvaluation;
}
