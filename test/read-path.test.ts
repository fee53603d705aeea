// The read path of sockets Node made (accepted, plain and TLS, after a PROXY header, after
// startTls): their chunks go from the socket's handle to the facade's read buffer without Node's
// Readable, and keep every semantic reads had: the bound on what is buffered while nobody reads
// (the peer held by TCP flow control), every byte once and in order, end of stream after the
// last byte, a reset reported once, and pause/resume under a slow reader. Each test also checks
// that no 'data' event carried the bytes, so it fails if the fallback to 'data' events (kept
// for a Node whose internals differ) silently took over.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Socket as NetSocket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  ER$FAILED,
  ER$SKT_CLOSED,
  readSocketBuffer,
  SKT$BLOCKING,
  SKT$INFO_IP_ADDR,
  SKT$INFO_PORT,
  socketInfo,
  startTls,
  writeSocket,
  type Socket,
} from '../lib/index.js';
import { READ_HIGH_WATER } from '../lib/constants.js';
import { expectSocketError, withLimit } from './helpers/assertions.js';
import { proxyConnection, v1 } from './helpers/proxy-headers.js';
import { collectUntilEnd, readExactly, readUntilError } from './helpers/raw-peer.js';
import { resettablePeer, type ResettablePeer } from './helpers/resetting-peers.js';
import { listen } from './helpers/sockets.js';
import { devCertificates, secureAccept, secureListen, serverContext } from './helpers/tls.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** What the flood test sends to a socket nobody reads. */
const FLOOD = 64 * MiB;
/**
 * The most an accepted socket buffers while nobody reads it: READ_HIGH_WATER, past which it
 * stops reading from the kernel, plus what arrives with the read that crossed it (a read takes
 * at most 64 KiB; over TLS, the plaintext of the records that read brought).
 */
const BUFFER_BOUND = READ_HIGH_WATER + 128 * KiB;
/** Generous: the machine is shared. */
const LIMIT = 30_000;

/** What the tests look at inside an accepted socket: the stream under it and its read buffer. */
interface Inside {
  readonly stream: NetSocket;
  readonly bufferedLength: number;
}
const inside = (skt: Socket): Inside => skt as unknown as Inside;

/** Counts the 'data' events of the socket's stream from now on: the direct path emits none. */
function countDataEvents(skt: Socket): { readonly count: number } {
  const counter = { count: 0 };
  inside(skt).stream.on('data', () => counter.count++);
  return counter;
}

type Kind = 'plain' | 'TLS';

/** A peer (plain or TLS, able to reset) connected to a server socket, and the socket accepted for it. */
async function acceptedPeer(t: ExecutionContext, kind: Kind): Promise<{ peer: ResettablePeer; accepted: Socket }> {
  if (kind === 'plain') {
    const { server, port } = await listen(t);
    // Closed at teardown as soon as it is accepted, even when the peer's side then fails.
    const accepting = acceptSocket(server, LIMIT).then((skt) => {
      t.teardown(() => closeSocket(skt));
      return skt;
    });
    const [peer, accepted] = await Promise.all([resettablePeer(t, port, false), accepting]);
    return { peer, accepted };
  }
  const { server, port } = await secureListen(t, serverContext());
  const [peer, accepted] = await Promise.all([resettablePeer(t, port, true), secureAccept(t, server, LIMIT)]);
  return { peer, accepted };
}

/**
 * Writes `total` random bytes to `stream` in 1 MiB pieces, waiting for 'drain' when write() says
 * so, then ends it. `stalled` resolves, once, when a drain has not come for 500 ms (everything
 * between the two ends is full), with the bytes handed to the kernel by then; `digest` with the
 * SHA-256 of everything sent, once it is all written.
 */
function flood(stream: NetSocket, total: number): { stalled: Promise<number>; digest: Promise<string> } {
  let onStall: (sent: number) => void = () => undefined;
  const stalled = new Promise<number>((resolve) => (onStall = resolve));
  const digest = (async (): Promise<string> => {
    const hash = createHash('sha256');
    let sent = 0;
    // Bounded: total / 1 MiB writes.
    while (sent < total) {
      const piece = randomBytes(Math.min(MiB, total - sent));
      hash.update(piece);
      sent += piece.length;
      if (stream.write(piece)) continue;
      const timer = setTimeout(() => onStall(sent - stream.writableLength), 500);
      // Whichever wait loses is cancelled, so no listener is left behind for the next one.
      const waits = new AbortController();
      try {
        // A stream closed without an error (torn down) drains no more: that ends the flood too.
        await Promise.race([
          once(stream, 'drain', { signal: waits.signal }),
          once(stream, 'close', { signal: waits.signal }).then(() => Promise.reject(new Error('the flood\'s stream closed before it drained'))),
        ]);
      } finally {
        clearTimeout(timer);
        waits.abort();
      }
    }
    stream.end();
    return hash.digest('hex');
  })();
  return { stalled, digest };
}

