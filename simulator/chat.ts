/** POST /v1/chat/completions: request validation and the ChatCompletion response shape. */
import type { ChatMessage } from './agents';
import { badRequest } from './http';

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** A rough token count: about four characters a token. */
export const tokens = (chars: number): number => Math.ceil(chars / 4);

function contentText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((part, i) => {
        const p = part as { type?: unknown; text?: unknown } | null;
        if (!p || p.type !== 'text' || typeof p.text !== 'string') throw badRequest(`${field}[${i}]`, `${field}[${i}] must be a text part {type:'text', text}`);
        return p.text;
      })
      .join('');
  }
  throw badRequest(field, `${field} must be a string`);
}

function optionalNumber(body: Record<string, unknown>, field: string, ok: (v: number) => boolean, rule: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw badRequest(field, `${field} must be ${rule}`);
  return value;
}

/** Validates a chat request body; the 400 names the offending field. */
export function parseChatRequest(body: Record<string, unknown>): ChatRequest {
  if (typeof body.model !== 'string' || body.model === '') throw badRequest('model', 'model is required and must be a non-empty string');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw badRequest('messages', 'messages is required and must be a non-empty array');
  const messages = body.messages.map((m: unknown, i: number): ChatMessage => {
    if (typeof m !== 'object' || m === null) throw badRequest(`messages[${i}]`, `messages[${i}] must be an object`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) throw badRequest(`messages[${i}].role`, `messages[${i}].role must be one of ${[...ROLES].join(', ')}`);
    return { role, content: contentText(content, `messages[${i}].content`) };
  });
  if (body.stream === true) throw badRequest('stream', 'stream is not supported by the simulator');
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw badRequest('n', 'n must be 1');
  const maxTokens =
    optionalNumber(body, 'max_tokens', (v) => Number.isInteger(v) && v > 0, 'a positive integer') ??
    optionalNumber(body, 'max_completion_tokens', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  return {
    model: body.model,
    messages,
    temperature: optionalNumber(body, 'temperature', (v) => v >= 0 && v <= 2, 'a number in [0, 2]'),
    top_p: optionalNumber(body, 'top_p', (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    max_tokens: maxTokens,
    seed: optionalNumber(body, 'seed', Number.isInteger, 'an integer'),
  };
}

/** vLLM's context-length 400, when the messages are longer than `limitChars` characters. */
export function contextLengthError(req: ChatRequest, limitChars: number): string | undefined {
  if (limitChars <= 0) return undefined;
  const chars = req.messages.reduce((n, m) => n + m.content.length, 0);
  if (chars <= limitChars) return undefined;
  const limit = tokens(limitChars);
  const prompt = tokens(chars);
  const completion = req.max_tokens ?? 0;
  return (
    `This model's maximum context length is ${limit} tokens. However, you requested ${prompt + completion} tokens ` +
    `(${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`
  );
}

let completionCounter = 0;

/** The ChatCompletion object; content longer than max_tokens is cut with finish_reason 'length'. */
/** With `aborted`, the reply vLLM gives a request in flight when the engine is put to sleep: HTTP 200,
 * the text generated so far (here: half), finish_reason "abort". */
export function chatCompletion(req: ChatRequest, text: string, aborted = false) {
  completionCounter += 1;
  let content = text;
  let finish: 'stop' | 'length' | 'abort' = 'stop';
  if (aborted) {
    content = text.slice(0, Math.floor(text.length / 2));
    finish = 'abort';
  } else if (req.max_tokens !== undefined && tokens(text.length) > req.max_tokens) {
    content = text.slice(0, req.max_tokens * 4);
    finish = 'length';
  }
  const promptTokens = tokens(req.messages.reduce((n, m) => n + m.content.length + 4, 0));
  const completionTokens = tokens(content.length);
  return {
    id: `chatcmpl-sim-${Date.now().toString(36)}-${completionCounter}`,
    object: 'chat.completion' as const,
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    choices: [{ index: 0, message: { role: 'assistant' as const, content, refusal: null }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    system_fingerprint: 'maft-simulator',
  };
}
