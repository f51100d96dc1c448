/**
 * Activity stubs per task queue, typed by the queue's contract (activities/contracts.ts): light work
 * beside the workflows, model calls, training jobs. The queue names are the run's config, so each
 * workflow builds its stubs once, at its start (`queueActivities`), and hands them to its steps.
 */
import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { InferenceQueueActivities, TrainingQueueActivities, WorkflowQueueActivities } from '../activities/contracts';
import type { RunConfig } from '../core/config';

export type Queues = RunConfig['queues'];

/** The stubs of each queue's activities: what the worker of that queue registers is what is callable. */
export interface QueueActivities {
  light: ActivityInterfaceFor<WorkflowQueueActivities>;
  inference: ActivityInterfaceFor<InferenceQueueActivities>;
  training: ActivityInterfaceFor<TrainingQueueActivities>;
}

export function queueActivities(queues: Queues): QueueActivities {
  return {
    light: proxyActivities<WorkflowQueueActivities>({
      taskQueue: queues.workflow,
      startToCloseTimeout: '10 minutes',
      heartbeatTimeout: '15 seconds', // the activities heartbeat: a killed worker is noticed in seconds
      retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
    }),
    inference: proxyActivities<InferenceQueueActivities>(inferenceOptions(queues)),
    training: proxyActivities<TrainingQueueActivities>(trainingOptions(queues)),
  };
}

/** The inference queue's options; with a `summary`, a call reads as a line of the algorithm in the UI. */
function inferenceOptions(queues: Queues, summary?: string): ActivityOptions {
  return {
    summary,
    taskQueue: queues.inference,
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '15 seconds', // the activities heartbeat while their calls run: a killed worker is noticed in seconds
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  };
}

/** A whole debate: M rounds of up to two model calls in sequence (summary, then answer), each possibly
 * queued at the engine. Its heartbeats catch a dead worker in seconds; this bounds only a hung one. */
export function debateActivityOptions(queues: Queues, summary: string): ActivityOptions {
  return { ...inferenceOptions(queues, summary), startToCloseTimeout: '2 hours' };
}

export function trainingOptions(queues: Queues, summary?: string): ActivityOptions {
  return {
    summary,
    taskQueue: queues.training,
    startToCloseTimeout: '48 hours',
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  };
}
