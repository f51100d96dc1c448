/**
 * Every workflow execution of a run, with its full event history as the server sends it: the top
 * workflow's continue-as-new chain and every child (`maft-<runId>` and `maft-<runId>-...`).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export const EventType = temporal.api.enums.v1.EventType;

export interface Execution {
  workflowId: string;
  runId: string;
  events: HistoryEvent[];
  /** The history re-encoded as protobuf: every payload, failure, header and memo byte for byte. */
  bytes: Buffer;
}

export async function runExecutions(client: Client, runId: string): Promise<Execution[]> {
  const executions: Execution[] = [];
  for await (const info of client.workflow.list()) {
    if (info.workflowId !== `maft-${runId}` && !info.workflowId.startsWith(`maft-${runId}-`)) continue;
    const events: HistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId: info.workflowId, runId: info.runId },
        nextPageToken,
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode({ events }).finish());
    executions.push({ workflowId: info.workflowId, runId: info.runId, events, bytes });
  }
  return executions;
}

/** Milliseconds since the epoch of an event. */
export function eventMs(event: HistoryEvent): number {
  const t = event.eventTime!;
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

/** An error and its causes, outermost first (WorkflowFailedError, ChildWorkflowFailure, ActivityFailure, ...). */
export function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = error; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) chain.push(e);
  return chain;
}
