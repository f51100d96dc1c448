/**
 * vLLM's sleep-mode routes (its entrypoints/serve/dev/sleep/api_router.py, served with
 * VLLM_SERVER_DEV_MODE=1), their answers as vLLM 0.32.0 gives them, and GET /admin/sleep-log.
 * engine-sleep.ts holds the state.
 */
import { badRequest, sendJson } from './http';
import type { Handler } from './routes';
import type { SleepLevel } from './engine-sleep';

/** POST /sleep?level=1|2 (default 1): {"status": "sleeping", "level": L}. vLLM also takes level 0 (pause
 * scheduling only); maft never sends it, so the simulator refuses it with the other values. */
export const sleep: Handler = async (ctx, _req, res, _params, url) => {
  const raw = url.searchParams.get('level') ?? '1';
  if (raw !== '1' && raw !== '2') throw badRequest('query.level', `level must be 1 or 2, got '${raw}'`);
  const level = ctx.state.engine.sleep(Number(raw) as SleepLevel);
  sendJson(res, 200, { status: 'sleeping', level });
};

/** POST /wake_up: {"status": "awake", "tags": null}. vLLM's partial wake-up (`tags=weights`) is not simulated. */
export const wakeUp: Handler = async (ctx, _req, res, _params, url) => {
  if (url.searchParams.has('tags')) throw badRequest('query.tags', 'the simulator wakes the whole engine: send POST /wake_up without tags');
  ctx.state.engine.wake();
  sendJson(res, 200, { status: 'awake', tags: null });
};

/** GET /is_sleeping: {"is_sleeping": bool}. */
export const isSleeping: Handler = async (ctx, _req, res) => {
  sendJson(res, 200, { is_sleeping: ctx.state.engine.sleeping });
};

/** A model route that answers 503 "engine is asleep" while the engine sleeps. */
export function whenAwake(route: string, handler: Handler): Handler {
  return async (ctx, req, res, params, url) => {
    ctx.state.engine.refuseIfAsleep(route);
    await handler(ctx, req, res, params, url);
  };
}

/** GET /admin/sleep-log[?clear=1]: whether it sleeps now, the refused and aborted calls, and every sleep,
 * wake, refusal and abort in order (engine-sleep.ts SleepEvent); clear=1 empties the log. */
export const sleepLog: Handler = async (ctx, _req, res, _params, url) => {
  const { engine } = ctx.state;
  const body = {
    sleeping: engine.sleeping,
    level: engine.level,
    refused: engine.count('refused'),
    aborted: engine.count('aborted'),
    events: [...engine.events],
  };
  if (url.searchParams.get('clear') === '1') engine.events.length = 0;
  sendJson(res, 200, body);
};
