/**
 * A TLS endpoint in front of the dev server, as a Temporal cluster behind mTLS looks to a client:
 * it requires a client certificate signed by the test CA (tls/), speaks h2 by ALPN as gRPC wants,
 * and forwards the decrypted bytes to the dev server's plaintext port.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';

const dir = path.join(__dirname, 'tls');
export const TLS_FILES = {
  ca: path.join(dir, 'ca.pem'),
  clientCert: path.join(dir, 'client.pem'),
  clientKey: path.join(dir, 'client.key'),
};

export async function startTlsProxy(target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let rejected = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      key: readFileSync(path.join(dir, 'server.key')),
      cert: readFileSync(path.join(dir, 'server.pem')),
      ca: readFileSync(TLS_FILES.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (client) => {
      const upstream = net.connect(port, host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
        s.on('error', () => [client, upstream].forEach((x) => x.destroy()));
      }
      client.pipe(upstream).pipe(client);
    },
  );
  server.on('tlsClientError', () => rejected++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    rejectedHandshakes: () => rejected,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
