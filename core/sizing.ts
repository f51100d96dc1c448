/**
 * Sizing from one declared number, the inference engine's capacity C (the calls it runs at once:
 * vLLM's max_num_seqs, or a hosted API's concurrency limit). The engine is kept full when at least
 * C calls are always in flight: a debate (one activity) has up to N calls in flight from its start
 * to its end, fewer while a round waits for its slowest answer, and none between its end and the
 * next debate's first call (Temporal closes the child, starts the next and dispatches its
 * activity), so twice C/N debates at once cover the gaps with calls waiting for a slot.
 */
export function debateFanOut(inferenceCapacity: number, agents: number): number {
  return Math.max(1, Math.ceil((2 * inferenceCapacity) / agents));
}

export interface WorkerSizing {
  /** Model calls in flight from one inference worker process (its semaphore). */
  maxConcurrentCalls: number;
  /** Debate activities one inference worker runs at once: each holds up to N calls, the semaphore caps them. */
  inferenceActivitySlots: number;
  /** Pollers of the inference task queue: enough to hand out the debates' activity tasks quickly. */
  inferencePollers: number;
  /** Workflow executions kept in the worker's cache: every debate in flight (at most 2C, for N >= 1)
   * plus the runs and their evaluations. */
  cachedWorkflows: number;
}

export function workerSizing(inferenceCapacity: number): WorkerSizing {
  return {
    maxConcurrentCalls: inferenceCapacity,
    inferenceActivitySlots: inferenceCapacity,
    inferencePollers: Math.min(16, Math.max(2, Math.ceil(inferenceCapacity / 16))),
    cachedWorkflows: Math.max(1000, debateFanOut(inferenceCapacity, 1) + 10),
  };
}