/**
 * Reads everything until the peer's end, `maxLen` bytes at most a read, checking after each read
 * that the buffer stays within the bound and Readable's stays empty. Returns the byte count,
 * the SHA-256, and whether the socket was seen stopped (paused) between reads.
 */
async function readToEndChecked(t: ExecutionContext, skt: Socket, maxLen: number, between?: () => Promise<void>): Promise<{ bytes: number; digest: string; sawPaused: boolean }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let sawPaused = false;
  let worst = 0;
  let readableWorst = 0;
  const { stream } = inside(skt);
  // Bounded: each read has its own timeout, and the peer's end (ER$SKT_CLOSED) ends the loop.
  for (;;) {
    let chunk: Buffer;
    try {
      chunk = await readSocketBuffer(skt, maxLen, SKT$BLOCKING, LIMIT);
    } catch (err) {
      t.is((err as { status?: number }).status, ER$SKT_CLOSED, String(err));
      break;
    }
    hash.update(chunk);
    bytes += chunk.length;
    worst = Math.max(worst, inside(skt).bufferedLength);
    readableWorst = Math.max(readableWorst, stream.readableLength);
    sawPaused ||= stream.isPaused();
    if (between !== undefined) await between();
  }
  t.true(worst <= BUFFER_BOUND, `buffered ${worst} bytes at worst while reading, bound ${BUFFER_BOUND}`);
  t.is(readableWorst, 0, "Readable's buffer held bytes");
  return { bytes, digest: hash.digest('hex'), sawPaused };
}

for (const kind of ['plain', 'TLS'] as const) {
  test(`${kind}: an accepted socket's bytes reach the facade without 'data' events, and Readable's buffer stays empty`, async (t) => {
    const { peer, accepted } = await acceptedPeer(t, kind);
    const events = countDataEvents(accepted);
    const sent = randomBytes(MiB);
    peer.stream.write(sent);
    const got = await readExactly(accepted, sent.length, LIMIT);
    t.true(got.equals(sent));
    t.is(inside(accepted).stream.readableLength, 0);
    t.is(events.count, 0, "chunks went through 'data' events: the fallback was taken");
  });

  test(`${kind}: 64 MiB sent to an accepted socket nobody reads holds the sender, the socket buffers at most ${BUFFER_BOUND / KiB} KiB, and reading gets every byte in order`, async (t) => {
    t.timeout(120_000);
    const { peer, accepted } = await acceptedPeer(t, kind);
    const events = countDataEvents(accepted);
    const { stalled, digest } = flood(peer.stream, FLOOD);
    // The sender is held: its writes stop draining with most of the 64 MiB still unsent. Had the
    // socket read without bound, the flood would go through instead.
    const handedOver = await withLimit(stalled, 60_000, 'the sender was never held back');
    const { stream, bufferedLength: buffered } = inside(accepted);
    t.log(`${kind}: the sender stalled after handing ${(handedOver / MiB).toFixed(1)} MiB to the kernel; the socket buffers ${buffered} bytes`);
    t.true(handedOver < FLOOD / 2, `${handedOver} bytes went out before the sender was held`);
    t.true(buffered >= READ_HIGH_WATER, 'the socket filled its buffer first');
    t.true(buffered <= BUFFER_BOUND, `${buffered} bytes buffered`);
    t.is(stream.readableLength, 0, "Readable's buffer holds nothing");
    // What the process took from the kernel (the TCP socket under TLS counts ciphertext).
    if (kind === 'plain') t.true(stream.bytesRead <= BUFFER_BOUND, `${stream.bytesRead} bytes read from the kernel`);

    const read = await withLimit(readToEndChecked(t, accepted, 64 * KiB), 90_000, 'reading the flood did not finish');
    t.is(read.bytes, FLOOD);
    t.is(read.digest, await digest, 'every byte, once, in order');
    t.is(events.count, 0, "chunks went through 'data' events: the fallback was taken");
  });

  test(`${kind}: the end of stream comes after the last byte; the half-open socket still writes to the peer`, async (t) => {
    const { peer, accepted } = await acceptedPeer(t, kind);
    const events = countDataEvents(accepted);
    const sent = randomBytes(300 * KiB);
    const ended = once(inside(accepted).stream, 'end');
    peer.stream.end(sent);
    // The bytes and the FIN are all here before the first read (past the high-water mark: the
    // socket stopped reading, and reads again as they are taken).
    const { data, error } = await readUntilError(accepted, LIMIT);
    t.true(data.equals(sent), `${data.length} of ${sent.length} bytes`);
    t.is(error.status, ER$SKT_CLOSED);
    await withLimit(ended, LIMIT, "no 'end'");
    await expectSocketError(t, () => readSocketBuffer(accepted, 100, SKT$BLOCKING, LIMIT), ER$SKT_CLOSED);
    // The peer ended its side only: the answer still reaches it.
    const answer = collectUntilEnd(peer.stream);
    t.is(await writeSocket(accepted, 'answer', SKT$BLOCKING, LIMIT), 6);
    await closeSocket(accepted);
    t.is((await withLimit(answer, LIMIT, 'the peer got no end')).toString('latin1'), 'answer');
    t.is(events.count, 0);
  });

  test(`${kind}: a reset after some bytes: they are read, then ER$FAILED (ECONNRESET) once, then ER$SKT_CLOSED`, async (t) => {
    const { peer, accepted } = await acceptedPeer(t, kind);
    const events = countDataEvents(accepted);
    peer.stream.write('before reset');
    t.is((await readExactly(accepted, 12, LIMIT)).toString('latin1'), 'before reset');
    const waiting = readSocketBuffer(accepted, 100, SKT$BLOCKING, LIMIT);
    peer.reset();
    await expectSocketError(t, () => waiting, ER$FAILED, 'ECONNRESET');
    await expectSocketError(t, () => readSocketBuffer(accepted, 100, SKT$BLOCKING, LIMIT), ER$SKT_CLOSED);
    t.is(events.count, 0);
  });

  test(`${kind}: a slow reader: the socket stops reading at the bound and starts again as it reads, and gets every byte in order`, async (t) => {
    t.timeout(120_000);
    const { peer, accepted } = await acceptedPeer(t, kind);
    const events = countDataEvents(accepted);
    const { digest } = flood(peer.stream, 4 * MiB);
    // Small reads with a turn of the event loop after each: the sender is much faster.
    const read = await withLimit(
      readToEndChecked(t, accepted, 4 * KiB, () => new Promise((resolve) => setImmediate(resolve))),
      90_000,
      'the slow reader did not finish',
    );
    t.is(read.bytes, 4 * MiB);
    t.is(read.digest, await digest);
    t.true(read.sawPaused, 'the socket never stopped reading from the kernel');
    t.is(events.count, 0);
  });
}

