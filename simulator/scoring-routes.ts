/**
 * POST /v1/completions (vLLM's echo + prompt log-probabilities: scoring a text, no generation) and
 * POST /v1/embeddings, with the simulated values of scoring.ts.
 */
import { badRequest, HttpError, readJsonObject, sendJson } from './http';
import type { Handler } from './routes';
import { echoScores, embeddingOf, tokenId, type EchoScores } from './scoring';

const unknownRoute = (path: string) => new HttpError(404, `Unknown route POST ${path}`);

function optionalInteger(body: Record<string, unknown>, field: string, min: number, max: number): number | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw badRequest(field, `${field} must be an integer in [${min}, ${max}]`);
  return value;
}

/** vLLM's `logprobs` object of an echoed prompt: the token itself is its own top log-probability. */
const completionLogprobs = (scores: EchoScores) => ({
  ...scores,
  top_logprobs: scores.tokens.map((token, k) => (scores.token_logprobs[k] === null ? null : { [token]: scores.token_logprobs[k] })),
});

/** vLLM's `prompt_logprobs`: per token, null or {token id: {logprob, rank, decoded_token}}. */
const promptLogprobs = (scores: EchoScores) =>
  scores.tokens.map((token, k) => {
    const logprob = scores.token_logprobs[k];
    return logprob === null ? null : { [tokenId(token)]: { logprob, rank: 1, decoded_token: token } };
  });

let completionCounter = 0;

export const completions: Handler = async (ctx, req, res) => {
  const { state } = ctx;
  if (!state.options.promptLogprobs) throw unknownRoute('/v1/completions');
  const body = await readJsonObject(req);
  if (typeof body.model !== 'string' || body.model === '') throw badRequest('model', 'model is required and must be a non-empty string');
  if (typeof body.prompt !== 'string') throw badRequest('prompt', 'prompt must be a string (one prompt per request)');
  if (body.echo !== true) {
    throw badRequest('echo', "the simulator's /v1/completions only scores prompts: send echo: true (it generates no text)");
  }
  if (body.stream === true) throw badRequest('stream', 'stream is not supported by the simulator');
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw badRequest('n', 'n must be 1');
  const maxTokens = optionalInteger(body, 'max_tokens', 0, 1_000_000) ?? 16;
  const logprobs = optionalInteger(body, 'logprobs', 0, 20);
  const wantPromptLogprobs = optionalInteger(body, 'prompt_logprobs', 0, 20) ?? logprobs;
  const model = state.models.servable(body.model);
  if (!model) throw new HttpError(404, `The model \`${body.model}\` does not exist.`, 'model');
  const scores = echoScores(model.vocabulary, body.prompt);
  state.scoringCounters.completions += 1;
  completionCounter += 1;
  // The simulated model ends its reply at once: the echoed prompt is the whole text.
  sendJson(res, 200, {
    id: `cmpl-sim-${Date.now().toString(36)}-${completionCounter}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model: model.name,
    choices: [
      {
        index: 0,
        text: body.prompt,
        logprobs: logprobs === null ? null : completionLogprobs(scores),
        finish_reason: maxTokens === 0 ? 'length' : 'stop',
        stop_reason: null,
        prompt_logprobs: wantPromptLogprobs === null ? null : promptLogprobs(scores),
      },
    ],
    usage: { prompt_tokens: scores.tokens.length, completion_tokens: 0, total_tokens: scores.tokens.length },
  });
};

function inputTexts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((t) => typeof t === 'string')) return input;
  throw badRequest('input', 'input must be a string or a non-empty array of strings');
}

/** Little-endian float32, base64: what the openai client asks for unless told otherwise. */
const base64Floats = (vector: number[]): string => Buffer.from(new Float32Array(vector).buffer).toString('base64');

export const embeddings: Handler = async (ctx, req, res) => {
  const { state } = ctx;
  if (state.options.embeddingModels.length === 0) throw unknownRoute('/v1/embeddings');
  const body = await readJsonObject(req);
  if (typeof body.model !== 'string' || !state.options.embeddingModels.includes(body.model)) {
    throw new HttpError(404, `The model \`${String(body.model)}\` does not exist.`, 'model');
  }
  const texts = inputTexts(body.input);
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') throw badRequest('encoding_format', "encoding_format must be 'float' or 'base64'");
  if (body.dimensions !== undefined && body.dimensions !== null) throw badRequest('dimensions', 'dimensions is not supported by the simulator');
  state.scoringCounters.embeddings += 1;
  const tokens = texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
  sendJson(res, 200, {
    object: 'list',
    model: body.model,
    data: texts.map((text, index) => {
      const vector = embeddingOf(text);
      return { object: 'embedding', index, embedding: format === 'base64' ? base64Floats(vector) : vector };
    }),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
};
