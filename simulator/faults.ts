/**
 * Fault injection, latency and capacity for chat calls. Draws come from their own PRNG streams,
 * seeded by (simulator seed, request, how many times that request was seen), so faults never change
 * what an agent answers, and a retried request gets a fresh draw.
 */
import { createRng, seedFrom } from '../core/random';
import { mergeFaults, type FaultSettings } from './options';

export type FaultDecision = { kind: 'none' } | { kind: 'error5xx' } | { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'timeout' } | { kind: 'drop' };

export class FaultInjector {
  private settings: FaultSettings;
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly seed: number,
    settings: FaultSettings,
  ) {
    this.settings = settings;
  }

  get current(): FaultSettings {
    return { ...this.settings, failNextChatCalls: [...this.settings.failNextChatCalls], refuseAdapters: [...this.settings.refuseAdapters] };
  }

  /** Merges a partial settings object (validated; throws SettingError). */
  update(patch: unknown): FaultSettings {
    this.settings = mergeFaults(this.settings, patch);
    return this.current;
  }

  /** A fresh draw stream for this occurrence of a request. */
  private stream(purpose: string, key: string): () => number {
    const id = `${purpose}:${key}`;
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    return createRng(seedFrom(this.seed, 'fault', purpose, key, attempt));
  }

  /** The fault (if any) for a chat call: scripted faults first, then one draw against the rates. */
  decideChat(key: string): FaultDecision {
    const scripted = this.settings.failNextChatCalls.shift();
    const s = this.settings;
    if (scripted) {
      if ('drop' in scripted) return { kind: 'drop' };
      if ('timeout' in scripted) return { kind: 'timeout' };
      if (scripted.status === 500) return { kind: 'error5xx' };
      return { kind: 'rateLimit', retryAfterSeconds: scripted.retryAfterSeconds ?? s.retryAfterSeconds };
    }
    if (s.dropRate + s.timeoutRate + s.error5xxRate + s.rateLimitRate === 0) return { kind: 'none' };
    const u = this.stream('chat', key)();
    let edge = s.dropRate;
    if (u < edge) return { kind: 'drop' };
    if (u < (edge += s.timeoutRate)) return { kind: 'timeout' };
    if (u < (edge += s.error5xxRate)) return { kind: 'error5xx' };
    if (u < (edge += s.rateLimitRate)) return { kind: 'rateLimit', retryAfterSeconds: s.retryAfterSeconds };
    return { kind: 'none' };
  }

  /** The fault (500 or 429 only) for creating a fine-tuning job, when faultTrainingCreate is on. */
  decideCreate(key: string): FaultDecision {
    const s = this.settings;
    if (!s.faultTrainingCreate || s.error5xxRate + s.rateLimitRate === 0) return { kind: 'none' };
    const u = this.stream('create', key)();
    if (u < s.error5xxRate) return { kind: 'error5xx' };
    if (u < s.error5xxRate + s.rateLimitRate) return { kind: 'rateLimit', retryAfterSeconds: s.retryAfterSeconds };
    return { kind: 'none' };
  }

  /** Simulated processing time of a chat call: latencyMs +- jitterMs, uniform. */
  latency(key: string): number {
    const { latencyMs, jitterMs } = this.settings;
    if (latencyMs === 0 && jitterMs === 0) return 0;
    const u = this.stream('latency', key)();
    return Math.max(0, latencyMs + (2 * u - 1) * jitterMs);
  }

  /** Whether a training job fails: one of the scripted failNextTrainingJobs, else a draw against failTrainingRate. */
  failTraining(key: string): boolean {
    if (this.settings.failNextTrainingJobs > 0) {
      this.settings.failNextTrainingJobs -= 1;
      return true;
    }
    const rate = this.settings.failTrainingRate;
    return rate > 0 && this.stream('training', key)() < rate;
  }

  /** Whether the reply to this request states no answer (unparseableRate). One draw per request, not
   * per attempt: a retried request gets the same reply, as from a real model with a fixed seed. */
  unparseable(key: string): boolean {
    const rate = this.settings.unparseableRate;
    return rate > 0 && createRng(seedFrom(this.seed, 'unparseable', key))() < rate;
  }

  refusesAdapter(name: string): boolean {
    return this.settings.refuseAdapters.includes(name);
  }

  get timeoutHoldMs(): number {
    return this.settings.timeoutHoldMs;
  }

  get contextLimitChars(): number {
    return this.settings.contextLimitChars;
  }

  get capacity(): number {
    return this.settings.capacity;
  }
}

/** A FIFO gate that lets at most `limit` holders in at once (0 = unlimited), with counters. */
export class CapacityGate {
  private readonly waiting: Array<() => void> = [];
  inFlight = 0;
  maxInFlight = 0;
  maxQueued = 0;

  constructor(private limit: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  setLimit(limit: number): void {
    this.limit = limit;
    this.pump();
  }

  resetMax(): void {
    this.maxInFlight = this.inFlight;
    this.maxQueued = this.waiting.length;
  }

  /** Waits for a slot; call the returned function exactly once to free it. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inFlight -= 1;
          this.pump();
        });
      });
      this.pump();
      this.maxQueued = Math.max(this.maxQueued, this.waiting.length);
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && (this.limit <= 0 || this.inFlight < this.limit)) {
      this.waiting.shift()!();
    }
  }
}
