/**
 * The training activity: finetune one agent through the OpenAI fine-tuning API subset (files,
 * fine_tuning/jobs create / retrieve / list by metadata / cancel / events), which both maft's
 * gpu-runtime and hosted APIs speak. Creation is idempotent on a job key: a retried attempt finds
 * the job by its `maft_job_key` metadata and re-attaches instead of training twice.
 *
 * A job that fails for a reason a new job may not meet again (its process crashed, was killed or ran
 * out of memory) is created again under the next attempt key, `<jobKey>/attempt-<k>`, at most
 * JOB_ATTEMPTS jobs in all. Each attempt key is created at most once, so a retried activity walks the
 * same chain and re-attaches to the newest attempt. A failure that names a field of the request
 * (`error.param`: the training file, the model, the suffix) would fail every new job the same way, so
 * it fails the activity at once.
 */
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import { trainingSeed } from '../core/agents';
import type { ArtifactStore } from './artifact-store';
import { toActivityFailure } from './model-errors';

export interface FinetuneInput {
  /** Idempotency key, e.g. "run/l1/generation/2" (core/agents trainingJobKey). */
  jobKey: string;
  /** The agent's current model: the base in iteration 1, its previous finetuned model after. */
  model: string;
  /** The agent's base model, sent as the job's metadata `maft_base_model`; its engine's trainer, where
   * it has one (core/engines.ts trainingUrl), trains it. Omitted (histories before engine routing): `model`. */
  baseModel?: string;
  /** Finetuning JSONL, relative to the artifact store. */
  trainingFile: string;
  /** The unique name the finetuned model should get. */
  suffix: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  method: 'lora' | 'full';
  lora: { rank: number; alpha: number; dropout: number };
}

export interface FinetuneResult {
  jobId: string;
  fineTunedModel: string;
  trainedTokens: number | null;
}

/** What the activity heartbeats: enough to re-attach and to show progress (`maft run` reads it). */
export interface TrainingProgress {
  /** The agent's job key (core/agents trainingJobKey), whichever attempt runs. */
  jobKey: string;
  jobId: string;
  status: FineTuningJob['status'];
  step?: number;
  totalSteps?: number;
  loss?: number;
}

export interface TrainingOptions {
  pollIntervalMs: number;
  /** The trainer of a base model's jobs when its engine has its own; undefined: the default client. */
  trainerFor?: (model: string, baseModel?: string) => OpenAI | undefined;
}

const JOB_KEY = 'maft_job_key';
const BASE_MODEL = 'maft_base_model';

/** Training jobs per agent per iteration, first attempt included. */
export const JOB_ATTEMPTS = 3;

/** The idempotency key of attempt k (1-based) of a job. */
export function attemptKey(jobKey: string, attempt: number): string {
  return attempt === 1 ? jobKey : `${jobKey}/attempt-${attempt}`;
}

/** Why a job ended without a model, and whether a new job could do better. */
function outcome(job: FineTuningJob): { reason: string; permanent: boolean } {
  const error = job.error as { code?: string; message?: string; param?: string | null } | null | undefined;
  const reason = `${job.id} ${job.status}: ${error?.message ?? 'no reason given'}`;
  return { reason, permanent: job.status === 'cancelled' || Boolean(error?.param) || error?.code === 'invalid_training_file' };
}

