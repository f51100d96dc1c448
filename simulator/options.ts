/**
 * The simulator's settings: what it serves (base models, skills), how fast it trains, and the
 * faults it injects. Fault settings can also be changed at runtime through POST /admin/faults.
 */
import { TOPICS, type Topic } from './topics';

/** One scripted failure for the next chat call (consumed in order, before any random fault). */
export type ScriptedFault = { status: 500 } | { status: 429; retryAfterSeconds?: number } | { drop: true } | { timeout: true };

/** Latency, capacity and fault injection. All rates are probabilities in [0, 1] per call. */
export interface FaultSettings {
  /** Mean simulated processing time of a chat call, in ms. */
  latencyMs: number;
  /** Uniform jitter added to latencyMs, in ms (+- jitterMs). */
  jitterMs: number;
  /** At most this many chat calls are processed at once; the rest wait FIFO. 0 = unlimited. */
  capacity: number;
  /** Probability of a 500 response. */
  error5xxRate: number;
  /** Probability of a 429 response with a Retry-After header. */
  rateLimitRate: number;
  /** The Retry-After value (seconds) of injected 429s. */
  retryAfterSeconds: number;
  /** Probability that a call is held open without an answer for timeoutHoldMs, then its socket is closed. */
  timeoutRate: number;
  /** How long a "timed out" call is held open, in ms. */
  timeoutHoldMs: number;
  /** Probability that the socket is destroyed without a response. */
  dropRate: number;
  /** Probability that a fine-tuning job fails at the end of its run. */
  failTrainingRate: number;
  /** Whether error5xxRate / rateLimitRate also apply to POST /v1/fine_tuning/jobs. */
  faultTrainingCreate: boolean;
  /** Scripted failures of the next chat calls, consumed in order. */
  failNextChatCalls: ScriptedFault[];
  /** A chat request whose message text is longer than this (in characters) gets vLLM's context-length 400. 0 = no limit. */
  contextLimitChars: number;
  /** Probability that a reply states no answer at all (no number in it): an unparseable model output. */
  unparseableRate: number;
  /** The next this-many fine-tuning jobs to finish fail (scripted, before failTrainingRate). */
  failNextTrainingJobs: number;
  /** Adapter names whose POST /v1/load_lora_adapter fails with vLLM's 400 "Loading lora NAME failed: ...". */
  refuseAdapters: string[];
}

export interface SimulatorOptions extends Partial<FaultSettings> {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (a random free port). */
  port?: number;
  /** Seed of every simulated draw; default 0. */
  seed?: number;
  /** Names of the base models served from the start; default ['sim-base']. */
  baseModels?: string[];
  /**
   * Base models' probability of a correct answer at the uniform start of the skill shares (Appendix G:
   * 1/3 per topic), in both roles: one probability for every topic, or one per topic (missing topics get 0.6).
   */
  baseSkill?: number | Partial<Record<Topic, number>>;
  /** Seeded relative differences of base models' skill shares, 1/3 * (1 + spread * u) renormalized, u in [-1, 1]; default 0. */
  skillSpread?: number;
  /** Simulated training time per example per epoch, in ms; default 2. */
  trainingMsPerExample?: number;
  /** Shortest simulated training run, in ms; default 5. */
  minTrainingMs?: number;
  /** At most this many fine-tuning jobs run at once; the rest stay queued. Default 64. */
  trainingSlots?: number;
  /** Keep every answered chat call's timings for GET /admin/calls (benchmarks); default false. */
  recordCalls?: boolean;
  /** Models POST /v1/embeddings serves; default ['sim-embed']. Empty: no embeddings endpoint (404), as a chat-only server. */
  embeddingModels?: string[];
  /** Whether POST /v1/completions scores echoed prompts; default true. False: no completions endpoint (404). */
  promptLogprobs?: boolean;
  /**
   * Like vLLM's LoRA resolvers (the engine of an object-store deployment): a request naming a model this
   * simulator trained but has not published loads it on first use, as POST /v1/load_lora_adapter would.
   * Default false: such a model is 404 until published.
   */
  loraResolver?: boolean;
  /** When set, every /v1 request must carry `Authorization: Bearer <apiKey>` (else OpenAI's 401). */
  apiKey?: string;
  /** Where log lines go; default nowhere. */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  seed: number;
  baseModels: string[];
  baseSkill: Record<Topic, number>;
  skillSpread: number;
  trainingMsPerExample: number;
  minTrainingMs: number;
  trainingSlots: number;
  recordCalls: boolean;
  embeddingModels: string[];
  promptLogprobs: boolean;
  loraResolver: boolean;
  apiKey: string | null;
  log: (line: string) => void;
  faults: FaultSettings;
}

