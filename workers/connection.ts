/**
 * How maft reaches a Temporal server: address, namespace, TLS (server CA, client certificate and key
 * for mTLS, server name) and API key. Read from flags, else from the environment variables the
 * Temporal CLI and SDKs read (https://docs.temporal.io/references/client-environment-configuration;
 * `temporal options` lists them). The same settings open the CLI's Client and the workers'
 * NativeConnection. Secrets stay here: an API key is sent as a gRPC header, never as workflow input.
 */
import { Client, Connection, type ClientOptions, type TLSConfig } from '@temporalio/client';
import { readFileSync } from 'node:fs';

export interface TemporalConnection {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** false: plaintext, as a local dev server wants. */
  tls: TLSConfig | false;
  apiKey?: string;
}

/** Flags named as the Temporal CLI names them (`--address`, `--tls-cert-path`, ...); they win over the environment. */
export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
}

export const DEFAULT_ADDRESS = '127.0.0.1:7233';

/** A PEM input: a flag or a *_PATH variable naming a file, or a *_DATA variable holding the PEM itself. */
const PEM_SOURCES = {
  clientCert: { flag: 'tlsCertPath', option: '--tls-cert-path', path: 'TEMPORAL_TLS_CLIENT_CERT_PATH', data: 'TEMPORAL_TLS_CLIENT_CERT_DATA' },
  clientKey: { flag: 'tlsKeyPath', option: '--tls-key-path', path: 'TEMPORAL_TLS_CLIENT_KEY_PATH', data: 'TEMPORAL_TLS_CLIENT_KEY_DATA' },
  serverCa: { flag: 'tlsCaPath', option: '--tls-ca-path', path: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', data: 'TEMPORAL_TLS_SERVER_CA_CERT_DATA' },
} as const;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function readPem(source: (typeof PEM_SOURCES)[keyof typeof PEM_SOURCES], flags: ConnectionFlags, env: NodeJS.ProcessEnv): Buffer | undefined {
  const fromFlag = nonEmpty(flags[source.flag]);
  const fromPath = nonEmpty(env[source.path]);
  const fromData = nonEmpty(env[source.data]);
  if (!fromFlag && fromPath && fromData) throw new Error(`set ${source.path} or ${source.data}, not both`);
  if (!fromFlag && fromData) return Buffer.from(fromData);
  const file = fromFlag ?? fromPath;
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read ${file} (${fromFlag ? source.option : source.path}): ${(error as Error).message}`);
  }
}

/** TEMPORAL_TLS: "true"/"1" on, "false"/"0" off, unset: on when any TLS input or an API key is given. */
function tlsSwitch(flags: ConnectionFlags, env: NodeJS.ProcessEnv): boolean | undefined {
  if (flags.tls) return true;
  const raw = nonEmpty(env.TEMPORAL_TLS)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`TEMPORAL_TLS must be true or false, got "${env.TEMPORAL_TLS}"`);
}

export function temporalConnectionFromEnv(env: NodeJS.ProcessEnv = process.env, flags: ConnectionFlags = {}): TemporalConnection {
  if (nonEmpty(env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION)) {
    throw new Error(
      'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION is not supported by the TypeScript SDK: set TEMPORAL_TLS_SERVER_NAME to the name in the server certificate',
    );
  }
  const address = nonEmpty(flags.address) ?? nonEmpty(env.TEMPORAL_ADDRESS) ?? DEFAULT_ADDRESS;
  const namespace = nonEmpty(flags.namespace) ?? nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default';
  const apiKey = nonEmpty(flags.apiKey) ?? nonEmpty(env.TEMPORAL_API_KEY);
  const crt = readPem(PEM_SOURCES.clientCert, flags, env);
  const key = readPem(PEM_SOURCES.clientKey, flags, env);
  const serverRootCACertificate = readPem(PEM_SOURCES.serverCa, flags, env);
  const serverNameOverride = nonEmpty(flags.tlsServerName) ?? nonEmpty(env.TEMPORAL_TLS_SERVER_NAME);

  if (Boolean(crt) !== Boolean(key)) {
    throw new Error(
      crt
        ? 'a TLS client certificate needs its key: --tls-key-path or TEMPORAL_TLS_CLIENT_KEY_PATH / _DATA'
        : 'a TLS client key needs its certificate: --tls-cert-path or TEMPORAL_TLS_CLIENT_CERT_PATH / _DATA',
    );
  }
  const tlsInputs = Boolean(crt || serverRootCACertificate || serverNameOverride);
  const tlsOn = tlsSwitch(flags, env);
  if (tlsOn === false && tlsInputs) {
    throw new Error('TEMPORAL_TLS is false but TLS certificates or a server name are set: drop one or the other');
  }
  const connection: TemporalConnection = { address, namespace, tls: false };
  if (tlsOn ?? (tlsInputs || apiKey !== undefined)) {
    connection.tls = {
      ...(serverNameOverride ? { serverNameOverride } : {}),
      ...(serverRootCACertificate ? { serverRootCACertificate } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    };
  }
  if (apiKey !== undefined) connection.apiKey = apiKey;
  return connection;
}

/** Options for both `Connection.connect` (client) and `NativeConnection.connect` (workers). */
export function connectOptions(connection: TemporalConnection): { address: string; tls: TLSConfig | false; apiKey?: string } {
  const { address, tls, apiKey } = connection;
  return apiKey === undefined ? { address, tls } : { address, tls, apiKey };
}

/** For logs: where, and how, without secrets. */
export function describeConnection(connection: TemporalConnection): string {
  const how = [connection.tls ? (connection.tls.clientCertPair ? 'mTLS' : 'TLS') : '', connection.apiKey ? 'API key' : ''].filter(Boolean);
  return `${connection.address} (namespace ${connection.namespace}${how.length ? `, ${how.join(', ')}` : ''})`;
}

/** A Client on `connection`; `options` carries what else the client needs (e.g. a data converter with a payload codec). */
export async function connectClient(connection: TemporalConnection, options: Omit<ClientOptions, 'connection' | 'namespace'> = {}): Promise<Client> {
  return new Client({ ...options, connection: await Connection.connect(connectOptions(connection)), namespace: connection.namespace });
}
