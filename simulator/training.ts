/**
 * Fine-tuning jobs (OpenAI fine-tuning API subset), run in the background with simulated durations.
 * A job validates its file, emits step/loss events, and on success registers a new model whose
 * skills specialized on what its training data got right (skills.ts, Appendix G). The new model is not servable
 * until it is published with POST /v1/load_lora_adapter.
 */
import { createRng, seedFrom } from '../core/random';
import type { FaultInjector } from './faults';
import { parseTrainingFile, type FileStore } from './files';
import { badRequest, HttpError } from './http';
import type { ModelRegistry } from './models';
import { assistantWords } from './scoring';
import { dataAccuracy, skillsAfterTraining, trainingData, type TrainingData } from './skills';

export interface Hyperparameters {
  n_epochs: number;
  batch_size: number;
  learning_rate_multiplier: number;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface FineTuningJob {
  id: string;
  object: 'fine_tuning.job';
  model: string;
  created_at: number;
  finished_at: number | null;
  fine_tuned_model: string | null;
  organization_id: 'maft-sim';
  result_files: string[];
  status: JobStatus;
  validation_file: null;
  training_file: string;
  hyperparameters: Hyperparameters;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  seed: number;
  metadata: Record<string, string> | null;
  estimated_finish: null;
  integrations: [];
  method: { type: 'supervised'; supervised: { hyperparameters: Hyperparameters } };
  user_provided_suffix: string | null;
}

export interface JobEvent {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  data: Record<string, number | string>;
  type: 'message' | 'metrics';
}

/** A job's creation, start (a slot taken) and end, epoch ms (null until then): GET /admin/jobs, for the benchmark. */
export type JobTiming = { id: string; model: string; status: JobStatus; createdMs: number; startedMs: number | null; finishedMs: number | null };

interface JobRecord {
  job: FineTuningJob;
  events: JobEvent[];
  /** Name the model will get on success. */
  targetName: string;
  timers: NodeJS.Timeout[];
  times: Pick<JobTiming, 'createdMs' | 'startedMs' | 'finishedMs'>;
}

export interface TrainingSettings {
  seed: number;
  trainingMsPerExample: number;
  minTrainingMs: number;
  trainingSlots: number;
}

export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

const now = (): number => Math.floor(Date.now() / 1000);
const nowMs = (): number => performance.timeOrigin + performance.now();

function positive(field: string, value: unknown, fallback: number, integer: boolean): number {
  if (value === undefined || value === null || value === 'auto') return fallback;
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isInteger(value))) {
    throw badRequest(field, `${field} must be 'auto' or a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

function parseHyperparameters(body: Record<string, unknown>): Hyperparameters {
  const method = body.method as { supervised?: { hyperparameters?: unknown } } | undefined;
  const raw = body.hyperparameters ?? method?.supervised?.hyperparameters ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('hyperparameters', 'hyperparameters must be an object');
  const h = raw as Record<string, unknown>;
  return {
    n_epochs: positive('hyperparameters.n_epochs', h.n_epochs, 1, true),
    batch_size: positive('hyperparameters.batch_size', h.batch_size, 1, true),
    learning_rate_multiplier: positive('hyperparameters.learning_rate_multiplier', h.learning_rate_multiplier, 1, false),
  };
}

function parseMetadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('metadata', 'metadata must be an object of strings');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw badRequest(`metadata.${k}`, `metadata.${k} must be a string`);
  }
  return { ...(value as Record<string, string>) };
}

export class TrainingService {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly order: string[] = [];
  private readonly queue: string[] = [];
  private running = 0;
  private counter = 0;
  private eventCounter = 0;
  private closed = false;
  private pumpTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: TrainingSettings,
    private readonly files: FileStore,
    private readonly models: ModelRegistry,
    private readonly faults: FaultInjector,
    private readonly log: (line: string) => void,
  ) {}

  /** POST /v1/fine_tuning/jobs. Idempotent on metadata.maft_job_key. */
  create(body: Record<string, unknown>): FineTuningJob {
    const model = body.model;
    if (typeof model !== 'string' || model === '') throw badRequest('model', 'model is required and must be a string');
    const trainingFile = body.training_file;
    if (typeof trainingFile !== 'string' || trainingFile === '') throw badRequest('training_file', 'training_file is required and must be a string');
    const hyperparameters = parseHyperparameters(body);
    const metadata = parseMetadata(body.metadata);
    const suffix = body.suffix ?? null;
    if (suffix !== null && (typeof suffix !== 'string' || suffix === '' || suffix.length > 256)) {
      throw badRequest('suffix', 'suffix must be a non-empty string of at most 256 characters');
    }
    if (body.seed !== undefined && body.seed !== null && !Number.isInteger(body.seed)) throw badRequest('seed', 'seed must be an integer');
    if (body.validation_file !== undefined && body.validation_file !== null) {
      throw badRequest('validation_file', 'validation_file is not supported by the simulator');
    }

    const key = metadata?.maft_job_key;
    if (key !== undefined) {
      const existing = this.order.map((id) => this.jobs.get(id)!).find((r) => r.job.metadata?.maft_job_key === key);
      if (existing) return { ...existing.job };
    }
    if (!this.models.get(model)) throw new HttpError(404, `The model \`${model}\` does not exist.`, 'model');
    const file = this.files.get(trainingFile);
    if (!file) throw badRequest('training_file', `invalid training_file: no file with id ${trainingFile}`);
    if (file.purpose !== 'fine-tune')
      throw badRequest('training_file', `invalid training_file: ${trainingFile} has purpose '${file.purpose}', not 'fine-tune'`);
    if (suffix !== null) {
      const claimed = [...this.jobs.values()].some((r) => r.job.user_provided_suffix === suffix && r.job.status !== 'failed' && r.job.status !== 'cancelled');
      if (claimed || this.models.get(suffix)) {
        throw badRequest('suffix', `suffix '${suffix}' is already used by another fine-tuning job or model`);
      }
    }

    this.counter += 1;
    const id = `ftjob-${seedFrom(this.settings.seed, 'job', this.counter).toString(16).padStart(8, '0')}${this.counter}`;
    const job: FineTuningJob = {
      id,
      object: 'fine_tuning.job',
      model,
      created_at: now(),
      finished_at: null,
      fine_tuned_model: null,
      organization_id: 'maft-sim',
      result_files: [],
      status: 'queued',
      validation_file: null,
      training_file: trainingFile,
      hyperparameters,
      trained_tokens: null,
      error: null,
      seed: typeof body.seed === 'number' ? body.seed : seedFrom(this.settings.seed, 'job-seed', this.counter) & 0x7fffffff,
      metadata,
      estimated_finish: null,
      integrations: [],
      method: { type: 'supervised', supervised: { hyperparameters } },
      user_provided_suffix: suffix as string | null,
    };
    const times = { createdMs: nowMs(), startedMs: null, finishedMs: null };
    const record: JobRecord = { job, events: [], targetName: (suffix as string | null) ?? `ft:${model}:maft-sim:${id}`, timers: [], times };
    this.jobs.set(id, record);
    this.order.push(id);
    this.queue.push(id);
    this.event(record, 'info', `Created fine-tuning job: ${id}`);
    this.log(`training: created ${id} (${model} on ${trainingFile})`);
    this.schedulePump();
    return { ...job };
  }

  get(id: string): FineTuningJob {
    return { ...this.record(id).job };
  }

  /** Newest first; `after` is the id of the last job of the previous page. */
  list(limit: number, after: string | undefined, metadata: Record<string, string>): Page<FineTuningJob> {
    let jobs = [...this.order].reverse().map((id) => this.jobs.get(id)!.job);
    jobs = jobs.filter((j) => Object.entries(metadata).every(([k, v]) => j.metadata?.[k] === v));
    return page(jobs, limit, after, (j) => j.id);
  }

  events(id: string, limit: number, after: string | undefined): Page<JobEvent> {
    return page([...this.record(id).events].reverse(), limit, after, (e) => e.id);
  }

  cancel(id: string): FineTuningJob {
    const record = this.record(id);
    const { job } = record;
    if (job.status === 'succeeded' || job.status === 'failed') {
      throw badRequest('fine_tuning_job_id', `Job ${id} has already finished with status ${job.status} and cannot be cancelled.`);
    }
    if (job.status === 'cancelled') return { ...job };
    if (job.status === 'running') this.running -= 1;
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.finish(record, 'cancelled');
    this.event(record, 'info', 'Fine-tuning job cancelled.');
    this.schedulePump();
    return { ...job };
  }

  /** Every job's timing, in creation order. */
  timings(): JobTiming[] {
    return this.order.map((id) => this.jobs.get(id)!).map(({ job, times }) => ({ id: job.id, model: job.model, status: job.status, ...times }));
  }

  counts(): Record<JobStatus | 'total', number> {
    const counts = { total: this.jobs.size, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    for (const r of this.jobs.values()) counts[r.job.status] += 1;
    return counts;
  }

  close(): void {
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    for (const r of this.jobs.values()) r.timers.forEach(clearTimeout);
  }

  private record(id: string): JobRecord {
    const record = this.jobs.get(id);
    if (!record) throw new HttpError(404, `No fine-tuning job with id ${id}.`, 'fine_tuning_job_id');
    return record;
  }

  private event(record: JobRecord, level: JobEvent['level'], message: string, data: JobEvent['data'] = {}): void {
    this.eventCounter += 1;
    const type = 'step' in data ? 'metrics' : 'message';
    record.events.push({ object: 'fine_tuning.job.event', id: `ftevent-${this.eventCounter}`, created_at: now(), level, message, data, type });
  }

  private finish(record: JobRecord, status: JobStatus): void {
    record.timers.forEach(clearTimeout);
    record.timers = [];
    record.job.status = status;
    record.job.finished_at = now();
    record.times.finishedMs = nowMs();
  }

  /** Starts queued jobs on the next tick, so a job is still 'queued' when its create call returns. */
  private schedulePump(): void {
    if (this.closed || this.pumpTimer) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      while (!this.closed && this.running < this.settings.trainingSlots && this.queue.length > 0) {
        this.start(this.jobs.get(this.queue.shift()!)!);
      }
    }, 0);
  }

  private start(record: JobRecord): void {
    const { job } = record;
    job.status = 'running';
    record.times.startedMs = nowMs();
    this.running += 1;
    this.event(record, 'info', 'Fine-tuning job started.');
    const file = this.files.get(job.training_file)!;
    const parsed = parseTrainingFile(this.files.content(file.id)!.toString('utf8'));
    if (!parsed.ok) {
      this.fail(record, 'invalid_training_file', `Training file ${file.id} (${file.filename}) line ${parsed.line}: ${parsed.message}`, 'training_file');
      return;
    }
    const { examples } = parsed;
    const { n_epochs: epochs, batch_size: batch } = job.hyperparameters;
    const totalSteps = Math.ceil(examples.length / batch) * epochs;
    const duration = Math.max(this.settings.minTrainingMs, this.settings.trainingMsPerExample * examples.length * epochs);
    const data = trainingData(examples);
    const rng = createRng(seedFrom(this.settings.seed, 'loss', job.id));
    const startLoss = 1.2 + 0.3 * rng();
    const floor = 0.15 + 0.5 * (1 - dataAccuracy(data));
    const ticks = Math.min(totalSteps, 10);
    for (let k = 1; k <= ticks; k++) {
      const step = Math.round((totalSteps * k) / ticks);
      const loss = floor + (startLoss - floor) * Math.exp((-4 * step) / totalSteps) + 0.03 * (rng() - 0.5);
      const timer = setTimeout(
        () => {
          this.event(record, 'info', `Step ${step}/${totalSteps}: training loss=${loss.toFixed(4)}`, {
            step,
            total_steps: totalSteps,
            train_loss: Number(loss.toFixed(4)),
            train_mean_token_accuracy: Number(Math.min(1, 1 - loss / 2).toFixed(4)),
          });
        },
        (duration * k) / (ticks + 1),
      );
      record.timers.push(timer);
    }
    record.timers.push(setTimeout(() => this.complete(record, examples, data), duration));
  }

  private fail(record: JobRecord, code: string, message: string, param: string | null): void {
    this.running -= 1;
    record.job.error = { code, message, param };
    this.finish(record, 'failed');
    this.event(record, 'error', message);
    this.log(`training: ${record.job.id} failed: ${message}`);
    this.schedulePump();
  }

  private complete(record: JobRecord, examples: { role: string; content: string }[][], data: TrainingData): void {
    const { job } = record;
    const faultKey = job.metadata?.maft_job_key ?? job.user_provided_suffix ?? job.id;
    if (this.faults.failTraining(faultKey)) {
      this.fail(record, 'simulated_failure', `Simulated training failure of job ${job.id} (injected fault); no model was produced.`, null);
      return;
    }
    const parent = this.models.get(job.model)!;
    const skills = skillsAfterTraining(parent.skills, data);
    this.models.register({
      name: record.targetName,
      parent: parent.name,
      root: parent.root,
      skills,
      baseAccuracy: parent.baseAccuracy,
      servable: false,
      createdAt: now(),
      jobId: job.id,
      loraPath: null,
      trainedOn: data,
      vocabulary: new Set([...parent.vocabulary, ...assistantWords(examples)]),
    });
    const chars = examples.reduce((sum, ex) => sum + ex.reduce((n, m) => n + m.content.length, 0), 0);
    job.trained_tokens = Math.ceil(chars / 4) * job.hyperparameters.n_epochs;
    job.fine_tuned_model = record.targetName;
    this.running -= 1;
    this.finish(record, 'succeeded');
    this.event(record, 'info', `New fine-tuned model created: ${record.targetName}`);
    this.event(record, 'info', 'The job has successfully completed');
    this.log(`training: ${job.id} succeeded -> ${record.targetName}`);
    this.schedulePump();
  }
}

function page<T>(items: T[], limit: number, after: string | undefined, idOf: (item: T) => string): Page<T> {
  let start = 0;
  if (after !== undefined) {
    const index = items.findIndex((item) => idOf(item) === after);
    start = index < 0 ? items.length : index + 1;
  }
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length };
}
