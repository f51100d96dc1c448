/**
 * Inference activities: whole debates of chat completions against OpenAI-compatible servers (one
 * engine per base model, activities/engines.ts), publishing a finetuned adapter to the engine of its
 * base with vLLM's runtime LoRA contract, and what the engines serve (the run's check).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { ModelCall, ModelReply } from '../core/debate';
import type { ServedModels } from '../core/engines';
import { createDebateActivity } from './debate';
import { EngineRouter, singleEngine } from './engines';
import { toActivityFailure } from './model-errors';
import type { RunArtifacts } from './run-artifacts';

/** vLLM's 500 when its worker rejects the adapter itself (vllm/entrypoints/openai/models/serving.py wraps
 * every add_lora failure but "not found" so): retrying cannot help. */
const ADAPTER_NOT_LOADABLE = /Call to add_lora method failed|greater than max_lora_rank/i;

export interface PublishAdapterInput {
  /** The adapter's unique name, under which the server will serve it. */
  name: string;
  /** Its agent's base model: the engine serving it loads the adapter. Omitted (histories before
   * engine routing): the one engine serving every model. */
  baseModel?: string;
}

export interface InferenceOptions {
  /** Where the inference server finds adapter folders, named by adapter: a folder it shares with the trainer, sent
   * as lora_path; or s3://bucket/prefix/adapters, which each engine host fetches from itself by name (its LoRA resolver). */
  adapterRoot: string;
}

/** vLLM's answer when a resolver found the adapter but the engine could not load it (retrying cannot help). */
const RESOLVED_NOT_LOADABLE = /was found but could not be loaded/i;

/** A model's reply, whether the server cut it at max_tokens (finish_reason "length"), and its
 * length in tokens when the server reports usage. */
export interface ChatReply extends ModelReply {
  completionTokens?: number;
}

/** One agent's turn, y = A(messages), on the engine of its base model with at most that engine's
 * capacity in flight; failures become the activity failures Temporal should retry or not
 * (model-errors.ts). A client and a number: one engine serving every model. */
export function createChatTurn(engines: EngineRouter): (input: ModelCall) => Promise<ChatReply>;
export function createChatTurn(client: OpenAI, maxConcurrentCalls: number): (input: ModelCall) => Promise<ChatReply>;
export function createChatTurn(clientOrEngines: OpenAI | EngineRouter, maxConcurrentCalls = 1): (input: ModelCall) => Promise<ChatReply> {
  const engines = clientOrEngines instanceof EngineRouter ? clientOrEngines : singleEngine(clientOrEngines, maxConcurrentCalls);
  return async function chat(input: ModelCall): Promise<ChatReply> {
    const { client, calls } = engines.for(input.model, input.baseModel);
    return calls.use(async () => {
      try {
        const completion = await client.chat.completions.create(
          {
            model: input.model,
            messages: input.messages,
            temperature: input.temperature,
            top_p: input.topP,
            max_tokens: input.maxTokens,
            seed: input.seed,
          },
          input.requestId ? { headers: { 'X-Request-Id': input.requestId } } : undefined,
        );
        const choice = completion.choices[0];
        // vLLM answers a call it aborted (its engine put to sleep, or the request cancelled, while it ran)
        // with 200 and the text so far: not a reply to keep.
        if ((choice?.finish_reason as string | undefined) === 'abort') {
          throw ApplicationFailure.retryable(
            `chat with ${input.model}: the engine aborted the call before it finished (finish_reason "abort": put to sleep while it ran?)`,
            'EngineAborted',
          );
        }
        const content = choice?.message?.content;
        if (typeof content !== 'string') throw new Error(`chat with ${input.model}: the server returned no message content`);
        return { content, truncated: choice.finish_reason === 'length', completionTokens: completion.usage?.completion_tokens };
      } catch (error) {
        toActivityFailure(error, `chat with ${input.model}`);
      }
    });
  };
}

/** createChatTurn's reply text only. */
export function createChat(client: OpenAI, maxConcurrentCalls: number): (input: ModelCall) => Promise<string> {
  const turn = createChatTurn(client, maxConcurrentCalls);
  return async (input) => (await turn(input)).content;
}

export function createInferenceActivities(engines: EngineRouter, options: InferenceOptions, artifacts: RunArtifacts) {
  const turn = createChatTurn(engines); // one semaphore per engine for every model call of this process
  return {
    ...createDebateActivity(turn, artifacts),

    /** The base models each engine serves: the run checks its society against them before it starts. */
    async servedModels(): Promise<ServedModels[]> {
      return engines.served();
    },

    /** Makes the adapter servable by name on the engine of its base (Algorithm 1, line 28's model, before any call). */
    async publishAdapter(input: PublishAdapterInput): Promise<void> {
      const { client } = engines.for(input.name, input.baseModel);
      return options.adapterRoot.startsWith('s3://') ? resolveAdapter(client, input) : loadAdapter(client, input);
    },
  };

  /** POST /v1/load_lora_adapter with the folder the engine shares with the trainer. Idempotent: "already loaded"
   * counts as success. Any other refusal fails for good, naming the adapter and its path: a 4xx, or vLLM's 500 for an
   * adapter its worker could not load (a rank above --max-lora-rank, wrong shapes); other 5xx and connection errors
   * are retried. */
  async function loadAdapter(client: OpenAI, input: PublishAdapterInput): Promise<void> {
    const loraPath = `${options.adapterRoot.replace(/\/$/, '')}/${input.name}`;
    const refused = (message: string) =>
      ApplicationFailure.nonRetryable(`the inference server refused adapter ${input.name} (lora_path ${loraPath}): ${message}`, 'AdapterRefused');
    try {
      await client.post('/load_lora_adapter', { body: { lora_name: input.name, lora_path: loraPath } });
    } catch (error) {
      if (error instanceof APIError && error.status === 400 && /already been loaded/i.test(error.message)) return;
      if (error instanceof APIError && error.status === 500 && ADAPTER_NOT_LOADABLE.test(error.message)) throw refused(`HTTP 500: ${error.message}`);
      try {
        toActivityFailure(error, `publish adapter ${input.name}`);
      } catch (failure) {
        if (!(failure instanceof ApplicationFailure) || !failure.nonRetryable) throw failure;
        throw refused(failure.message);
      }
    }
  }

  /** With adapters in object storage no path of the worker's means anything on the engine host: a one-token call
   * naming the adapter makes the engine's LoRA resolver fetch it from the store into its cache and load it (vLLM's
   * resolve_lora on an unknown model name). Idempotent: a loaded adapter just answers. A 404 (not in the store yet,
   * or the store unreachable from the engine) is retried; an adapter found but not loadable fails for good. */
  async function resolveAdapter(client: OpenAI, input: PublishAdapterInput): Promise<void> {
    const where = `${options.adapterRoot.replace(/\/$/, '')}/${input.name}`;
    try {
      await client.chat.completions.create({ model: input.name, messages: [{ role: 'user', content: 'ready?' }], max_tokens: 1, temperature: 0 });
    } catch (error) {
      if (error instanceof APIError && error.status === 404)
        throw ApplicationFailure.retryable(`the engine found no adapter ${input.name} (its resolver reads ${where}): ${error.message}`, 'AdapterNotResolved');
      if (error instanceof APIError && error.status === 400 && RESOLVED_NOT_LOADABLE.test(error.message))
        throw ApplicationFailure.nonRetryable(`the inference server refused adapter ${input.name} (from ${where}): ${error.message}`, 'AdapterRefused');
      toActivityFailure(error, `publish adapter ${input.name}`);
    }
  }
}
