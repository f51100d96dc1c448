/**
 * The training activity: finetune one agent through the OpenAI fine-tuning API subset (files,
 * fine_tuning/jobs create / retrieve / list by metadata / cancel / events), which both maft's
 * gpu-runtime and hosted APIs speak. Creation is idempotent on a job key: a retried attempt finds
 * the job by its `maft_job_key` metadata and re-attaches instead of training twice.
 */
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import { createReadStream } from 'node:fs';
import type OpenAI from 'openai';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import type { ArtifactStore } from './artifact-store';
import { toActivityFailure } from './model-errors';

export interface FinetuneInput {
  /** Idempotency key, e.g. "run/l1/generation/2" (core/agents trainingJobKey). */
  jobKey: string;
  /** The agent's current model: the base in iteration 1, its previous finetuned model after. */
  model: string;
  /** Finetuning JSONL, relative to the artifact store. */
  trainingFile: string;
  /** The unique name the finetuned model should get. */
  suffix: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  method: 'lora' | 'full';
  lora: { rank: number; alpha: number; dropout: number };
}

export interface FinetuneResult {
  jobId: string;
  fineTunedModel: string;
  trainedTokens: number | null;
}

/** What the activity heartbeats: enough to re-attach and to show progress. */
export interface TrainingProgress {
  jobId: string;
  status: FineTuningJob['status'];
  step?: number;
  totalSteps?: number;
  loss?: number;
}

export interface TrainingOptions {
  pollIntervalMs: number;
}

const JOB_KEY = 'maft_job_key';

export function createTrainingActivities(client: OpenAI, store: ArtifactStore, options: TrainingOptions) {
  async function findJob(jobKey: string): Promise<FineTuningJob | undefined> {
    const page = await client.fineTuning.jobs.list({ metadata: { [JOB_KEY]: jobKey }, limit: 10 });
    return page.data.find((job) => job.metadata?.[JOB_KEY] === jobKey);
  }

  async function createJob(input: FinetuneInput): Promise<FineTuningJob> {
    const file = await client.files.create({ file: createReadStream(store.absolute(input.trainingFile)), purpose: 'fine-tune' });
    const body = {
      model: input.model,
      training_file: file.id,
      suffix: input.suffix,
      metadata: { [JOB_KEY]: input.jobKey },
      hyperparameters: { n_epochs: input.epochs, batch_size: input.batchSize },
      // maft's trainer reads these; see docs/architecture.md (training contract).
      maft_training: {
        learning_rate: input.learningRate,
        method: input.method,
        lora_rank: input.lora.rank,
        lora_alpha: input.lora.alpha,
        lora_dropout: input.lora.dropout,
      },
    };
    return client.fineTuning.jobs.create(body as OpenAI.FineTuning.JobCreateParams);
  }

  async function latestMetrics(jobId: string): Promise<Partial<TrainingProgress>> {
    const events = await client.fineTuning.jobs.listEvents(jobId, { limit: 1 });
    const data = events.data[0]?.data as { step?: number; total_steps?: number; train_loss?: number } | undefined;
    return data ? { step: data.step, totalSteps: data.total_steps, loss: data.train_loss } : {};
  }

  return {
    /** Finetune one agent (Algorithm 1, lines 27-28) and wait for its model, heartbeating progress. */
    async finetune(input: FinetuneInput): Promise<FinetuneResult> {
      const context = Context.current();
      const what = `training job ${input.jobKey}`;
      let job: FineTuningJob;
      try {
        job = (await findJob(input.jobKey)) ?? (await createJob(input));
      } catch (error) {
        toActivityFailure(error, what);
      }
      try {
        for (;;) {
          if (job.status === 'succeeded') {
            if (!job.fine_tuned_model) throw ApplicationFailure.nonRetryable(`${what}: succeeded without a model name`);
            return { jobId: job.id, fineTunedModel: job.fine_tuned_model, trainedTokens: job.trained_tokens ?? null };
          }
          if (job.status === 'failed' || job.status === 'cancelled') {
            throw ApplicationFailure.nonRetryable(
              `${what} (${job.id}) ${job.status}: ${job.error?.message ?? 'no reason given'}`,
              'TrainingJobFailed',
            );
          }
          context.heartbeat({ jobId: job.id, status: job.status, ...(await latestMetrics(job.id)) } satisfies TrainingProgress);
          await sleep(options.pollIntervalMs);
          job = await client.fineTuning.jobs.retrieve(job.id);
        }
      } catch (error) {
        if (context.cancellationSignal.aborted) {
          await client.fineTuning.jobs.cancel(job.id).catch(() => undefined);
        }
        if (error instanceof ApplicationFailure || context.cancellationSignal.aborted) throw error;
        toActivityFailure(error, what);
      }
    },
  };
}
