/** The Temporal connection flags of every command that talks to a server, named as the Temporal CLI names them. */
import type { Command } from 'commander';
import { temporalConnectionFromEnv, type ConnectionFlags, type TemporalConnection } from '../workers/connection';

export function withConnectionFlags(command: Command): Command {
  return command
    .option('--address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS; default 127.0.0.1:7233)')
    .option('-n, --namespace <namespace>', 'Temporal namespace (env TEMPORAL_NAMESPACE; default "default")')
    .option('--api-key <key>', 'API key, e.g. for Temporal Cloud; prefer env TEMPORAL_API_KEY (flags show in ps)')
    .option('--tls', 'connect with TLS (env TEMPORAL_TLS; on by itself with an API key or any TLS option)')
    .option('--tls-cert-path <file>', 'client certificate for mTLS (env TEMPORAL_TLS_CLIENT_CERT_PATH, or _DATA with the PEM)')
    .option('--tls-key-path <file>', 'client private key for mTLS (env TEMPORAL_TLS_CLIENT_KEY_PATH, or _DATA)')
    .option('--tls-ca-path <file>', 'CA certificate of the server (env TEMPORAL_TLS_SERVER_CA_CERT_PATH, or _DATA)')
    .option('--tls-server-name <name>', 'server name to verify in its certificate (env TEMPORAL_TLS_SERVER_NAME)');
}

/** The connection from the flags parsed by `withConnectionFlags`, then the environment. */
export function connectionFromFlags(options: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): TemporalConnection {
  const { address, namespace, apiKey, tls, tlsCertPath, tlsKeyPath, tlsCaPath, tlsServerName } = options;
  return temporalConnectionFromEnv(env, { address, namespace, apiKey, tls, tlsCertPath, tlsKeyPath, tlsCaPath, tlsServerName });
}
