/**
 * The simulator's HTTP server (node:http, no framework): routing and lifecycle.
 *
 *   const sim = await startSimulator({ seed: 0 });
 *   const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sim' });
 *   ...
 *   await sim.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, HttpError, sendError, sendJson } from './http';
import { resolveOptions, SettingError, type SimulatorOptions } from './options';
import * as routes from './routes';
import * as scoringRoutes from './scoring-routes';
import * as sleepRoutes from './sleep-routes';
import { SimulatorState } from './state';

export type { SimulatorOptions } from './options';

export interface Simulator {
  /** Base URL without a path, e.g. http://127.0.0.1:8100 (the OpenAI base URL is `${url}/v1`). */
  url: string;
  port: number;
  /** Live state: models and their skills, jobs, files, counters, fault settings. */
  state: SimulatorState;
  close(): Promise<void>;
}

type Route = [method: string, pattern: RegExp, handler: routes.Handler];

const ID = '([^/]+)';
const ROUTES: Route[] = [
  // The model routes answer 503 "engine is asleep" between POST /sleep and POST /wake_up.
  ['POST', /^\/v1\/chat\/completions$/, sleepRoutes.whenAwake('/v1/chat/completions', routes.chatCompletions)],
  ['POST', /^\/v1\/completions$/, sleepRoutes.whenAwake('/v1/completions', scoringRoutes.completions)],
  ['POST', /^\/v1\/embeddings$/, sleepRoutes.whenAwake('/v1/embeddings', scoringRoutes.embeddings)],
  ['GET', /^\/v1\/models$/, routes.listModels],
  ['GET', new RegExp(`^/v1/models/${ID}$`), routes.getModel],
  ['POST', /^\/v1\/load_lora_adapter$/, sleepRoutes.whenAwake('/v1/load_lora_adapter', routes.loadAdapter)],
  ['POST', /^\/v1\/unload_lora_adapter$/, sleepRoutes.whenAwake('/v1/unload_lora_adapter', routes.unloadAdapter)],
  ['POST', /^\/v1\/files$/, routes.uploadFile],
  ['GET', /^\/v1\/files$/, routes.listFiles],
  ['GET', new RegExp(`^/v1/files/${ID}$`), routes.getFile],
  ['GET', new RegExp(`^/v1/files/${ID}/content$`), routes.getFileContent],
  ['POST', /^\/v1\/fine_tuning\/jobs$/, routes.createJob],
  ['GET', /^\/v1\/fine_tuning\/jobs$/, routes.listJobs],
  ['GET', new RegExp(`^/v1/fine_tuning/jobs/${ID}$`), routes.getJob],
  ['POST', new RegExp(`^/v1/fine_tuning/jobs/${ID}/cancel$`), routes.cancelJob],
  ['GET', new RegExp(`^/v1/fine_tuning/jobs/${ID}/events$`), routes.jobEvents],
  ['POST', /^\/sleep$/, sleepRoutes.sleep],
  ['POST', /^\/wake_up$/, sleepRoutes.wakeUp],
  ['GET', /^\/is_sleeping$/, sleepRoutes.isSleeping],
  ['GET', /^\/admin\/state$/, routes.adminState],
  ['GET', /^\/admin\/sleep-log$/, sleepRoutes.sleepLog],
  ['GET', /^\/admin\/faults$/, routes.getFaults],
  ['POST', /^\/admin\/faults$/, routes.setFaults],
  ['POST', /^\/admin\/reset-counters$/, routes.resetCounters],
  ['GET', /^\/admin\/calls$/, routes.listCalls],
  ['GET', /^\/admin\/jobs$/, routes.listJobTimings],
  ['GET', /^\/health$/, routes.health],
];

/** With an apiKey, the OpenAI-compatible routes want it as a bearer token; the 401 never echoes what was sent. */
function checkApiKey(apiKey: string | null, req: IncomingMessage, path: string): void {
  if (apiKey === null || !path.startsWith('/v1/')) return;
  if (req.headers.authorization !== `Bearer ${apiKey}`) {
    throw new HttpError(401, 'Incorrect or missing API key: send it as Authorization: Bearer <key>.');
  }
}

async function dispatch(ctx: routes.Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  checkApiKey(ctx.state.options.apiKey, req, path);
  const matching = ROUTES.filter(([, pattern]) => pattern.test(path));
  const route = matching.find(([method]) => method === req.method);
  if (!route) {
    if (matching.length > 0) throw new HttpError(405, `Method ${req.method} is not allowed on ${path}`);
    throw new HttpError(404, `Unknown route ${req.method} ${path}`);
  }
  const params = (route[1].exec(path) ?? []).slice(1).map(decodeURIComponent);
  await route[2](ctx, req, res, params, url);
}

/** Starts a simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const state = new SimulatorState(resolved);
  const timers = new routes.Timers();
  const sockets = new Set<Socket>();
  let closing = false;
  const ctx: routes.Context = { state, timers, closing: () => closing };

  const server = createServer((req, res) => {
    dispatch(ctx, req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(res, error);
      if (error instanceof SettingError) return sendJson(res, 400, errorBody(400, error.message, error.field));
      resolved.log(`error: ${(error as Error).stack ?? String(error)}`);
      sendJson(res, 500, errorBody(500, `simulator error: ${(error as Error).message}`));
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : resolved.port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;

  return {
    url: `http://${host}:${port}`,
    port,
    state,
    close: async () => {
      if (closing) return;
      closing = true;
      state.training.close();
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
