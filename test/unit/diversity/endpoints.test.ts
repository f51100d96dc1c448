import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIError } from 'openai';
import { metricCalls, MetricUnavailable } from '../../../activities/diversity-endpoints';
import { Semaphore } from '../../../core/semaphore';

/** One metric's calls through one engine of one slot. */
function oneSlot() {
  const call = metricCalls();
  const slots = new Semaphore(1);
  return <T>(what: string, work: () => Promise<T>) => call(what, slots, work);
}

const httpError = (status: number, message: string) => APIError.generate(status, { error: { message } }, undefined, new Headers());

describe('diversity endpoint calls', () => {
  it('a route or request the backend does not support makes the metric unavailable, and the waiting calls stop', async () => {
    const call = oneSlot();
    let later = 0;
    const first = call('POST /embeddings with e', () => Promise.reject(httpError(404, 'Unknown route POST /v1/embeddings')));
    const second = call('POST /embeddings with e', async () => ++later);
    await expect(first).rejects.toThrow(MetricUnavailable);
    await expect(first).rejects.toThrow('POST /embeddings with e: HTTP 404: 404 Unknown route POST /v1/embeddings');
    await expect(second).rejects.toThrow('HTTP 404');
    expect(later).toBe(0);
    for (const status of [400, 405, 422, 501]) {
      await expect(oneSlot()('x', () => Promise.reject(httpError(status, 'no')))).rejects.toThrow(MetricUnavailable);
    }
  });

  it('a reply without log-probabilities is passed on as the reason', async () => {
    const reason = new MetricUnavailable('POST /completions with m: the reply has no prompt log-probabilities');
    const error = await oneSlot()('x', () => Promise.reject(reason)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricUnavailable);
    expect((error as Error).message).toBe(reason.message);
  });

  it('other failures fail the activity as model calls do: 5xx and connections retryable, auth not', async () => {
    const call = oneSlot();
    const failed = await call('POST /completions with m', () => Promise.reject(httpError(503, 'busy'))).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApplicationFailure);
    expect(failed).toMatchObject({ nonRetryable: false, type: 'HTTP503' });
    // The calls after a failure stop with it instead of hitting the server.
    await expect(call('again', async () => 1)).rejects.toBe(failed);

    const auth = await oneSlot()('x', () => Promise.reject(httpError(401, 'bad key'))).catch((e: unknown) => e);
    expect(auth).toMatchObject({ nonRetryable: true, type: 'HTTP401' });
    const refused = await oneSlot()('x', () => Promise.reject(new APIConnectionError({ message: 'refused' }))).catch((e: unknown) => e);
    expect(refused).toMatchObject({ nonRetryable: false, type: 'ConnectionError' });
  });
});
