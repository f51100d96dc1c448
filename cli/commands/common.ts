/** What the run commands share: argument parsing, a client from the connection flags, output. */
import type { Client } from '@temporalio/client';
import { InvalidArgumentError } from 'commander';
import { dataConverterFromEnv } from '../../workers/codec';
import { connectClient, type TemporalConnection } from '../../workers/connection';

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export const say = (line: string) => process.stdout.write(`${line}\n`);

/** Connects (decoding payloads with MAFT_CODEC_KEY when the workers encrypt them), runs `work`, closes. */
export async function withClient<T>(connection: TemporalConnection, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(connection, { dataConverter: dataConverterFromEnv() });
  try {
    return await work(client);
  } finally {
    await client.connection.close();
  }
}

/** Settles on the first Ctrl-C, which then no longer ends the process. */
export function firstInterrupt(): Promise<void> {
  return new Promise((resolve) => process.once('SIGINT', () => resolve()));
}
