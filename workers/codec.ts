/**
 * Optional encryption of Temporal payloads with AES-256-GCM: workflow and activity inputs and
 * results, query answers — the prompts and the models' replies — reach the Temporal server, its
 * database and the UI only as ciphertext. On when MAFT_CODEC_KEY holds a base64 32-byte key
 * (`openssl rand -base64 32`). Workers and every client of a run must use the same key; to rotate,
 * put the old key into MAFT_CODEC_PREVIOUS_KEYS (comma-separated) so older payloads still decode.
 * Not encrypted: workflow ids, search attributes, failure messages (none carry prompt text).
 */
import { METADATA_ENCODING_KEY, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The encoding of an encrypted payload; its data is IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key that encrypted a payload (a fingerprint, not the key). */
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/** Parses a base64 AES-256 key; `name` says which variable held it. */
export function parseCodecKey(value: string, name = 'MAFT_CODEC_KEY'): Buffer {
  const trimmed = value.trim();
  if (trimmed.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new Error(`${name} must be base64 (generate one with \`openssl rand -base64 32\`)`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error(`${name} must decode to 32 bytes for AES-256-GCM, got ${key.length}`);
  return key;
}

/** The first 16 hex digits of the key's SHA-256: names the key in payloads and errors. */
export function codecKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export class AesGcmPayloadCodec implements PayloadCodec {
  readonly keyId: string;
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly key: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    this.keyId = codecKeyId(key);
    this.keys = new Map([key, ...previousKeys].map((k) => [codecKeyId(k), k]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  /** Payloads that are not encrypted pass through, so plain input from a client without the key still works. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(this.keyId) },
      data,
    };
  }

  private decrypt(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = this.keys.get(id);
    if (!key) {
      const known = [...this.keys.keys()].join(', ');
      throw new Error(
        `payload encrypted with codec key ${id || '(none named)'}, but this process has key(s) ${known}: ` +
          'set MAFT_CODEC_KEY (or MAFT_CODEC_PREVIOUS_KEYS) to the key the run was started with',
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`encrypted payload of ${data.length} bytes is too short to hold an IV and a tag`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`payload encrypted with codec key ${id} failed authentication: it was altered or its key id is wrong`);
    }
    return temporal.api.common.v1.Payload.decode(plaintext);
  }
}

/** The codec configured by MAFT_CODEC_KEY and MAFT_CODEC_PREVIOUS_KEYS, or undefined when no key is set. */
export function payloadCodecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmPayloadCodec | undefined {
  const raw = env.MAFT_CODEC_KEY;
  if (raw === undefined || raw.trim() === '') return undefined;
  const previous = (env.MAFT_CODEC_PREVIOUS_KEYS ?? '')
    .split(',')
    .filter((k) => k.trim() !== '')
    .map((k, i) => parseCodecKey(k, `MAFT_CODEC_PREVIOUS_KEYS entry ${i + 1}`));
  return new AesGcmPayloadCodec(parseCodecKey(raw), previous);
}

/** The data converter every maft worker and client uses: encrypting when MAFT_CODEC_KEY is set, the SDK's default otherwise. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter {
  const codec = payloadCodecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : {};
}
