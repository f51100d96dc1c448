/** The HTTP handlers: OpenAI-compatible chat, models, vLLM adapters, files, fine-tuning jobs, admin. */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as nodePath from 'node:path';
import { hashString, seedFrom } from '../core/random';
import { respond, turnKind } from './agents';
import { chatCompletion, contextLengthError, parseChatRequest } from './chat';
import { badRequest, HttpError, readBody, readJsonObject, sendJson, sendText } from './http';
import type { SimModel } from './models';
import { boundaryOf, parseMultipart } from './multipart';
import { SettingError } from './options';
import type { SimulatorState } from './state';
import { UNPARSEABLE_TEXT } from './texts';

/** Timers a handler is waiting on; the server clears them when it closes. */
export class Timers {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; done: () => void }>();

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.pending.add(entry);
    });
  }

  clear(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.done();
    }
    this.pending.clear();
  }
}

export interface Context {
  state: SimulatorState;
  timers: Timers;
  closing: () => boolean;
}

export type Handler = (ctx: Context, req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;

const notFoundModel = (name: string): HttpError => new HttpError(404, `The model \`${name}\` does not exist.`, 'model');

const nowMs = () => performance.timeOrigin + performance.now();

export const chatCompletions: Handler = async (ctx, req, res) => {
  const { state } = ctx;
  const counters = state.counters;
  const arrivedMs = nowMs();
  counters.requests += 1;
  let chat;
  try {
    chat = parseChatRequest(await readJsonObject(req));
    const model = state.models.servable(chat.model);
    if (!model) throw notFoundModel(chat.model);
    const tooLong = contextLengthError(chat, state.faults.contextLimitChars);
    if (tooLong) throw badRequest('messages', tooLong);
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) counters.rejected += 1;
    throw error;
  }
  const transcript = hashString(JSON.stringify(chat.messages.map((m) => [m.role, m.content])));
  const key = String(seedFrom(chat.model, transcript, chat.temperature ?? 1, chat.top_p ?? 1, chat.seed ?? 'unseeded'));
  const fault = state.faults.decideChat(key);
  switch (fault.kind) {
    case 'drop':
      counters.faults.drop += 1;
      req.socket.destroy();
      return;
    case 'timeout':
      counters.faults.timeout += 1;
      await ctx.timers.sleep(state.faults.timeoutHoldMs);
      req.socket.destroy();
      return;
    case 'error5xx':
      counters.faults.error5xx += 1;
      throw new HttpError(500, 'Simulated internal server error (injected fault).');
    case 'rateLimit':
      counters.faults.rateLimit += 1;
      throw new HttpError(429, 'Simulated rate limit (injected fault); retry later.', null, { 'retry-after': String(fault.retryAfterSeconds) });
    default:
      break;
  }
  const epoch = state.engine.epoch;
  const release = await state.gate.acquire();
  const startedMs = nowMs();
  try {
    await ctx.timers.sleep(state.faults.latency(key));
    if (ctx.closing()) return;
    const model = state.models.servable(chat.model);
    if (!model) throw notFoundModel(chat.model);
    const aborted = state.engine.abortedSince(epoch); // put to sleep while this call ran: vLLM aborts it
    const content = state.faults.unparseable(key)
      ? UNPARSEABLE_TEXT
      : respond({
          seed: state.options.seed,
          model,
          messages: chat.messages,
          temperature: chat.temperature,
          top_p: chat.top_p,
          requestSeed: chat.seed,
        });
    if (aborted) {
      state.engine.recordAborted('/v1/chat/completions');
      sendJson(res, 200, chatCompletion(chat, content, true));
      return;
    }
    counters.completed += 1;
    counters.turns[turnKind(chat.messages)] += 1;
    counters.byModel[model.name] = (counters.byModel[model.name] ?? 0) + 1;
    if (state.options.recordCalls) {
      const requestId = req.headers['x-request-id'];
      state.calls.push({ requestId: typeof requestId === 'string' ? requestId : null, model: model.name, arrivedMs, startedMs, finishedMs: nowMs() });
    }
    sendJson(res, 200, chatCompletion(chat, content));
  } finally {
    release();
  }
};