export const DEFAULT_BASE_SKILL = 0.6;

export const DEFAULT_FAULTS: FaultSettings = {
  latencyMs: 0,
  jitterMs: 0,
  capacity: 0,
  error5xxRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  timeoutRate: 0,
  timeoutHoldMs: 60_000,
  dropRate: 0,
  failTrainingRate: 0,
  faultTrainingCreate: false,
  failNextChatCalls: [],
  contextLimitChars: 0,
  unparseableRate: 0,
  failNextTrainingJobs: 0,
  refuseAdapters: [],
};

const NUMERIC_FAULT_KEYS = [
  'latencyMs',
  'jitterMs',
  'capacity',
  'error5xxRate',
  'rateLimitRate',
  'retryAfterSeconds',
  'timeoutRate',
  'timeoutHoldMs',
  'dropRate',
  'failTrainingRate',
  'contextLimitChars',
  'unparseableRate',
  'failNextTrainingJobs',
] as const;
const RATE_KEYS = new Set(['error5xxRate', 'rateLimitRate', 'timeoutRate', 'dropRate', 'failTrainingRate', 'unparseableRate']);
const INTEGER_KEYS = new Set(['failNextTrainingJobs']);

/** Thrown for a bad setting; `field` names it. */
export class SettingError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function checkScripted(value: unknown, index: number): ScriptedFault {
  const field = `failNextChatCalls[${index}]`;
  if (typeof value !== 'object' || value === null) throw new SettingError(field, `${field} must be an object`);
  const v = value as Record<string, unknown>;
  if (v.drop === true) return { drop: true };
  if (v.timeout === true) return { timeout: true };
  if (v.status === 500) return { status: 500 };
  if (v.status === 429) {
    if (v.retryAfterSeconds !== undefined && (typeof v.retryAfterSeconds !== 'number' || v.retryAfterSeconds < 0)) {
      throw new SettingError(`${field}.retryAfterSeconds`, `${field}.retryAfterSeconds must be a non-negative number`);
    }
    return { status: 429, retryAfterSeconds: v.retryAfterSeconds as number | undefined };
  }
  throw new SettingError(field, `${field} must be {status:500}, {status:429, retryAfterSeconds?}, {drop:true} or {timeout:true}`);
}

