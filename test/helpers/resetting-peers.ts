// Peers that fail the way real networks and real programs do: a TCP reset (RST) at a chosen
// moment. node:net sends one with resetAndDestroy(), which works on a TCP handle only, so the TLS
// peers here run node:tls over a TCP socket they keep, and reset that.
import { once } from 'node:events';
import { connect as netConnect, createServer as netCreateServer, type Socket as NetSocket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ExecutionContext } from 'ava';
import { withLimit } from './assertions.js';
import { devCertificates } from './tls.js';

/** A connection to the library: `stream` carries the data (TLS or plain), `raw` is the TCP socket under it. */
export interface ResettablePeer {
  readonly raw: NetSocket;
  readonly stream: NetSocket | TLSSocket;
  /** Sends a TCP reset and destroys the connection. */
  reset(): void;
}

/**
 * Connects to 127.0.0.1:port, over TLS (trusting the development CA, for `localhost`) when
 * `secure`; resolves once connected (and the handshake done). Destroyed when the test ends.
 */
export async function resettablePeer(t: ExecutionContext, port: number, secure: boolean): Promise<ResettablePeer> {
  // Half-open capable, so the peer never shuts its side down by itself on the library's close:
  // a TCP socket already shut down cannot send a reset (libuv refuses), and would stay open.
  const raw = netConnect({ host: '127.0.0.1', port, allowHalfOpen: true });
  t.teardown(() => raw.destroy());
  // The resets this peer makes are the point of the tests; its own errors after them are not.
  raw.on('error', () => undefined);
  await withLimit(once(raw, 'connect'), 10_000, 'no TCP connection');
  if (!secure) return { raw, stream: raw, reset: () => raw.resetAndDestroy() };
  // allowHalfOpen is passed on by tls.connect, but missing from its types.
  const tls = tlsConnect({ socket: raw, servername: 'localhost', ca: devCertificates().ca.cert, allowHalfOpen: true } as ConnectionOptions);
  tls.on('error', () => undefined);
  await withLimit(once(tls, 'secureConnect'), 10_000, 'no TLS handshake');
  return { raw, stream: tls, reset: () => raw.resetAndDestroy() };
}

/** Resolves once `stream` has received at least `bytes` bytes (it is left flowing). */
export function received(stream: NetSocket, bytes: number): Promise<number> {
  let total = 0;
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total < bytes) return;
      stream.off('data', onData);
      resolve(total);
    };
    stream.on('data', onData);
  });
}

/**
 * A TCP relay on a free loopback port to 127.0.0.1:targetPort that resets one side in the middle
 * of a TLS handshake: it passes the client's first flight (the ClientHello) on, and when the
 * server's first flight comes back, it resets the server's side (`'server'`: the server sees a
 * client vanish mid-handshake) or passes half of it on and resets the client's side (`'client'`:
 * the client sees its server vanish mid-handshake). Resolves with the relay's port; `cut`
 * resolves when it has reset a connection.
 */
export async function handshakeCutter(
  t: ExecutionContext,
  targetPort: number,
  victim: 'server' | 'client',
): Promise<{ port: number; cut: Promise<void> }> {
  const sockets: NetSocket[] = [];
  let markCut: () => void = () => undefined;
  const cut = new Promise<void>((resolve) => {
    markCut = resolve;
  });
  const relay = netCreateServer((client) => {
    const server = netConnect({ host: '127.0.0.1', port: targetPort });
    sockets.push(client, server);
    client.on('error', () => undefined);
    server.on('error', () => undefined);
    client.pipe(server);
    server.once('data', (flight: Buffer) => {
      if (victim === 'server') {
        server.resetAndDestroy();
        client.destroy();
      } else {
        client.write(flight.subarray(0, Math.ceil(flight.length / 2)), () => {
          client.resetAndDestroy();
          server.destroy();
        });
      }
      markCut();
    });
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });
  return { port: (relay.address() as { port: number }).port, cut };
}
