/**
 * A run as Temporal holds it: workflow id `maft-<runId>` (workflows/ids.ts), a chain of executions
 * linked by continue-as-new. The latest execution's input ({config, state}) is the start of the
 * iteration it performs, which is where `maft resume` continues a run that stopped.
 */
import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { multiagentFinetuning } from '../workflows';
import { workflowIds } from '../workflows/ids';
import type { MultiagentFinetuningInput } from '../workflows/run-types';

export function runHandle(client: Client, runId: string): WorkflowHandle<typeof multiagentFinetuning> {
  return client.workflow.getHandle<typeof multiagentFinetuning>(workflowIds.run(runId));
}

/** The latest execution of the run; a clear error when there is none. */
export async function describeRun(client: Client, runId: string): Promise<WorkflowExecutionDescription> {
  try {
    return await runHandle(client, runId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new Error(`no run "${runId}" (workflow ${workflowIds.run(runId)}) in namespace ${client.options.namespace}`);
    }
    throw error;
  }
}

/** The input and task queue of one execution, from the first event of its history. */
export async function executionInput(
  client: Client,
  execution: { workflowId: string; runId: string },
): Promise<{ input: MultiagentFinetuningInput; taskQueue: string }> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution,
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started?.taskQueue?.name) throw new Error(`the history of ${execution.workflowId} (${execution.runId}) has no start event`);
  const [input] = await decodeArrayFromPayloads(client.options.loadedDataConverter, started.input?.payloads);
  return { input: input as MultiagentFinetuningInput, taskQueue: started.taskQueue.name };
}

/** "Activity task failed: training job r/l1/critic/2 failed: ...": a workflow failure down to its root cause. */
export function failureMessage(error: Error): string {
  const messages: string[] = [];
  for (let e: Error | undefined = error instanceof WorkflowFailedError ? error.cause : error; e; e = (e as { cause?: Error }).cause) {
    if (e.message && !messages.includes(e.message)) messages.push(e.message);
  }
  return messages.join(': ') || error.message;
}

/** Why a closed execution stopped: its failure, cancellation, termination or timeout. */
export async function closeReason(handle: WorkflowHandle): Promise<string> {
  return handle.result().then(
    () => 'completed',
    (error: Error) => failureMessage(error),
  );
}