/** Validates a partial fault-settings object (from options or POST /admin/faults) and merges it into `base`. */
export function mergeFaults(base: FaultSettings, patch: unknown): FaultSettings {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new SettingError('body', 'fault settings must be a JSON object');
  }
  const p = patch as Record<string, unknown>;
  const next: FaultSettings = { ...base, failNextChatCalls: [...base.failNextChatCalls], refuseAdapters: [...base.refuseAdapters] };
  for (const key of NUMERIC_FAULT_KEYS) {
    const value = p[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new SettingError(key, `${key} must be a non-negative number`);
    }
    if (RATE_KEYS.has(key) && value > 1) throw new SettingError(key, `${key} must be a probability in [0, 1]`);
    if (INTEGER_KEYS.has(key) && !Number.isInteger(value)) throw new SettingError(key, `${key} must be a whole number`);
    next[key] = value;
  }
  if (p.faultTrainingCreate !== undefined) {
    if (typeof p.faultTrainingCreate !== 'boolean') throw new SettingError('faultTrainingCreate', 'faultTrainingCreate must be a boolean');
    next.faultTrainingCreate = p.faultTrainingCreate;
  }
  if (p.failNextChatCalls !== undefined) {
    if (!Array.isArray(p.failNextChatCalls)) throw new SettingError('failNextChatCalls', 'failNextChatCalls must be an array');
    next.failNextChatCalls = p.failNextChatCalls.map(checkScripted);
  }
  if (p.refuseAdapters !== undefined) {
    if (!Array.isArray(p.refuseAdapters) || p.refuseAdapters.some((name) => typeof name !== 'string' || name === '')) {
      throw new SettingError('refuseAdapters', 'refuseAdapters must be an array of adapter names');
    }
    next.refuseAdapters = [...(p.refuseAdapters as string[])];
  }
  return next;
}

function checkNumber(name: string, value: number | undefined, fallback: number, min: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SettingError(name, `${name} must be a number in [${min}, ${max}]`);
  }
  return value;
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const baseModels = options.baseModels ?? ['sim-base'];
  if (!Array.isArray(baseModels) || baseModels.length === 0 || baseModels.some((m) => typeof m !== 'string' || m === '')) {
    throw new SettingError('baseModels', 'baseModels must be a non-empty list of model names');
  }
  const skill = options.baseSkill ?? DEFAULT_BASE_SKILL;
  const baseSkill = {} as Record<Topic, number>;
  for (const topic of TOPICS) {
    const value = typeof skill === 'number' ? skill : (skill[topic] ?? DEFAULT_BASE_SKILL);
    baseSkill[topic] = checkNumber(`baseSkill.${topic}`, value, DEFAULT_BASE_SKILL, 0, 1);
  }
  const embeddingModels = options.embeddingModels ?? ['sim-embed'];
  if (!Array.isArray(embeddingModels) || embeddingModels.some((m) => typeof m !== 'string' || m === '')) {
    throw new SettingError('embeddingModels', 'embeddingModels must be a list of model names');
  }
  for (const key of ['promptLogprobs', 'loraResolver'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new SettingError(key, `${key} must be a boolean`);
  const {
    host,
    port,
    seed,
    log,
    skillSpread,
    trainingMsPerExample,
    minTrainingMs,
    trainingSlots,
    recordCalls,
    promptLogprobs,
    loraResolver,
    apiKey,
    ...faultPatch
  } = options;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey === '')) throw new SettingError('apiKey', 'apiKey must be a non-empty string');
  delete (faultPatch as Record<string, unknown>).baseModels;
  delete (faultPatch as Record<string, unknown>).baseSkill;
  delete (faultPatch as Record<string, unknown>).embeddingModels;
  return {
    host: host ?? '127.0.0.1',
    port: checkNumber('port', port, 0, 0, 65535),
    seed: checkNumber('seed', seed, 0, -Infinity),
    baseModels: [...baseModels],
    baseSkill,
    skillSpread: checkNumber('skillSpread', skillSpread, 0, 0, 1),
    trainingMsPerExample: checkNumber('trainingMsPerExample', trainingMsPerExample, 2, 0),
    minTrainingMs: checkNumber('minTrainingMs', minTrainingMs, 5, 0),
    trainingSlots: Math.max(1, Math.floor(checkNumber('trainingSlots', trainingSlots, 64, 1))),
    recordCalls: recordCalls ?? false,
    embeddingModels: [...embeddingModels],
    promptLogprobs: promptLogprobs ?? true,
    loraResolver: loraResolver ?? false,
    apiKey: apiKey ?? null,
    log: log ?? (() => undefined),
    faults: mergeFaults(DEFAULT_FAULTS, faultPatch),
  };
}