test('after a PROXY header, the bytes that came with it and after it reach the facade without \'data\' events', async (t) => {
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, { proxyProtocol: { trusted: ['127.0.0.0/8'] } });
  t.teardown(() => closeSocket(server));
  const proxy = await proxyConnection(t, socketInfo(server, SKT$INFO_PORT));
  // The header and the client's first bytes in one write, so they share a packet.
  proxy.write(Buffer.concat([v1('192.0.2.7', 4321, '127.0.0.1', 80), Buffer.from('first ')]));
  const accepted = await acceptSocket(server, LIMIT);
  t.teardown(() => closeSocket(accepted));
  const events = countDataEvents(accepted);
  t.is(socketInfo(accepted, SKT$INFO_IP_ADDR), '192.0.2.7');
  proxy.write('second');
  t.is((await readExactly(accepted, 12, LIMIT)).toString('latin1'), 'first second');
  t.is(events.count, 0);
});

test('after startTls on an accepted socket, the plaintext reaches the facade without \'data\' events', async (t) => {
  const { peer, accepted } = await acceptedPeer(t, 'plain');
  peer.raw.write('STARTTLS\r\n');
  t.is((await readExactly(accepted, 10, LIMIT)).toString('latin1'), 'STARTTLS\r\n');
  const tls = tlsConnect({ socket: peer.raw, servername: 'localhost', ca: devCertificates().ca.cert });
  tls.on('error', () => undefined); // the test fails on the facade's side, which says why
  const peerSecure = once(tls, 'secureConnect');
  const secure = await startTls(accepted, serverContext());
  t.teardown(() => closeSocket(secure));
  await withLimit(peerSecure, LIMIT, 'no handshake on the peer');
  const events = countDataEvents(secure);
  const sent = randomBytes(512 * KiB);
  tls.write(sent);
  t.true((await readExactly(secure, sent.length, LIMIT)).equals(sent));
  t.is(events.count, 0);
});
