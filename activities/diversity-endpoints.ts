/**
 * The endpoints the diversity metrics call (docs/diversity.md): POST /v1/completions with echo and
 * logprobs (vLLM's prompt log-probabilities) and POST /v1/embeddings. A backend that cannot answer
 * (404 or 405 for a missing route, 400 or 422 for a request it does not support, 501, or a reply
 * without log-probabilities) makes the metric unavailable with that reason; every other failure is
 * treated as a failed model call (activities/model-errors.ts), so Temporal retries what is retryable.
 */
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { EchoedLogprobs } from '../core/diversity/likelihood';
import type { Measured } from '../core/diversity/metrics';
import type { Semaphore } from '../core/semaphore';
import { toActivityFailure } from './model-errors';

/** The backend cannot supply a metric; the message is the reason DiversityMetrics.unavailable reports. */
export class MetricUnavailable extends Error {}

const UNSUPPORTED = new Set([400, 404, 405, 422, 501]);

function unavailableReason(error: unknown, what: string): string | undefined {
  if (error instanceof MetricUnavailable) return error.message;
  if (error instanceof APIError && error.status !== undefined && UNSUPPORTED.has(error.status)) return `${what}: HTTP ${error.status}: ${error.message}`;
  return undefined;
}

/**
 * One metric's calls, each through the semaphore of the engine it goes to. After the first call that
 * finds the metric unavailable, or fails, the calls still waiting stop at once with the same outcome.
 */
export function metricCalls() {
  let stopped: Error | undefined;
  return <T>(what: string, slots: Semaphore, call: () => Promise<T>): Promise<T> =>
    slots.use(async () => {
      if (stopped) throw stopped;
      try {
        return await call();
      } catch (error) {
        const reason = unavailableReason(error, what);
        if (reason === undefined) {
          try {
            toActivityFailure(error, what);
          } catch (failure) {
            stopped ??= failure as Error;
            throw failure;
          }
        }
        stopped ??= new MetricUnavailable(reason);
        throw new MetricUnavailable(reason);
      }
    });
}

/** The log-probabilities of every token of `prompt` under `model` (echo, one generated token ignored). */
export async function echoLogprobs(client: OpenAI, model: string, prompt: string): Promise<EchoedLogprobs> {
  const completion = await client.completions.create({ model, prompt, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 });
  const logprobs = completion.choices[0]?.logprobs;
  const { tokens, token_logprobs, text_offset } = logprobs ?? {};
  if (!Array.isArray(tokens) || !Array.isArray(token_logprobs) || !Array.isArray(text_offset)) {
    throw new MetricUnavailable(`POST /completions with ${model}: the reply has no prompt log-probabilities (echo: true, logprobs: 1)`);
  }
  return { tokens, token_logprobs, text_offset };
}

/** One embedding per text, in the order of `texts`. */
export async function embed(client: OpenAI, model: string, texts: string[]): Promise<number[][]> {
  const response = await client.embeddings.create({ model, input: texts, encoding_format: 'float' });
  const vectors = new Array<number[]>(texts.length);
  for (const item of response.data ?? []) vectors[item.index] = item.embedding;
  if (texts.some((_, k) => !Array.isArray(vectors[k]) || vectors[k].some((x) => typeof x !== 'number'))) {
    throw new MetricUnavailable(`POST /embeddings with ${model}: the reply does not hold one embedding (a list of numbers) per input`);
  }
  return vectors;
}

/** Runs a pure computation on what a backend returned; an error (e.g. tokens that do not line up) makes the metric unavailable. */
export function unavailableIfThrows<T>(what: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    throw new MetricUnavailable(`${what}: ${(error as Error).message}`);
  }
}

/** Waits for every question; a failure fails the activity, else the first unavailability is the metric's reason. */
export async function settle<T>(work: Array<Promise<T>>): Promise<Measured<T[]>> {
  const results = await Promise.allSettled(work);
  const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const failure = rejected.find((reason) => !(reason instanceof MetricUnavailable));
  if (failure !== undefined) throw failure;
  if (rejected.length > 0) return { ok: false, reason: (rejected[0] as MetricUnavailable).message };
  return { ok: true, value: results.map((r) => (r as PromiseFulfilledResult<T>).value) };
}
