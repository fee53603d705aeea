import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket as NetSocket } from 'node:net';
import type { ExecutionContext } from 'ava';
import { readSocketBuffer, SKT$BLOCKING, SocketError, type Socket } from '../../lib/index.js';

/**
 * A plain node:net server on a free loopback port, for tests whose peer must do what the
 * library never does (reset a connection, never read). Every connection it got is destroyed
 * and the server closed when the test ends.
 */
export async function rawServer(
  t: ExecutionContext,
  options: { pauseOnConnect?: boolean } = {},
): Promise<{ port: number; connection: () => Promise<NetSocket> }> {
  const server = createServer({ pauseOnConnect: options.pauseOnConnect ?? false });
  const all: NetSocket[] = [];
  const ready: NetSocket[] = [];
  const waiting: ((peer: NetSocket) => void)[] = [];
  server.on('connection', (peer: NetSocket) => {
    all.push(peer);
    // A reset or a write to a gone peer must not become an uncaught 'error' of the test itself.
    peer.on('error', () => undefined);
    const next = waiting.shift();
    if (next) next(peer);
    else ready.push(peer);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(async () => {
    for (const peer of all) peer.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('raw server has no port');
  return {
    port: address.port,
    connection: () => {
      const peer = ready.shift();
      return peer ? Promise.resolve(peer) : new Promise<NetSocket>((resolve) => waiting.push(resolve));
    },
  };
}

/** Everything a raw peer receives until the end of stream; rejects if it fails first. */
export async function collectUntilEnd(peer: NetSocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => chunks.push(chunk));
  peer.resume();
  await once(peer, 'end'); // once() rejects on 'error'
  return Buffer.concat(chunks);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads exactly `length` bytes with blocking reads; fails after `timeoutMs` in all. */
export async function readExactly(skt: Socket, length: number, timeoutMs = 10_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  const deadline = performance.now() + timeoutMs;
  // Bounded: every read returns at least one byte or throws.
  while (received < length) {
    const left = Math.max(1, Math.ceil(deadline - performance.now()));
    const chunk = await readSocketBuffer(skt, length - received, SKT$BLOCKING, left);
    chunks.push(chunk);
    received += chunk.length;
  }
  return Buffer.concat(chunks);
}

/**
 * Reads with blocking reads until one fails (ER$SKT_CLOSED is what a clean end gives) or
 * `timeoutMs` has passed; returns the bytes and the error that ended it.
 */
export async function readUntilError(skt: Socket, timeoutMs = 10_000, maxLen = 65_536): Promise<{ data: Buffer; error: SocketError }> {
  const chunks: Buffer[] = [];
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = Math.ceil(deadline - performance.now());
    if (left <= 0) throw new Error(`readUntilError: no error within ${timeoutMs} ms`);
    try {
      chunks.push(await readSocketBuffer(skt, maxLen, SKT$BLOCKING, left));
    } catch (error) {
      if (!(error instanceof SocketError)) throw error;
      return { data: Buffer.concat(chunks), error };
    }
  }
}

/** Fails the test if anything reaches process 'uncaughtException' while it runs. */
export function watchUncaught(t: ExecutionContext): { errors: unknown[] } {
  const errors: unknown[] = [];
  const onError = (error: unknown): void => {
    errors.push(error);
  };
  process.on('uncaughtException', onError);
  t.teardown(() => {
    process.off('uncaughtException', onError);
  });
  return { errors };
}
