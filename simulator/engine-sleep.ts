/**
 * vLLM's sleep mode, simulated (docs/serving.md): POST /sleep?level=1|2, POST /wake_up, GET
 * /is_sleeping. While asleep the model routes answer 503 "engine is asleep", which is stricter than
 * vLLM (it holds such requests until the wake-up): a workflow that calls the engine while it sleeps
 * shows up in the log as a refused call instead of a stall; a chat call running when the engine falls
 * asleep is answered as vLLM answers it (200, finish_reason "abort"). Every sleep, wake, refusal and abort is logged
 * with its time and the fine-tuning job counts at that moment, so a test can assert the order of
 * sleep, finetune jobs and wake.
 */
import { HttpError } from './http';
import type { TrainingService } from './training';

export type SleepLevel = 1 | 2;

/** The fine-tuning jobs by status (and `total`), as GET /admin/state's `jobs`. */
export type JobCounts = ReturnType<TrainingService['counts']>;

/** One entry of GET /admin/sleep-log. `changed` is false for a sleep of an asleep engine or a wake of
 * an awake one (both answered 200, as vLLM does); `level` is the level slept at (for a wake: woken from);
 * `route` names a model call refused while asleep, or aborted by a sleep that came while it ran. */
export interface SleepEvent {
  event: 'sleep' | 'wake' | 'refused' | 'aborted';
  /** Epoch milliseconds, sub-millisecond precision (as the call records of GET /admin/calls). */
  atMs: number;
  level: SleepLevel | null;
  changed: boolean;
  route: string | null;
  jobs: JobCounts;
}

const nowMs = () => performance.timeOrigin + performance.now();

export class EngineSleep {
  private asleepAt: SleepLevel | null = null;
  /** Sleeps so far: a call that saw another value when it started was aborted by a sleep. */
  private sleeps = 0;
  readonly events: SleepEvent[] = [];

  constructor(private readonly jobCounts: () => JobCounts) {}

  get sleeping(): boolean {
    return this.asleepAt !== null;
  }

  get level(): SleepLevel | null {
    return this.asleepAt;
  }

  /** A token for a model call starting now; `abortedSince(token)` says whether a sleep came after it. */
  get epoch(): number {
    return this.sleeps;
  }

  abortedSince(epoch: number): boolean {
    return this.sleeping || this.sleeps !== epoch;
  }

  private record(event: SleepEvent['event'], level: SleepLevel | null, changed: boolean, route: string | null = null): void {
    this.events.push({ event, atMs: nowMs(), level, changed, route, jobs: this.jobCounts() });
  }

  /** Idempotent; an asleep engine keeps the level it fell asleep at (vLLM: "Executor is already sleeping."). */
  sleep(level: SleepLevel): SleepLevel {
    const changed = !this.sleeping;
    if (changed) {
      this.asleepAt = level;
      this.sleeps += 1;
    }
    this.record('sleep', this.asleepAt, changed);
    return this.asleepAt!;
  }

  /** Idempotent (vLLM: "Executor is not sleeping."). */
  wake(): void {
    const wokenFrom = this.asleepAt;
    this.asleepAt = null;
    this.record('wake', wokenFrom, wokenFrom !== null);
  }

  /** Throws the 503 for a model call made while asleep, and logs it. */
  refuseIfAsleep(route: string): void {
    if (!this.sleeping) return;
    this.record('refused', this.asleepAt, false, route);
    throw new HttpError(503, `engine is asleep (POST /sleep?level=${this.asleepAt}); POST /wake_up before calling ${route}`);
  }

  /** A model call that was running when the engine fell asleep, answered as vLLM does (finish_reason "abort"). */
  recordAborted(route: string): void {
    this.record('aborted', this.asleepAt, false, route);
  }

  /** Model calls refused while asleep, or aborted by a sleep: both 0 in a run that never calls the
   * engine while it sleeps, nor puts it to sleep while it answers. */
  count(event: 'refused' | 'aborted'): number {
    return this.events.filter((e) => e.event === event).length;
  }
}
