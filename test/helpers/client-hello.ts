// The first bytes a real TLS client sends, for tests that play a client stalling mid-handshake.
import { once } from 'node:events';
import { createServer as netCreateServer, type Socket as NetSocket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ExecutionContext } from 'ava';
import { withLimit } from './assertions.js';
import { devCertificates } from './tls.js';

/**
 * The first bytes a real TLS client sends: node:tls connects to a raw TCP server that records
 * the first chunk (the ClientHello record) and hangs up.
 */
export async function captureClientHello(t: ExecutionContext): Promise<Buffer> {
  const raw = netCreateServer();
  raw.listen(0, '127.0.0.1');
  await once(raw, 'listening');
  const peers: NetSocket[] = [];
  t.teardown(() => {
    for (const peer of peers) peer.destroy();
    raw.close();
  });
  const first = new Promise<Buffer>((resolve) =>
    raw.once('connection', (peer: NetSocket) => {
      peers.push(peer);
      peer.on('error', () => undefined);
      peer.once('data', (chunk: Buffer) => {
        resolve(chunk);
        peer.destroy();
      });
    }),
  );
  const address = raw.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const client = tlsConnect({ host: '127.0.0.1', port: address.port, servername: 'localhost', ca: devCertificates().ca.cert });
  client.on('error', () => undefined); // the recorder hangs up mid-handshake
  try {
    return await withLimit(first, 5000, 'no ClientHello');
  } finally {
    client.destroy();
  }
}

