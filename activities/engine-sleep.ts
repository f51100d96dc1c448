/**
 * The inference engine's sleep mode (vLLM's, docs/serving.md), for a GPU the engine shares with the
 * trainer (config `colocated: true`): `sleepEngine` before the agents finetune gives the engine's GPU
 * memory back (level 1: the weights are copied to host memory, the KV cache dropped), `wakeEngine`
 * after takes it again. vLLM serves the routes beside /v1, at the server's root, when started with
 * sleep mode (the launcher's MAFT_VLLM_SLEEP_MODE=1). Both activities are idempotent, as vLLM is (a
 * sleep of an asleep engine and a wake of an awake one answer 200), and each confirms the state it
 * asked for with GET /is_sleeping. Failures are those of every engine call (model-errors.ts):
 * refused connections and 5xx are retried; an engine without the routes fails for good, saying how
 * to start it. With several engines (one per base model) each sleeps and wakes: they all share the GPUs
 * the trainer needs.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import { heartbeating } from './heartbeat';
import { toActivityFailure } from './model-errors';

/** Level 1 keeps the weights in host memory, so a wake-up needs no reload from disk. maft never changes
 * the base weights, which is what level 2 is for (and vLLM's level 2 with LoRA enabled has had bugs). */
const SLEEP_LEVEL = 1;

/** The server's root: the OpenAI base URL without its /v1. */
export function engineRoot(client: OpenAI): string {
  return client.baseURL.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** Sleep and wake of one engine. */
function engineSleep(client: OpenAI) {
  const root = engineRoot(client);

  async function call(method: 'get' | 'post', route: string, query?: Record<string, number>): Promise<unknown> {
    const what = `${method.toUpperCase()} ${root}${route}`;
    try {
      return await client[method]<unknown>(`${root}${route}`, query ? { query } : undefined);
    } catch (error) {
      if (error instanceof APIError && (error.status === 404 || error.status === 405)) {
        throw ApplicationFailure.nonRetryable(
          `${what}: HTTP ${error.status}: the inference engine has no sleep mode. Start vLLM with it (the launcher's MAFT_VLLM_SLEEP_MODE=1: --enable-sleep-mode and VLLM_SERVER_DEV_MODE=1), or run with colocated: false`,
          'EngineSleepUnavailable',
        );
      }
      toActivityFailure(error, what);
    }
  }

  async function isSleeping(): Promise<boolean> {
    const answer = await call('get', '/is_sleeping');
    const sleeping = (answer as { is_sleeping?: unknown } | null)?.is_sleeping;
    if (typeof sleeping !== 'boolean') {
      throw ApplicationFailure.nonRetryable(
        `GET ${root}/is_sleeping answered ${JSON.stringify(answer)}, not {"is_sleeping": true|false}`,
        'EngineSleepUnavailable',
      );
    }
    return sleeping;
  }

  return {
    async sleep(): Promise<void> {
      await call('post', '/sleep', { level: SLEEP_LEVEL });
      if (!(await isSleeping())) {
        throw ApplicationFailure.retryable(`the inference engine at ${root} answered POST /sleep, but GET /is_sleeping says it is awake`, 'EngineAwake');
      }
    },
    async wake(): Promise<void> {
      await call('post', '/wake_up');
      if (await isSleeping()) {
        throw ApplicationFailure.retryable(`the inference engine at ${root} answered POST /wake_up, but GET /is_sleeping says it still sleeps`, 'EngineAsleep');
      }
    },
  };
}

/** Every engine's sleep and wake (each engine's call is idempotent, so a retry redoes them all). */
export function createEngineSleepActivities(clients: OpenAI[]) {
  const engines = clients.map(engineSleep);
  return {
    /** POST /sleep?level=1, then GET /is_sleeping must say true, on every engine. Calls in flight at that
     * moment are aborted by vLLM (finish_reason "abort"; createChatTurn retries them): call it when no debate runs. */
    async sleepEngine(): Promise<void> {
      await heartbeating(() => Promise.all(engines.map((e) => e.sleep())));
    },

    /** POST /wake_up, then GET /is_sleeping must say false, on every engine. */
    async wakeEngine(): Promise<void> {
      await heartbeating(() => Promise.all(engines.map((e) => e.wake())));
    },
  };
}