function modelCard(ctx: Context, name: string) {
  const m = ctx.state.models.get(name)!;
  return { id: m.name, object: 'model', created: m.createdAt, owned_by: 'maft-sim', root: m.loraPath ?? m.root, parent: m.parent, max_model_len: null };
}

export const listModels: Handler = async (ctx, _req, res) => {
  const data = ctx.state.models
    .all()
    .filter((m) => m.servable)
    .map((m) => modelCard(ctx, m.name));
  sendJson(res, 200, { object: 'list', data });
};

export const getModel: Handler = async (ctx, _req, res, [name]) => {
  if (!ctx.state.models.servable(name)) throw notFoundModel(name);
  sendJson(res, 200, modelCard(ctx, name));
};

function stringField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw badRequest(field, `${field} is required and must be a non-empty string`);
  return value;
}

export const loadAdapter: Handler = async (ctx, req, res) => {
  const body = await readJsonObject(req);
  const name = stringField(body, 'lora_name');
  const path = stringField(body, 'lora_path');
  if (ctx.state.faults.refusesAdapter(name)) throw badRequest('lora_path', `Loading lora ${name} failed: the adapter at ${path} was refused (injected fault).`);
  const model = ctx.state.models.get(name) ?? (await trainedElsewhere(ctx, name, path));
  if (model && model.parent === null) throw badRequest('lora_name', `'${name}' is a base model, not a LoRA adapter.`);
  if (!model) {
    throw new HttpError(404, `The lora adapter '${name}' cannot be found: no succeeded fine-tuning job produced a model named '${name}'.`, 'lora_name');
  }
  if (model.servable) throw badRequest('lora_name', `The lora adapter '${name}' has already been loaded.`);
  model.servable = true;
  model.loraPath = path;
  sendText(res, 200, `Success: LoRA adapter '${name}' added successfully.`);
};

/**
 * A model another trainer wrote (the gpu-runtime's, so its SIGKILL test can run the simulator for
 * inference): a folder with maft_model.json naming a parent the simulator serves. The simulator never
 * saw its training data, so the model answers with its parent's skills and vocabulary.
 */
async function trainedElsewhere(ctx: Context, name: string, folder: string): Promise<SimModel | undefined> {
  let record: { parent?: unknown; job_id?: unknown };
  try {
    record = JSON.parse(await readFile(nodePath.join(folder, 'maft_model.json'), 'utf8')) as typeof record;
  } catch {
    return undefined;
  }
  const parent = typeof record.parent === 'string' ? ctx.state.models.get(record.parent) : undefined;
  if (!parent) throw badRequest('lora_path', `Loading lora ${name} failed: its parent model ${String(record.parent)} is not served here.`);
  const model: SimModel = {
    name,
    parent: parent.name,
    root: parent.root,
    skills: parent.skills,
    baseAccuracy: parent.baseAccuracy,
    servable: false,
    createdAt: Math.floor(Date.now() / 1000),
    jobId: typeof record.job_id === 'string' ? record.job_id : null,
    loraPath: folder,
    trainedOn: null,
    vocabulary: parent.vocabulary,
  };
  ctx.state.models.register(model);
  return model;
}

export const unloadAdapter: Handler = async (ctx, req, res) => {
  const name = stringField(await readJsonObject(req), 'lora_name');
  const model = ctx.state.models.get(name);
  if (model && model.parent === null) throw badRequest('lora_name', `'${name}' is a base model, not a LoRA adapter.`);
  if (!model || !model.servable) throw new HttpError(404, `The lora adapter '${name}' cannot be found.`, 'lora_name');
  model.servable = false;
  sendText(res, 200, `Success: LoRA adapter '${name}' removed successfully.`);
};

export const uploadFile: Handler = async (ctx, req, res) => {
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary) throw badRequest('body', 'file uploads must be multipart/form-data with a boundary');
  let parts;
  try {
    parts = parseMultipart(await readBody(req), boundary);
  } catch (error) {
    throw badRequest('body', `malformed multipart body: ${(error as Error).message}`);
  }
  const purpose = parts
    .find((p) => p.name === 'purpose')
    ?.data.toString('utf8')
    .trim();
  if (!purpose) throw badRequest('purpose', 'purpose is required');
  const file = parts.find((p) => p.name === 'file');
  if (!file) throw badRequest('file', 'file is required');
  sendJson(res, 200, ctx.state.files.create(file.filename ?? 'upload', purpose, Buffer.from(file.data)));
};

