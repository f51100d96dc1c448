/** Every artifact a run stored, by path below the store's root: from a bucket (S3) or from a directory. */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Every object under `prefix/` in the bucket, by key below the prefix; `env` holds the endpoint and key pair (Seaweed.env). */
export async function readBucket(env: Record<string, string>, bucket: string, prefix: string): Promise<Map<string, Buffer>> {
  const s3 = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const read = new Map<string, Buffer>();
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
      for (const { Key } of page.Contents ?? []) {
        const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        read.set(Key!.slice(prefix.length + 1), Buffer.from(await body.Body!.transformToByteArray()));
      }
      token = page.NextContinuationToken;
    } while (token);
    return read;
  } finally {
    s3.destroy();
  }
}

/** Every file under a directory, by path relative to it. */
export function readTree(root: string): Map<string, Buffer> {
  const read = new Map<string, Buffer>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    read.set(path.relative(root, file), readFileSync(file));
  }
  return read;
}
