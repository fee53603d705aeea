/**
 * The client side of the memory test, in a process of its own so that it costs the measured
 * server nothing but the connections: opens N raw node:tls connections (full handshakes, the
 * server verified against the CA, at most `concurrency` handshakes at a time), keeps them open
 * and idle, and closes them when told. The same client serves both server variants.
 */
import { connect, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { FromClientChild, ToClientChild } from './children.js';
import { HOST } from './peers.js';
import { MIN_VERSION } from './tls-material.js';

const MAX_LIFETIME = 20 * 60_000;
const held: TLSSocket[] = [];

const send = (msg: FromClientChild): void => {
  process.send?.(msg);
};

/** Opens `count` connections, `concurrency` handshakes at a time, within `maxMs`. */
async function open(port: number, count: number, concurrency: number, ca: string, maxMs: number): Promise<{ connected: number; failed: number; ms: number; firstError?: string }> {
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  let started = 0;
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const sock = connect({ host: HOST, port, ca, minVersion: MIN_VERSION });
      const timer = setTimeout(() => sock.destroy(new Error('handshake took over 30 s')), 30_000);
      sock.once('secureConnect', () => {
        clearTimeout(timer);
        sock.off('error', onError);
        sock.on('error', () => undefined); // a later reset only ends this idle connection
        held.push(sock);
        connected++;
        resolve();
      });
      const onError = (err: Error): void => {
        clearTimeout(timer);
        failed++;
        firstError ??= err.message;
        sock.destroy();
        resolve();
      };
      sock.once('error', onError);
    });
  // `concurrency` lanes, each opening connections one after another: bounded by count and time.
  const lane = async (): Promise<void> => {
    while (started < count && performance.now() < deadline) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { connected, failed, ms: performance.now() - t0, ...(firstError !== undefined && { firstError }) };
}

async function closeAll(): Promise<void> {
  const closing = held.splice(0).map(
    (sock) =>
      new Promise<void>((resolve) => {
        if (sock.destroyed) return resolve();
        sock.once('close', () => resolve());
        sock.destroy();
      }),
  );
  await Promise.all(closing);
}

process.on('message', (msg: ToClientChild) => {
  if (msg.type === 'open') {
    open(msg.port, msg.count, msg.concurrency, msg.ca, msg.maxMs).then((r) => send({ type: 'opened', id: msg.id, ...r }));
  } else if (msg.type === 'close') {
    closeAll().then(() => send({ type: 'closed', id: msg.id }));
  }
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(3), MAX_LIFETIME).unref();