function fileOr404(ctx: Context, id: string) {
  const file = ctx.state.files.get(id);
  if (!file) throw new HttpError(404, `No such File object: ${id}`, 'id');
  return file;
}

export const listFiles: Handler = async (ctx, _req, res) => {
  sendJson(res, 200, { object: 'list', data: ctx.state.files.list(), has_more: false });
};

export const getFile: Handler = async (ctx, _req, res, [id]) => {
  sendJson(res, 200, fileOr404(ctx, id));
};

export const getFileContent: Handler = async (ctx, _req, res, [id]) => {
  fileOr404(ctx, id);
  const data = ctx.state.files.content(id)!;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
  res.end(data);
};

function limitOf(url: URL): number {
  const raw = url.searchParams.get('limit');
  if (raw === null) return 20;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badRequest('limit', 'limit must be an integer in [1, 10000]');
  return limit;
}

export const createJob: Handler = async (ctx, req, res) => {
  const body = await readJsonObject(req);
  const fault = ctx.state.faults.decideCreate(JSON.stringify(body));
  if (fault.kind === 'error5xx') throw new HttpError(500, 'Simulated internal server error (injected fault).');
  if (fault.kind === 'rateLimit') {
    throw new HttpError(429, 'Simulated rate limit (injected fault); retry later.', null, { 'retry-after': String(fault.retryAfterSeconds) });
  }
  sendJson(res, 200, ctx.state.training.create(body));
};

export const listJobs: Handler = async (ctx, _req, res, _params, url) => {
  const metadata: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match) metadata[match[1]] = value;
  }
  sendJson(res, 200, ctx.state.training.list(limitOf(url), url.searchParams.get('after') ?? undefined, metadata));
};

export const getJob: Handler = async (ctx, _req, res, [id]) => {
  sendJson(res, 200, ctx.state.training.get(id));
};

export const cancelJob: Handler = async (ctx, _req, res, [id]) => {
  sendJson(res, 200, ctx.state.training.cancel(id));
};

export const jobEvents: Handler = async (ctx, _req, res, [id], url) => {
  sendJson(res, 200, ctx.state.training.events(id, limitOf(url), url.searchParams.get('after') ?? undefined));
};

export const adminState: Handler = async (ctx, _req, res) => {
  sendJson(res, 200, ctx.state.snapshot());
};

export const getFaults: Handler = async (ctx, _req, res) => {
  sendJson(res, 200, { faults: ctx.state.faults.current });
};

export const setFaults: Handler = async (ctx, req, res) => {
  const body = await readJsonObject(req);
  try {
    ctx.state.faults.update(body);
  } catch (error) {
    if (error instanceof SettingError) throw badRequest(error.field, error.message);
    throw error;
  }
  ctx.state.gate.setLimit(ctx.state.faults.capacity);
  sendJson(res, 200, { faults: ctx.state.faults.current });
};

/** GET /admin/calls[?clear=1]: the recorded call timings (with --record-calls), optionally clearing them. */
export const listCalls: Handler = async (ctx, _req, res, _params, url) => {
  const calls = [...ctx.state.calls];
  if (url.searchParams.get('clear') === '1') ctx.state.calls.length = 0;
  sendJson(res, 200, { recording: ctx.state.options.recordCalls, calls });
};

/** GET /admin/jobs: every fine-tuning job's created, started and finished times. */
export const listJobTimings: Handler = async (ctx, _req, res) => {
  sendJson(res, 200, { jobs: ctx.state.training.timings() });
};

export const resetCounters: Handler = async (ctx, _req, res) => {
  ctx.state.resetCounters();
  sendJson(res, 200, { ok: true });
};

export const health: Handler = async (_ctx, _req, res) => {
  sendText(res, 200, '');
};
