/**
 * Payload encryption on a real dev server: a run with MAFT_CODEC_KEY set leaves no prompt or reply
 * in plaintext in its histories (read with a client that has no codec), the codec server decodes the
 * history's payloads back over HTTP, and a wrong key fails with a message naming the keys.
 */
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { artifactPaths } from '../../core/artifact-paths';
import type { DebateTranscript } from '../../core/transcript';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';
import { AesGcmPayloadCodec, codecKeyId, dataConverterFromEnv, parseCodecKey, payloadCodecFromEnv } from '../../workers/codec';
import { startCodecServer, type CodecServer } from '../../workers/codec-server';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(180_000);

const key = randomBytes(32).toString('base64');
const wrongKey = randomBytes(32).toString('base64');
const config = { runId: 'codec', seed: 3, baseModel: 'sim-base', iterations: 1, evaluateBase: false, task: { trainSize: 3, testSize: 2 } };
const debateId = 'maft-codec-l1-train-arithmetic-0';

let stack: Stack;
let client: Client;
let result: RunResult;
let server: CodecServer;
let wrongServer: CodecServer;
const savedKey = process.env.MAFT_CODEC_KEY;

beforeAll(async () => {
  process.env.MAFT_CODEC_KEY = key; // the workers read it when the stack starts them
  stack = await startStack();
  client = new Client({ connection: stack.client.connection, namespace: stack.server.namespace, dataConverter: dataConverterFromEnv() });
  result = await client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-codec', args: [{ config }] });
  server = await startCodecServer({ codec: payloadCodecFromEnv()!, corsOrigins: ['http://localhost:8080'] });
  wrongServer = await startCodecServer({ codec: new AesGcmPayloadCodec(parseCodecKey(wrongKey)) });
});

afterAll(async () => {
  if (savedKey === undefined) delete process.env.MAFT_CODEC_KEY;
  else process.env.MAFT_CODEC_KEY = savedKey;
  await server?.close();
  await wrongServer?.close();
  await stack?.stop();
});

/** Every Payload message inside a decoded history event. */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return found;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && typeof record.metadata === 'object' && record.metadata !== null) found.push(record as Payload);
  else Object.values(record).forEach((v) => payloadsIn(v, found));
  return found;
}

/** A history as stored by the server, fetched by a client without the codec. */
const rawClient = () => new Client({ connection: stack.client.connection, namespace: stack.server.namespace });
const rawHistory = async (workflowId: string) => rawClient().workflow.getHandle(workflowId).fetchHistory();

/** The payloads of a history that carry workflow data. A local activity's marker also holds the SDK's
 * own bookkeeping (`details.data`: sequence number, attempt, activity type, times) in json/plain. */
/** Every data payload of a history. Summaries (user metadata) and search attributes are left out:
 * Temporal keeps them in plaintext for the UI and the index, and maft's hold run ids, method, task,
 * phase, iteration, lines of the algorithm and question ids, never prompt or reply text. */
