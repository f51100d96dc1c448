/** Building Temporal connection options from flags and Temporal's environment variables. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectOptions, describeConnection, temporalConnectionFromEnv } from '../../../workers/connection';
import { workerSettingsFromEnv } from '../../../workers/settings';

const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-connection-'));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const cert = file('client.pem', 'CLIENT CERT');
const key = file('client.key', 'CLIENT KEY');
const ca = file('ca.pem', 'SERVER CA');
const otherCert = file('other.pem', 'OTHER CERT');

describe('temporalConnectionFromEnv', () => {
  it('defaults to a local plaintext server in namespace default', () => {
    expect(temporalConnectionFromEnv({})).toEqual({ address: '127.0.0.1:7233', namespace: 'default', tls: false });
  });

  it('reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE; flags win over them', () => {
    const env = { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'research' };
    expect(temporalConnectionFromEnv(env)).toMatchObject({ address: 'temporal.internal:7233', namespace: 'research' });
    expect(temporalConnectionFromEnv(env, { address: 'other:7233', namespace: 'ns2' })).toMatchObject({ address: 'other:7233', namespace: 'ns2' });
  });

  it('turns TLS on with an API key, and passes the key as a connection option', () => {
    const connection = temporalConnectionFromEnv({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret-key' });
    expect(connection.tls).toEqual({});
    expect(connectOptions(connection)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'secret-key' });
    expect(describeConnection(connection)).toBe('ns.acct.tmprl.cloud:7233 (namespace default, TLS, API key)');
    expect(describeConnection(connection)).not.toContain('secret-key');
  });

  it('keeps TLS off when TEMPORAL_TLS=false, even with an API key', () => {
    const connection = temporalConnectionFromEnv({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect(connectOptions(connection)).toEqual({ address: '127.0.0.1:7233', tls: false, apiKey: 'k' });
  });

  it('turns TLS on with TEMPORAL_TLS=true or --tls alone', () => {
    expect(temporalConnectionFromEnv({ TEMPORAL_TLS: 'true' }).tls).toEqual({});
    expect(temporalConnectionFromEnv({ TEMPORAL_TLS: '1' }).tls).toEqual({});
    expect(temporalConnectionFromEnv({}, { tls: true }).tls).toEqual({});
  });

  it('builds mTLS from the certificate, key and CA files and the server name', () => {
    const connection = temporalConnectionFromEnv({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(connection.tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Buffer.from('SERVER CA'),
      clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('CLIENT KEY') },
    });
    expect(describeConnection(connection)).toBe('127.0.0.1:7233 (namespace default, mTLS)');
  });

  it('takes PEM data from the *_DATA variables, and flag paths over the environment', () => {
    const connection = temporalConnectionFromEnv(
      { TEMPORAL_TLS_CLIENT_CERT_DATA: 'INLINE CERT', TEMPORAL_TLS_CLIENT_KEY_DATA: 'INLINE KEY', TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca },
      { tlsCertPath: otherCert, tlsKeyPath: key },
    );
    expect(connection.tls).toEqual({
      serverRootCACertificate: Buffer.from('SERVER CA'),
      clientCertPair: { crt: Buffer.from('OTHER CERT'), key: Buffer.from('CLIENT KEY') },
    });
    expect(temporalConnectionFromEnv({ TEMPORAL_TLS_CLIENT_CERT_DATA: 'C', TEMPORAL_TLS_CLIENT_KEY_DATA: 'K' }).tls).toEqual({
      clientCertPair: { crt: Buffer.from('C'), key: Buffer.from('K') },
    });
  });

  it('names the variables and files in every error', () => {
    expect(() => temporalConnectionFromEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert })).toThrow(
      'a TLS client certificate needs its key: --tls-key-path or TEMPORAL_TLS_CLIENT_KEY_PATH / _DATA',
    );
    expect(() => temporalConnectionFromEnv({}, { tlsKeyPath: key })).toThrow('a TLS client key needs its certificate');
    expect(() => temporalConnectionFromEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca, TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'X' })).toThrow(
      'set TEMPORAL_TLS_SERVER_CA_CERT_PATH or TEMPORAL_TLS_SERVER_CA_CERT_DATA, not both',
    );
    expect(() => temporalConnectionFromEnv({ TEMPORAL_TLS: 'yes' })).toThrow('TEMPORAL_TLS must be true or false, got "yes"');
    expect(() => temporalConnectionFromEnv({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca })).toThrow('TEMPORAL_TLS is false but');
    const missing = path.join(dir, 'missing.pem');
    expect(() => temporalConnectionFromEnv({}, { tlsCaPath: missing })).toThrow(`cannot read ${missing} (--tls-ca-path): ENOENT`);
    expect(() => temporalConnectionFromEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: missing })).toThrow(`(TEMPORAL_TLS_SERVER_CA_CERT_PATH)`);
    expect(() => temporalConnectionFromEnv({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' })).toThrow('TEMPORAL_TLS_SERVER_NAME');
  });
});

describe('worker settings', () => {
  it('connect the workers as the environment says', () => {
    const settings = workerSettingsFromEnv({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'research', TEMPORAL_API_KEY: 'k' });
    expect(connectOptions(settings.temporal)).toEqual({ address: 'temporal.internal:7233', tls: {}, apiKey: 'k' });
    expect(settings.temporal.namespace).toBe('research');
  });

  it('ignore the TEMPORAL_* variables when given a connection (a local stack its own dev server)', () => {
    const local = { address: '127.0.0.1:9999', namespace: 'default', tls: false as const };
    expect(workerSettingsFromEnv({ TEMPORAL_TLS: 'not a boolean', TEMPORAL_API_KEY: 'k' }, { temporal: local }).temporal).toBe(local);
  });
});
