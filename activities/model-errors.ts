/**
 * How failures of OpenAI-compatible servers become Temporal activity failures. Retryable: 5xx, 408,
 * 409, 429 (honouring Retry-After), timeouts, refused or dropped connections. Not retryable: any
 * other 4xx (a bad request, an unknown model, a context-length error, typed ContextLengthExceeded),
 * carrying the server's message.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { APIConnectionError, APIError } from 'openai';

const RETRYABLE_STATUS = new Set([408, 409, 429]);
/** How vLLM, the gpu-runtime's server, OpenAI and the simulator word a prompt longer than the model's context. */
const CONTEXT_LENGTH = /maximum context length|context_length_exceeded|context window/i;

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after-ms') ?? undefined;
  if (value !== undefined && Number.isFinite(Number(value))) return Number(value);
  const seconds = headers?.get('retry-after');
  if (seconds === null || seconds === undefined) return undefined;
  if (Number.isFinite(Number(seconds))) return Number(seconds) * 1000;
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Rethrows `error` as the activity failure Temporal should see. */
export function toActivityFailure(error: unknown, what: string): never {
  if (error instanceof APIConnectionError) {
    throw ApplicationFailure.retryable(`${what}: ${error.message}`, 'ConnectionError');
  }
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    const message = `${what}: HTTP ${status}: ${error.message}`;
    if (status >= 500 || RETRYABLE_STATUS.has(status)) {
      const delay = status === 429 ? retryAfterMs(error.headers) : undefined;
      throw ApplicationFailure.create({ message, type: `HTTP${status}`, nonRetryable: false, nextRetryDelay: delay });
    }
    if (status === 400 && CONTEXT_LENGTH.test(error.message)) {
      throw ApplicationFailure.nonRetryable(
        `${what}: the conversation does not fit the model's context window (shorten the prompts, lower sampling.maxTokens or serve a longer context): HTTP 400: ${error.message}`,
        'ContextLengthExceeded',
      );
    }
    throw ApplicationFailure.nonRetryable(message, `HTTP${status}`);
  }
  throw error;
}
