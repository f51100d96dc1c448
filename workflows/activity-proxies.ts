/** Activity stubs per task queue: light work beside the workflows, model calls, training jobs. */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RunConfig } from '../core/config';

export function lightActivities(queues: RunConfig['queues']) {
  return proxyActivities<Activities>({
    taskQueue: queues.workflow,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '15 seconds', // the activities heartbeat: a killed worker is noticed in seconds
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
}

export function inferenceActivities(queues: RunConfig['queues']) {
  return proxyActivities<Activities>(inferenceOptions(queues));
}

/** The inference queue's options; with a `summary`, a call reads as a line of the algorithm in the UI. */
export function inferenceOptions(queues: RunConfig['queues'], summary?: string): ActivityOptions {
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
export function debateActivityOptions(queues: RunConfig['queues'], summary: string): ActivityOptions {
  return { ...inferenceOptions(queues, summary), startToCloseTimeout: '2 hours' };
}

export function trainingActivities(queues: RunConfig['queues']) {
  return proxyActivities<Activities>(trainingOptions(queues));
}

export function trainingOptions(queues: RunConfig['queues'], summary?: string): ActivityOptions {
  return {
    summary,
    taskQueue: queues.training,
    startToCloseTimeout: '48 hours',
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  };
}
