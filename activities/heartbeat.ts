/**
 * Heartbeats while an activity works, so that Temporal notices a killed worker within the
 * activity's heartbeat timeout (seconds) instead of its start-to-close timeout (minutes) and
 * retries the work elsewhere. Outside an activity (the benchmark's reference) it just runs.
 */
import { Context } from '@temporalio/activity';

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export async function heartbeating<T>(work: () => Promise<T>, everyMs = 3_000): Promise<T> {
  const context = activityContext();
  if (!context) return work();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * `heartbeating` for work that can resume: `work` gets the last checkpoint of the previous attempt
 * (undefined on a first attempt) and a `checkpoint` function, whose latest details every heartbeat
 * carries (every `everyMs`; the SDK throttles further), so a retried attempt starts after the last
 * checkpoint that reached the server instead of redoing that work. Work shorter than `everyMs` sends
 * no heartbeat at all: Temporal counts the heartbeat timeout from the attempt's start.
 */
export async function checkpointing<C, T>(work: (resumed: C | undefined, checkpoint: (details: C) => void) => Promise<T>, everyMs = 3_000): Promise<T> {
  const context = activityContext();
  if (!context) return work(undefined, () => undefined);
  let latest = context.info.heartbeatDetails as C | undefined;
  const timer = setInterval(() => context.heartbeat(latest), everyMs);
  try {
    return await work(latest, (details) => (latest = details));
  } finally {
    clearInterval(timer);
  }
}
