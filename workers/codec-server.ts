/**
 * A codec server, so the Temporal UI (its "codec endpoint" setting, or TEMPORAL_CODEC_ENDPOINT) and
 * CLI (`temporal workflow show --codec-endpoint URL`) show the payloads that workers/codec.ts
 * encrypts. POST /encode and POST /decode take and answer `{"payloads": [...]}` in Temporal's JSON
 * form of payloads (metadata values and data in base64); GET /health. Browsers may call it from the
 * configured origins only (CORS). Whoever reaches it can decrypt: keep it on a private network.
 */
import { type Payload, type PayloadCodec } from '@temporalio/common';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { payloadCodecFromEnv } from './codec';

/** The Temporal UI of docker-compose.yml, and the dev server's UI (`maft up`, `maft demo`). */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:8080', 'http://localhost:8233', 'http://127.0.0.1:8233'];
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  host?: string;
  /** 0 or omitted: any free port. */
  port?: number;
  /** Browser origins allowed to call the server; '*' allows any. */
  corsOrigins?: string[];
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** A request the server refuses, with its HTTP status and a message naming the bad field. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isBase64 = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value);

function payloadFromJson(value: unknown, field: string): Payload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RequestError(400, `${field} must be an object`);
  const { metadata = {}, data = '' } = value as JsonPayload;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new RequestError(400, `${field}.metadata must be an object`);
  const decoded: Record<string, Uint8Array> = {};
  for (const [key, encoded] of Object.entries(metadata)) {
    if (!isBase64(encoded)) throw new RequestError(400, `${field}.metadata.${key} must be a base64 string`);
    decoded[key] = Buffer.from(encoded, 'base64');
  }
  if (!isBase64(data)) throw new RequestError(400, `${field}.data must be a base64 string`);
  return { metadata: decoded, data: Buffer.from(data, 'base64') };
}

function payloadToJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

function parseRequest(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new RequestError(400, `request body is not JSON: ${(error as Error).message}`);
  }
  const payloads = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new RequestError(400, 'payloads must be an array');
  return payloads.map((p, i) => payloadFromJson(p, `payloads[${i}]`));
}

/** Decodes one payload at a time so that an error names the payload it is about. */
async function decodeEach(codec: PayloadCodec, payloads: Payload[]): Promise<Payload[]> {
  const decoded: Payload[] = [];
  for (const [i, payload] of payloads.entries()) {
    try {
      decoded.push(...(await codec.decode([payload])));
    } catch (error) {
      throw new RequestError(400, `payloads[${i}]: ${(error as Error).message}`);
    }
  }
  return decoded;
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function corsHeaders(origin: string | undefined, allowed: string[]): Record<string, string> | null {
  if (origin === undefined) return {}; // not a browser (the CLI): CORS does not apply
  if (!allowed.includes('*') && !allowed.includes(origin)) return null;
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const { codec } = options;
  const allowed = options.corsOrigins ?? DEFAULT_CORS_ORIGINS;

  const handle = async (request: http.IncomingMessage): Promise<{ status: number; body?: unknown }> => {
    const route = `${request.method} ${new URL(request.url ?? '/', 'http://codec').pathname}`;
    switch (route) {
      case 'OPTIONS /encode':
      case 'OPTIONS /decode':
        return { status: 204 };
      case 'GET /health':
        return { status: 200, body: { status: 'ok' } };
      case 'POST /encode':
        return { status: 200, body: { payloads: (await codec.encode(parseRequest(await readBody(request)))).map(payloadToJson) } };
      case 'POST /decode':
        return { status: 200, body: { payloads: (await decodeEach(codec, parseRequest(await readBody(request)))).map(payloadToJson) } };
      default:
        throw new RequestError(404, `no route ${route}: POST /encode, POST /decode, GET /health`);
    }
  };

  const server = http.createServer((request, response) => {
    const cors = corsHeaders(request.headers.origin, allowed);
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, { ...cors, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (cors === null) {
      send(403, { error: `origin ${request.headers.origin} is not allowed (MAFT_CODEC_CORS_ORIGINS)` });
      return;
    }
    handle(request).then(
      (result) => send(result.status, result.body),
      (error: Error) => send(error instanceof RequestError ? error.status : 500, { error: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export interface CodecServerCommandOptions {
  host: string;
  port: number;
  /** Comma-separated; default MAFT_CODEC_CORS_ORIGINS, else DEFAULT_CORS_ORIGINS. */
  corsOrigins?: string;
}

/**
 * The action of `maft codec-server`: starts the server with the key of MAFT_CODEC_KEY (and
 * MAFT_CODEC_PREVIOUS_KEYS) and says where it listens. The caller closes it on SIGINT/SIGTERM.
 */
export async function runCodecServer(options: CodecServerCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<CodecServer> {
  const codec = payloadCodecFromEnv(env);
  if (!codec) throw new Error('MAFT_CODEC_KEY is not set: the codec server needs the key the workers encrypt with');
  const origins = options.corsOrigins ?? env.MAFT_CODEC_CORS_ORIGINS;
  const corsOrigins = origins
    ? origins
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean)
    : DEFAULT_CORS_ORIGINS;
  const server = await startCodecServer({ codec, host: options.host, port: options.port, corsOrigins });
  console.log(`maft codec server at ${server.url} (key ${codec.keyId}), for browsers at ${corsOrigins.join(', ')}`);
  return server;
}