export function createTrainingActivities(defaultClient: OpenAI, store: ArtifactStore, options: TrainingOptions) {
  const trainerOf = (input: FinetuneInput): OpenAI => options.trainerFor?.(input.model, input.baseModel) ?? defaultClient;

  async function findJob(client: OpenAI, jobKey: string): Promise<FineTuningJob | undefined> {
    const page = await client.fineTuning.jobs.list({ metadata: { [JOB_KEY]: jobKey }, limit: 10 });
    return page.data.find((job) => job.metadata?.[JOB_KEY] === jobKey);
  }

  async function createJob(client: OpenAI, input: FinetuneInput, jobKey: string): Promise<FineTuningJob> {
    // The training file comes from the artifact store (a directory or object storage) and goes to the
    // trainer through the files API, so the trainer needs no access to the store for it.
    const bytes = await store.readBytes(input.trainingFile);
    const file = await client.files.create({ file: await toFile(bytes, input.trainingFile.split('/').pop()), purpose: 'fine-tune' });
    const body = {
      model: input.model,
      training_file: file.id,
      suffix: input.suffix,
      // The same seed for every attempt of the agent's job: a job created again trains what the first would have.
      seed: trainingSeed(input.jobKey),
      metadata: { [JOB_KEY]: jobKey, ...(input.baseModel === undefined ? {} : { [BASE_MODEL]: input.baseModel }) },
      hyperparameters: { n_epochs: input.epochs, batch_size: input.batchSize },
      // maft's trainer reads these; see docs/architecture.md (training contract).
      maft_training: {
        learning_rate: input.learningRate,
        weight_decay: input.weightDecay,
        method: input.method,
        lora_rank: input.lora.rank,
        lora_alpha: input.lora.alpha,
        lora_dropout: input.lora.dropout,
      },
    };
    return client.fineTuning.jobs.create(body as OpenAI.FineTuning.JobCreateParams);
  }

  /** The newest metrics event among the latest few (messages such as checkpoints come between them). */
  async function latestMetrics(client: OpenAI, jobId: string): Promise<Partial<TrainingProgress>> {
    const events = await client.fineTuning.jobs.listEvents(jobId, { limit: 20 });
    const metrics = events.data.map((e) => e.data as { step?: number; total_steps?: number; train_loss?: number } | undefined);
    const data = metrics.find((d) => typeof d?.step === 'number');
    return data ? { step: data.step, totalSteps: data.total_steps, loss: data.train_loss } : {};
  }

  /** Waits for a job to end, heartbeating its progress; cancels it only when the workflow asked to. */
  async function awaitJob(client: OpenAI, context: Context, started: FineTuningJob, jobKey: string, what: string): Promise<FineTuningJob> {
    let job = started;
    try {
      while (job.status !== 'succeeded' && job.status !== 'failed' && job.status !== 'cancelled') {
        context.heartbeat({ jobKey, jobId: job.id, status: job.status, ...(await latestMetrics(client, job.id)) } satisfies TrainingProgress);
        await sleep(options.pollIntervalMs);
        job = await client.fineTuning.jobs.retrieve(job.id);
      }
      return job;
    } catch (error) {
      // A cancelled run cancels its jobs. An activity abandoned for another reason (the run failed
      // elsewhere, a timeout, the worker shutting down) leaves the job training: a retry or a rerun of
      // the run re-attaches to it by its key.
      if (context.cancellationDetails?.cancelRequested) {
        await client.fineTuning.jobs.cancel(job.id).catch(() => undefined);
      }
      if (context.cancellationSignal.aborted) throw error;
      toActivityFailure(error, what);
    }
  }

  return {
    /** Finetune one agent (Algorithm 1, lines 27-28) and wait for its model, heartbeating progress. */
    async finetune(input: FinetuneInput): Promise<FinetuneResult> {
      const context = Context.current();
      const client = trainerOf(input);
      const failures: string[] = [];
      for (let attempt = 1; failures.length < JOB_ATTEMPTS; attempt++) {
        const jobKey = attemptKey(input.jobKey, attempt);
        const what = `training job ${jobKey}`;
        let job: FineTuningJob;
        try {
          const found = await findJob(client, jobKey);
          // Cancelled with an earlier, cancelled execution of the run: the resumed run trains anew
          // under the next key (this is not a failure of the job).
          if (found?.status === 'cancelled') continue;
          job = found ?? (await createJob(client, input, jobKey));
        } catch (error) {
          toActivityFailure(error, what);
        }
        job = await awaitJob(client, context, job, input.jobKey, what);
        if (job.status === 'succeeded') {
          if (!job.fine_tuned_model) throw ApplicationFailure.nonRetryable(`${what}: succeeded without a model name`);
          return { jobId: job.id, fineTunedModel: job.fine_tuned_model, trainedTokens: job.trained_tokens ?? null };
        }
        const { reason, permanent } = outcome(job);
        failures.push(`attempt ${attempt} (${jobKey}): ${reason}`);
        if (permanent) break;
      }
      throw ApplicationFailure.nonRetryable(
        `training job ${input.jobKey} failed after ${failures.length} attempt(s): ${failures.join('; ')}`,
        'TrainingJobFailed',
      );
    },
  };
}
