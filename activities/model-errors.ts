/**
 * How failures of OpenAI-compatible servers become Temporal activity failures. Retryable: 5xx, 408,
 * 409, 429 (honouring Retry-After), timeouts, refused or dropped connections. Not retryable: any
 * other 4xx (a bad request, an unknown model, a context-length error), carrying the server's message.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { APIConnectionError, APIError } from 'openai';

const RETRYABLE_STATUS = new Set([408, 409, 429]);

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
    throw ApplicationFailure.nonRetryable(message, `HTTP${status}`);
  }
  throw error;
}
