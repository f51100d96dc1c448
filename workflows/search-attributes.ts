/**
 * Keeps a run's custom search attributes (core/search-attributes.ts) and its current details up to
 * date, so runs can be filtered in the Temporal UI and CLI and a run's page says where it is, e.g.
 * `temporal workflow list --query 'MaftTask="gsm8k" AND MaftPhase="finetune"'`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { searchAttributes } from '../core/search-attributes';

const keyword = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
const keys = {
  runId: keyword(searchAttributes.runId.name),
  method: keyword(searchAttributes.method.name),
  task: keyword(searchAttributes.task.name),
  experiment: keyword(searchAttributes.experiment.name),
  phase: keyword(searchAttributes.phase.name),
  iteration: defineSearchAttributeKey(searchAttributes.iteration.name, SearchAttributeType.INT),
};

export interface RunAttributes {
  runId: string;
  method: string;
  task: string;
  experiment?: string;
  iteration: number;
  phase: string;
}

/** Sets the given attributes; a no-op when the run was told its server has none registered. */
export function markRun(enabled: boolean, attributes: Partial<RunAttributes>, details?: string): void {
  if (details !== undefined) setCurrentDetails(details);
  if (!enabled) return;
  const { runId, method, task, experiment, iteration, phase } = attributes;
  const pairs: SearchAttributeUpdatePair[] = [];
  if (runId !== undefined) pairs.push({ key: keys.runId, value: runId });
  if (method !== undefined) pairs.push({ key: keys.method, value: method });
  if (task !== undefined) pairs.push({ key: keys.task, value: task });
  if (experiment !== undefined) pairs.push({ key: keys.experiment, value: experiment });
  if (iteration !== undefined) pairs.push({ key: keys.iteration, value: iteration });
  if (phase !== undefined) pairs.push({ key: keys.phase, value: phase });
  if (pairs.length) upsertSearchAttributes(pairs);
}
