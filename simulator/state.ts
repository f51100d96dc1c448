/** Everything a running simulator holds, and the /admin/state snapshot of it. */
import { EngineSleep } from './engine-sleep';
import { CapacityGate, FaultInjector } from './faults';
import { FileStore } from './files';
import { ModelRegistry, type SimModel } from './models';
import type { ResolvedOptions } from './options';
import { correctProbability, ROLES } from './skills';
import { TOPICS } from './topics';
import { TrainingService } from './training';

export interface ChatCounters {
  /** Chat requests received (valid or not). */
  requests: number;
  /** Chat requests answered with a completion. */
  completed: number;
  /** Chat requests answered 4xx (bad body, unknown model, context length). */
  rejected: number;
  faults: { error5xx: number; rateLimit: number; timeout: number; drop: number };
  turns: { generation: number; critic: number; summary: number };
  /** Completions per model. */
  byModel: Record<string, number>;
}

function emptyCounters(): ChatCounters {
  return {
    requests: 0,
    completed: 0,
    rejected: 0,
    faults: { error5xx: 0, rateLimit: 0, timeout: 0, drop: 0 },
    turns: { generation: 0, critic: 0, summary: 0 },
    byModel: {},
  };
}

/** One answered chat call: when it arrived, when it got a capacity slot, when it was answered
 * (epoch milliseconds, sub-millisecond precision), and the caller's X-Request-Id. */
export interface CallRecord {
  requestId: string | null;
  model: string;
  arrivedMs: number;
  startedMs: number;
  finishedMs: number;
}

/** A model's probability of a correct answer per role and topic (skills.ts correctProbability). */
function accuracyOf(m: SimModel) {
  return Object.fromEntries(ROLES.map((role) => [role, Object.fromEntries(TOPICS.map((t) => [t, correctProbability(m.skills[role], m.baseAccuracy, t)]))]));
}

export class SimulatorState {
  readonly models: ModelRegistry;
  readonly files: FileStore;
  readonly faults: FaultInjector;
  readonly gate: CapacityGate;
  readonly training: TrainingService;
  /** vLLM's sleep mode: asleep, the model routes answer 503 (engine-sleep.ts). */
  readonly engine: EngineSleep;
  counters: ChatCounters = emptyCounters();
  /** Answered POST /v1/completions (scoring) and POST /v1/embeddings calls. */
  scoringCounters = { completions: 0, embeddings: 0 };
  /** Timings of answered chat calls, kept when `recordCalls` is on (benchmarks read them). */
  readonly calls: CallRecord[] = [];

  constructor(readonly options: ResolvedOptions) {
    this.models = new ModelRegistry(options.baseModels, options.baseSkill, options.seed, options.skillSpread, options.loraResolver);
    this.files = new FileStore(options.seed);
    this.faults = new FaultInjector(options.seed, options.faults);
    this.gate = new CapacityGate(options.faults.capacity);
    this.training = new TrainingService(options, this.files, this.models, this.faults, options.log);
    this.engine = new EngineSleep(() => this.training.counts());
  }

  resetCounters(): void {
    this.counters = emptyCounters();
    this.scoringCounters = { completions: 0, embeddings: 0 };
    this.gate.resetMax();
  }

  /** GET /admin/state. */
  snapshot() {
    return {
      simulator: true,
      note: 'maft simulator: seeded simulated agents, not a language model',
      seed: this.options.seed,
      baseModels: this.options.baseModels,
      models: this.models.all().map((m) => ({
        name: m.name,
        parent: m.parent,
        root: m.root,
        servable: m.servable,
        skills: m.skills,
        accuracy: accuracyOf(m),
        jobId: m.jobId,
        loraPath: m.loraPath,
        trainedOn: m.trainedOn,
        vocabularySize: m.vocabulary.size,
        createdAt: m.createdAt,
      })),
      jobs: this.training.counts(),
      files: this.files.size,
      chat: {
        ...this.counters,
        inFlight: this.gate.inFlight,
        maxInFlight: this.gate.maxInFlight,
        queued: this.gate.queued,
        maxQueued: this.gate.maxQueued,
      },
      scoring: { ...this.scoringCounters, embeddingModels: this.options.embeddingModels, promptLogprobs: this.options.promptLogprobs },
      faults: this.faults.current,
      engine: { sleeping: this.engine.sleeping, level: this.engine.level, refused: this.engine.count('refused'), aborted: this.engine.count('aborted') },
    };
  }
}
