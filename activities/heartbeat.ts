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
