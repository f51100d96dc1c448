/**
 * What maft's workflow histories carry: one iteration of Algorithm 1 on the simulator per society
 * size (N agents, M rounds, Q questions a split), then every payload of every workflow's history
 * (workflow and activity inputs and results, child workflow inputs and results, heartbeat details of
 * failed attempts), the largest of each kind in bytes, and each history's size and events, against
 * Temporal's limits (2 MB a payload, 4 MB a request, 50 MB and 51,200 events a history). The
 * measurement behind docs/architecture.md's "Large payloads" section.
 *   node dist/bench/history-payloads.js                 # the sizes the section reports (about 2 minutes on 2 cores)
 *   node dist/bench/history-payloads.js '[[3,2,4]]'     # these [N, M, Q] only
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { multiagentFinetuning } from '../workflows';
import { withBenchStack } from './stack';

type Event = temporal.api.history.v1.IHistoryEvent;

export interface SocietySize {
  agents: number;
  rounds: number;
  questions: number;
}

export interface PayloadSizes extends SocietySize {
  /** The largest payload of each kind (e.g. "activity result debateQuestion"), bytes of data and metadata. */
  largest: Record<string, number>;
  /** The largest history (protobuf bytes) and its events, and the run workflow's. */
  largestHistoryBytes: number;
  largestHistoryEvents: number;
  runHistoryBytes: number;
  runHistoryEvents: number;
  workflows: number;
}

function payloadBytes(p: temporal.api.common.v1.IPayload): number {
  const metadata = Object.entries(p.metadata ?? {}).reduce((sum, [k, v]) => sum + k.length + (v?.length ?? 0), 0);
  return (p.data?.length ?? 0) + metadata;
}

/** Every payload list in an event's attributes, with the kind it is (what carries it and for which activity/workflow type). */
function eventPayloads(event: Event, activityTypes: Map<string, string>): { kind: string; bytes: number }[] {
  const a = event;
  const lists: [string, temporal.api.common.v1.IPayloads | null | undefined][] = [
    [`workflow input ${a.workflowExecutionStartedEventAttributes?.workflowType?.name}`, a.workflowExecutionStartedEventAttributes?.input],
    ['workflow result', a.workflowExecutionCompletedEventAttributes?.result],
    [`activity input ${a.activityTaskScheduledEventAttributes?.activityType?.name}`, a.activityTaskScheduledEventAttributes?.input],
    [`activity result ${activityTypes.get(String(a.activityTaskCompletedEventAttributes?.scheduledEventId))}`, a.activityTaskCompletedEventAttributes?.result],
    ['heartbeat details of a failed attempt', a.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.details],
    [`child input ${a.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name}`, a.startChildWorkflowExecutionInitiatedEventAttributes?.input],
    [`child result ${a.childWorkflowExecutionCompletedEventAttributes?.workflowType?.name}`, a.childWorkflowExecutionCompletedEventAttributes?.result],
    ['signal', a.workflowExecutionSignaledEventAttributes?.input],
    [
      'marker',
      a.markerRecordedEventAttributes?.details ? { payloads: Object.values(a.markerRecordedEventAttributes.details).flatMap((p) => p.payloads ?? []) } : null,
    ],
  ];
  return lists.flatMap(([kind, list]) => (list?.payloads ?? []).map((p) => ({ kind, bytes: payloadBytes(p) })));
}

async function measureHistories(client: Client, size: SocietySize, runWorkflowId: string): Promise<PayloadSizes> {
  const result: PayloadSizes = { ...size, largest: {}, largestHistoryBytes: 0, largestHistoryEvents: 0, runHistoryBytes: 0, runHistoryEvents: 0, workflows: 0 };
  for await (const execution of client.workflow.list()) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    const events = history.events ?? [];
    result.workflows++;
    if (bytes > result.largestHistoryBytes) [result.largestHistoryBytes, result.largestHistoryEvents] = [bytes, events.length];
    if (execution.workflowId === runWorkflowId) [result.runHistoryBytes, result.runHistoryEvents] = [bytes, events.length];
    for (const [kind, bytes] of Object.entries(largestPayloads(events))) result.largest[kind] = Math.max(result.largest[kind] ?? 0, bytes);
  }
  return result;
}

/** The largest payload of each kind in one history. */
export function largestPayloads(events: Event[]): Record<string, number> {
  const largest: Record<string, number> = {};
  const activityTypes = new Map<string, string>();
  for (const event of events) {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) activityTypes.set(String(event.eventId), type);
    for (const { kind, bytes } of eventPayloads(event, activityTypes)) largest[kind] = Math.max(largest[kind] ?? 0, bytes);
  }
  return largest;
}

async function measure(size: SocietySize): Promise<PayloadSizes> {
  return withBenchStack([], { inferenceConcurrency: 64 }, async ({ settings, client }) => {
    const workflowId = 'maft-payloads';
    await client.workflow.execute(multiagentFinetuning, {
      taskQueue: settings.queues.workflow,
      workflowId,
      args: [
        {
          config: {
            runId: 'payloads',
            baseModel: 'sim-base',
            iterations: 1,
            agents: size.agents,
            rounds: size.rounds,
            task: { trainSize: size.questions, testSize: size.questions },
          },
        },
      ],
    });
    return measureHistories(client, size, workflowId);
  });
}

async function main(): Promise<void> {
  const sizes: [number, number, number][] = process.argv[2]
    ? JSON.parse(process.argv[2])
    : [
        [3, 2, 10],
        [3, 2, 100],
        [5, 3, 10],
        [9, 5, 10],
      ];
  for (const [agents, rounds, questions] of sizes) {
    const record = await measure({ agents, rounds, questions });
    process.stdout.write(`${JSON.stringify(record)}\n`);
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
