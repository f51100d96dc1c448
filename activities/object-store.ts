/**
 * The artifact store in S3 or any S3-compatible object store (SeaweedFS in the tests, MinIO, Ceph,
 * GCS's XML API), through AWS's own client (@aws-sdk/client-s3). Hosts that share nothing but the
 * network share artifacts this way.
 *
 * Each artifact is one object under the key prefix. A PutObject is atomic (a reader sees the old
 * object or the new one, never a part), so no temporary object is needed; a retried write puts the
 * same key again. The endpoint, region and credentials come from the AWS SDK's environment variables
 * (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or
 * any other source of the SDK's default chain), never from a run's config.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { ARTIFACTS_VARIABLE, normalizeRelative } from '../core/artifact-location';
import { ArtifactStore } from './artifact-store';

export interface ObjectStoreOptions {
  bucket: string;
  /** Key prefix, without slashes at either end; '' for the bucket's root. */
  prefix: string;
  /** The environment the endpoint and region are read from (credentials: the SDK's default chain). */
  env?: NodeJS.ProcessEnv;
}

/** The S3 endpoint as the SDK reads it from the environment; undefined: AWS's own. */
export function s3Endpoint(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/** How long the start check asks again a store that answers with a server error (5xx) before it gives up. */
const START_CHECK_MS = 30_000;

function status(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function isMissing(error: unknown): boolean {
  return status(error) === 404 || (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound'));
}

export class ObjectStore extends ArtifactStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly endpoint: string;

  constructor(private readonly options: ObjectStoreOptions) {
    super();
    const env = options.env ?? process.env;
    const endpoint = s3Endpoint(env);
    this.location = `s3://${options.bucket}${options.prefix ? `/${options.prefix}` : ''}`;
    this.endpoint = endpoint ?? 'AWS S3';
    this.client = new S3Client({
      ...(endpoint ? { endpoint } : {}),
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
      // Self-hosted stores (SeaweedFS, MinIO) serve buckets by path, not by virtual host.
      forcePathStyle: endpoint !== undefined,
      // A key pair in the given environment; otherwise the SDK's default chain (profiles, instance roles, ...).
      ...(env.AWS_ACCESS_KEY_ID
        ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '', sessionToken: env.AWS_SESSION_TOKEN } }
        : {}),
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    });
  }

  private key(relative: string): string {
    const normal = normalizeRelative(relative);
    return this.options.prefix ? `${this.options.prefix}/${normal}` : normal;
  }

  locate(relative: string): string {
    return `s3://${this.options.bucket}/${this.key(relative)}`;
  }

  async writeBytes(relative: string, bytes: Uint8Array): Promise<string> {
    await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: this.key(relative), Body: bytes }));
    return this.locate(relative);
  }

  async readBytes(relative: string): Promise<Buffer> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(relative) }));
      return Buffer.from(await object.Body!.transformToByteArray());
    } catch (error) {
      if (isMissing(error)) throw Object.assign(new Error(`${this.locate(relative)}: no such artifact`), { code: 'ENOENT' });
      throw error;
    }
  }

  async exists(relative: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(relative) }));
      return true;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    const under = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: `${this.key(relative)}/`, MaxKeys: 1 }));
    return (under.KeyCount ?? 0) > 0;
  }

  /** Every key under a prefix, page by page; with a delimiter, only those directly under it. */
  private async *keys(prefix: string, delimiter?: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async list(folder: string): Promise<string[]> {
    const prefix = `${this.key(folder)}/`;
    const names: string[] = [];
    for await (const key of this.keys(prefix, '/')) names.push(key.slice(prefix.length));
    return names.sort();
  }

  async removeFolder(folder: string): Promise<void> {
    let batch: { Key: string }[] = [];
    const flush = async () => {
      if (batch.length > 0) await this.client.send(new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: batch, Quiet: true } }));
      batch = [];
    };
    for await (const key of this.keys(`${this.key(folder)}/`)) {
      batch.push({ Key: key });
      if (batch.length === 1000) await flush();
    }
    await flush();
  }

  /** The bucket exists, the credentials are accepted and may write: or an error naming the setting at fault. A store
   * that answers with a server error (5xx: SeaweedFS still growing its first volume) is asked again for
   * START_CHECK_MS; a refusal (4xx) or no answer fails at once. */
  async check(): Promise<void> {
    const where = `${this.location} (${ARTIFACTS_VARIABLE}) at ${this.endpoint}`;
    const deadline = Date.now() + START_CHECK_MS;
    try {
      for (;;) {
        try {
          await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
          await this.writeText('.maft-write-check', 'maft checks at start that it may write here\n');
          return;
        } catch (error) {
          if ((status(error) ?? 0) < 500 || Date.now() + 1_000 > deadline) throw error;
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
    } catch (error) {
      const code = status(error);
      const name = error instanceof Error ? error.name : String(error);
      if (code === 404 || name === 'NoSuchBucket' || name === 'NotFound')
        throw new Error(
          `${ARTIFACTS_VARIABLE}: the bucket "${this.options.bucket}" does not exist at ${this.endpoint}; create it or fix ${ARTIFACTS_VARIABLE}`,
        );
      if (code === 403 || code === 401 || /InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|Forbidden/.test(name))
        throw new Error(
          `AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: the credentials were refused for ${where} (${name}); check the key pair and its rights on the bucket`,
        );
      if (/credential/i.test(name) || /credential/i.test((error as Error).message))
        throw new Error(`AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: no S3 credentials for ${where} (${(error as Error).message})`);
      throw new Error(`AWS_ENDPOINT_URL: the object store for ${where} cannot be reached (${(error as Error).message})`);
    }
  }

  /** Closes the client's connections (tests and short-lived CLI commands). */
  close(): void {
    this.client.destroy();
  }
}