async function dataPayloads(workflowId: string): Promise<Payload[]> {
  return ((await rawHistory(workflowId)).events ?? []).flatMap((event) => {
    if (event.markerRecordedEventAttributes) return payloadsIn(event.markerRecordedEventAttributes.details?.result);
    if (event.upsertWorkflowSearchAttributesEventAttributes) return [];
    return payloadsIn({ ...event, userMetadata: null });
  });
}
const encoding = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString();
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const post = (base: string, route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The first training question's transcript, as the workers stored it in the artifact store. */
function storedDebate(): { prompt: string; replies: string[] } {
  const file = path.join(stack.artifactRoot, artifactPaths.debate('codec', 1, 'train', 'arithmetic-0'));
  const transcript = JSON.parse(readFileSync(file, 'utf8')) as DebateTranscript;
  const replies = transcript.conversations.flatMap((c) => c.filter((m) => m.role === 'assistant').map((m) => m.content));
  return { prompt: transcript.conversations[0][0].content, replies };
}

describe('AES-256-GCM payload codec on the dev server', () => {
  it('runs Algorithm 1 to the end with every payload encrypted', async () => {
    expect(result.history.map((h) => h.iteration)).toEqual([1]);
    expect(result.history[0].evaluation.total).toBe(2);
    for (const id of ['maft-codec', debateId]) {
      const payloads = await dataPayloads(id);
      expect(payloads.length).toBeGreaterThan(2);
      expect(payloads.map(encoding).filter((e) => e !== 'binary/encrypted')).toEqual([]);
    }
  });

  it('leaves no prompt or reply in plaintext in the debate history', async () => {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(await rawHistory(debateId)).finish());
    const { prompt, replies } = storedDebate();
    expect(bytes.includes('debate')).toBe(true); // the search works: the workflow type is not a payload
    expect(bytes.includes(prompt)).toBe(false);
    for (const reply of replies) expect(bytes.includes(reply)).toBe(false);
  });

  it('decodes the history back through the codec server', async () => {
    const payloads = await dataPayloads(debateId);
    const response = await post(server.url, '/decode', { payloads: payloads.map(toJson) }, { 'X-Namespace': 'default' });
    expect(response.status).toBe(200);
    const decoded = ((await response.json()) as { payloads: ReturnType<typeof toJson>[] }).payloads;
    expect(decoded).toHaveLength(payloads.length);
    const values = decoded.map((p) =>
      JSON.stringify(
        defaultPayloadConverter.fromPayload({ metadata: { encoding: Buffer.from(p.metadata.encoding, 'base64') }, data: Buffer.from(p.data, 'base64') }),
      ),
    );
    const { prompt, replies } = storedDebate();
    const inHistory = (s: string) => values.some((v) => v.includes(JSON.stringify(s).slice(1, -1)));
    expect(inHistory(prompt)).toBe(true);
    for (const reply of replies) expect(inHistory(reply)).toBe(true);
  });

  it('encodes through the codec server so that the workers decode it', async () => {
    const plain = defaultPayloadConverter.toPayload({ question: 'what is 2+3?' });
    const response = await post(server.url, '/encode', { payloads: [toJson(plain)] });
    const [encoded] = ((await response.json()) as { payloads: ReturnType<typeof toJson>[] }).payloads;
    expect(Buffer.from(encoded.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const codec = payloadCodecFromEnv()!;
    const [back] = await codec.decode([
      {
        metadata: {
          encoding: Buffer.from(encoded.metadata.encoding, 'base64'),
          'encryption-key-id': Buffer.from(encoded.metadata['encryption-key-id'], 'base64'),
        },
        data: Buffer.from(encoded.data, 'base64'),
      },
    ]);
    expect(defaultPayloadConverter.fromPayload(back)).toEqual({ question: 'what is 2+3?' });
  });

  it('fails clearly with a wrong key: codec server, client, and a malformed key', async () => {
    const payloads = await dataPayloads(debateId);
    const response = await post(wrongServer.url, '/decode', { payloads: payloads.map(toJson) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      `payloads[0]: payload encrypted with codec key ${codecKeyId(parseCodecKey(key))}, but this process has key(s) ${codecKeyId(parseCodecKey(wrongKey))}: ` +
        'set MAFT_CODEC_KEY (or MAFT_CODEC_PREVIOUS_KEYS) to the key the run was started with',
    );

    const wrongClient = new Client({
      connection: stack.client.connection,
      namespace: stack.server.namespace,
      dataConverter: dataConverterFromEnv({ MAFT_CODEC_KEY: wrongKey }),
    });
    await expect(wrongClient.workflow.getHandle('maft-codec').result()).rejects.toThrow(/set MAFT_CODEC_KEY/);
    await expect(rawClient().workflow.getHandle('maft-codec').result()).rejects.toThrow(/binary\/encrypted/);
    expect(() => dataConverterFromEnv({ MAFT_CODEC_KEY: Buffer.from('short').toString('base64') })).toThrow(
      'MAFT_CODEC_KEY must decode to 32 bytes for AES-256-GCM, got 5',
    );
    expect(() => dataConverterFromEnv({ MAFT_CODEC_KEY: 'not base64!' })).toThrow('MAFT_CODEC_KEY must be base64');
  });

  it('a key rotated into MAFT_CODEC_PREVIOUS_KEYS still decodes; an altered payload does not', async () => {
    const [payload] = await dataPayloads(debateId);
    const rotated = payloadCodecFromEnv({ MAFT_CODEC_KEY: wrongKey, MAFT_CODEC_PREVIOUS_KEYS: key })!;
    const [decoded] = await rotated.decode([payload]);
    expect(Buffer.from(decoded.metadata!.encoding!).toString()).toBe('json/plain');

    const altered = Buffer.from(payload.data!);
    altered[20] ^= 1;
    const response = await post(server.url, '/decode', { payloads: [toJson({ ...payload, data: altered })] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^payloads\[0\]: payload encrypted with codec key \w+ failed authentication/);
  });

  it('answers CORS preflights for the UI origin only and names a malformed field', async () => {
    const preflight = (origin: string) => fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: origin } });
    const allowed = await preflight('http://localhost:8080');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('X-Namespace');
    expect((await preflight('http://evil.example')).status).toBe(403);

    const bad = await post(server.url, '/decode', { payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' }, data: 'not base64!' }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'payloads[0].data must be a base64 string' });
    expect((await post(server.url, '/decode', { items: [] })).status).toBe(400);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
