/**
 * Step and loss of a run's training jobs in flight (Algorithm 1, lines 27-28), read from the
 * heartbeats of the pending `finetune` activities (activities/training.ts heartbeats
 * {jobKey, jobId, step, totalSteps, loss}) of the run's workflow and of its children other than
 * debates.
 */
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { TrainingProgress } from '../activities/training';

export interface TrainingJobProgress {
  /** "generation 2", "critic 1": the agent the job finetunes, numbered from 1 as in the paper. */
  agent: string;
  /** The fine-tuning job's status: queued, validating_files, running. */
  status: string;
  step?: number;
  totalSteps?: number;
  loss?: number;
  /** Activity attempt: above 1 when the job was re-attached after a retry. */
  attempt: number;
}

const ROLE_ORDER = ['generation', 'critic'];

/** "run/l1/critic/2" (core/agents trainingJobKey) -> "critic 2". */
function agentOf(jobKey: string): string {
  const [role, n] = jobKey.split('/').slice(-2);
  return `${role} ${n}`;
}

function byAgent(a: TrainingJobProgress, b: TrainingJobProgress): number {
  const [roleA, nA] = a.agent.split(' ');
  const [roleB, nB] = b.agent.split(' ');
  return ROLE_ORDER.indexOf(roleA) - ROLE_ORDER.indexOf(roleB) || Number(nA) - Number(nB);
}

type Activity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];

async function fromHeartbeat(client: Client, activity: Activity): Promise<TrainingJobProgress | undefined> {
  const payloads = activity.heartbeatDetails?.payloads;
  if (!payloads?.length) return undefined; // not started yet: no job to show
  const detail = await decodeFromPayloadsAtIndex<TrainingProgress>(client.options.loadedDataConverter, 0, payloads);
  if (!detail?.jobKey) return undefined;
  const { status, step, totalSteps, loss } = detail;
  return { agent: agentOf(detail.jobKey), status, step, totalSteps, loss, attempt: activity.attempt ?? 1 };
}

export async function trainingJobsInFlight(client: Client, workflowId: string): Promise<TrainingJobProgress[]> {
  const top = await client.workflow.getHandle(workflowId).describe();
  const children = (top.raw.pendingChildren ?? []).filter((c) => c.workflowTypeName !== 'debate' && c.workflowId);
  const described = await Promise.all(
    children.map((c) =>
      client.workflow
        .getHandle(c.workflowId!)
        .describe()
        .catch(() => undefined),
    ),
  );
  const activities = [top, ...described].flatMap((d) => d?.raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'finetune');
  const jobs = await Promise.all(activities.map((a) => fromHeartbeat(client, a)));
  return jobs.filter((j): j is TrainingJobProgress => j !== undefined).sort(byAgent);
}
