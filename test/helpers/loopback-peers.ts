// Clients that connect from a chosen loopback address (the whole 127.0.0.0/8 is loopback), so a
// test can play one address flooding a server while another is served.
import { once } from 'node:events';
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ExecutionContext } from 'ava';
import { withLimit } from './assertions.js';
import { devCertificates } from './tls.js';

/**
 * A raw TCP connection to 127.0.0.1:port from `localAddress`, destroyed when the test ends;
 * resolves once connected. Half-open capable unless `options` say otherwise.
 */
export async function rawFrom(
  t: ExecutionContext,
  port: number,
  localAddress: string,
  options: { readonly allowHalfOpen?: boolean; readonly noDelay?: boolean } = {},
): Promise<NetSocket> {
  const { allowHalfOpen = true, noDelay } = options;
  const socket = netConnect({ host: '127.0.0.1', port, localAddress, allowHalfOpen, noDelay });
  t.teardown(() => socket.destroy());
  socket.on('error', () => undefined); // the server resets some of them on purpose
  await withLimit(once(socket, 'connect'), 10_000, `no connection from ${localAddress}`);
  return socket;
}

/** Resolves when the server has ended `socket` (its FIN or a reset), with the ms since `since`. */
export function endedAfter(socket: NetSocket, since: number): Promise<number> {
  socket.resume(); // whatever the server sends is dropped, so its FIN shows as 'end'
  return new Promise((resolve) => {
    const done = (): void => resolve(performance.now() - since);
    socket.once('end', done);
    socket.once('close', done);
  });
}

/** A TLS client to 127.0.0.1:port from `localAddress` that trusts the development CA; resolves once its handshake is done. */
export async function tlsFrom(t: ExecutionContext, port: number, localAddress: string) {
  const raw = netConnect({ host: '127.0.0.1', port, localAddress });
  raw.on('error', () => undefined); // some tests reset it on purpose
  const client = tlsConnect({ socket: raw, servername: 'localhost', ca: devCertificates().ca.cert });
  t.teardown(() => raw.destroy());
  client.on('error', () => undefined);
  await withLimit(once(client, 'secureConnect'), 10_000, `no handshake from ${localAddress}`);
  return { raw, client };
}
