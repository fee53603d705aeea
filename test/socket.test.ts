import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSocket,
  closeSocket,
  ER$FAILED,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  openSocket,
  readSocket,
  readSocketBuffer,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_BLOCKING,
  SKT$INFO_LINGER,
  SKT$INFO_OPEN,
  SKT$NON_BLOCKING,
  socketInfo,
  SocketError,
  writeSocket,
  type Socket,
} from '../lib/index.js';
import { withLimit } from './helpers/assertions.js';
import { connectedPair, listen } from './helpers/sockets.js';
import { collectUntilEnd, rawServer, readExactly, readUntilError, sha256, watchUncaught } from './helpers/raw-peer.js';

const MiB = 1024 * 1024;
/** Every byte value once, as a Pick byte string and as bytes. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const ALL_CHARS = String.fromCharCode(...ALL_BYTES);

/** Awaits a call that must fail with a SocketError and returns it. */
async function socketError(t: ExecutionContext, call: () => Promise<unknown>): Promise<SocketError> {
  return t.throwsAsync(call, { instanceOf: SocketError }) as Promise<SocketError>;
}

/** Milliseconds a call takes to settle, and its error if it failed. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now();
  try {
    await call();
    return { ms: performance.now() - start, error: undefined };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/** Writes `data` from `from` after `ms`, on purpose: the read under test must wait for it. */
function writeLater(from: Socket, data: string, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    setTimeout(() => writeSocket(from, data, SKT$BLOCKING, 5000).then(resolve, reject), ms);
  });
}

/** A library client on a raw node:net peer (which the test may reset or never read). */
async function clientOnRawPeer(t: ExecutionContext, options: { pauseOnConnect?: boolean } = {}) {
  const { port, connection } = await rawServer(t, options);
  const client = await openSocket('127.0.0.1', port, SKT$BLOCKING);
  t.teardown(() => closeSocket(client));
  return { client, peer: await connection() };
}

// ---------------------------------------------------------------------------------------------
// readSocket: how much, when, and blocking mode
// ---------------------------------------------------------------------------------------------

test('readSocket returns at most maxLen bytes, then the rest', async (t) => {
  const { client, accepted } = await connectedPair(t);
  t.is(await writeSocket(client, '0123456789', SKT$BLOCKING, 5000), 10);
  t.is(await readSocket(accepted, 4, SKT$BLOCKING, 5000), '0123');
  t.is(await readSocket(accepted, 100, SKT$BLOCKING, 5000), '456789');
});

test('readSocket resolves with what is there instead of waiting to fill maxLen', async (t) => {
  const { client, accepted } = await connectedPair(t);
  await writeSocket(client, 'abc', SKT$BLOCKING, 5000);
  // Waiting for 65536 bytes would end in ER$TIMEOUT after 5 s, failing the test.
  t.is(await readSocket(accepted, 65_536, SKT$BLOCKING, 5000), 'abc');
});

test('a blocking read waits for data written later', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const late = writeLater(client, 'late', 100);
  const { ms, error } = await timed(async () => t.is(await readSocket(accepted, 10, SKT$BLOCKING, 5000), 'late'));
  t.is(error, undefined);
  t.true(ms >= 90, `read returned after ${ms} ms, before the data was written`);
  t.is(await late, 4);
});

test('a non-blocking read with nothing buffered fails at once with ER$TIMEOUT, whatever the timeout', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const { ms, error } = await timed(() => readSocket(accepted, 10, SKT$NON_BLOCKING, 5000));
  t.true(error instanceof SocketError);
  t.is((error as SocketError).code, 'ER$TIMEOUT');
  t.is((error as SocketError).status, ER$TIMEOUT);
  t.true(ms < 1000, `non-blocking read took ${ms} ms`);

  // With bytes buffered, a non-blocking read returns them.
  await writeSocket(client, 'abc', SKT$BLOCKING, 5000);
  t.is(await readSocket(accepted, 1, SKT$BLOCKING, 5000), 'a');
  t.is(await readSocket(accepted, 10, SKT$NON_BLOCKING, 5000), 'bc');
});

test('a socket opened with flags 0 is non-blocking; setSocketMode makes it blocking', async (t) => {
  const { server, port } = await listen(t);
  const client = await openSocket('127.0.0.1', port, 0);
  t.teardown(() => closeSocket(client));
  const accepted = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));
  t.false(socketInfo(client, SKT$INFO_BLOCKING));

  // The porting trap: flags 0 with a 5 s timeout still returns at once.
  for (const call of [() => readSocket(client, 10), () => readSocket(client, 10, 0, 5000)]) {
    const { ms, error } = await timed(call);
    t.is((error as SocketError).code, 'ER$TIMEOUT');
    t.true(ms < 1000, `default-mode read took ${ms} ms`);
  }

  // SKT$BLOCKING on the call overrides the socket's default.
  const first = writeLater(accepted, 'one', 100);
  t.is(await readSocket(client, 10, SKT$BLOCKING, 5000), 'one');
  await first;

  t.true(setSocketMode(client, SKT$INFO_BLOCKING, 1));
  t.true(socketInfo(client, SKT$INFO_BLOCKING));
  const second = writeLater(accepted, 'two', 100);
  const { ms, error } = await timed(async () => t.is(await readSocket(client, 10, 0, 5000), 'two'));
  t.is(error, undefined);
  t.true(ms >= 90, `read returned after ${ms} ms, before the data was written`);
  await second;

  // ...and back: flags 0 is non-blocking again.
  setSocketMode(client, SKT$INFO_BLOCKING, 0);
  t.false(socketInfo(client, SKT$INFO_BLOCKING));
  t.is((await socketError(t, () => readSocket(client, 10, 0, 5000))).code, 'ER$TIMEOUT');
  // SKT$NON_BLOCKING on the call overrides a blocking default.
  setSocketMode(client, SKT$INFO_BLOCKING, 1);
  const { ms: nbMs, error: nbError } = await timed(() => readSocket(client, 10, SKT$NON_BLOCKING, 5000));
  t.is((nbError as SocketError).code, 'ER$TIMEOUT');
  t.true(nbMs < 1000, `non-blocking read took ${nbMs} ms`);
});

test("accepted sockets inherit the server socket's SKT$BLOCKING flag", async (t) => {
  for (const flags of [SKT$BLOCKING, 0]) {
    const { server, port } = await listen(t, flags);
    const client = await openSocket('127.0.0.1', port, SKT$BLOCKING);
    t.teardown(() => closeSocket(client));
    const accepted = await acceptSocket(server, 5000);
    t.teardown(() => closeSocket(accepted));
    t.is(socketInfo(accepted, SKT$INFO_BLOCKING), flags === SKT$BLOCKING);
    if (flags === SKT$BLOCKING) {
      const late = writeLater(client, 'waited', 100);
      t.is(await readSocket(accepted, 10, 0, 5000), 'waited');
      await late;
    } else {
      const { ms, error } = await timed(() => readSocket(accepted, 10, 0, 5000));
      t.is((error as SocketError).code, 'ER$TIMEOUT');
      t.true(ms < 1000, `read on a non-blocking accepted socket took ${ms} ms`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

test('a 200 ms read timeout ends with ER$TIMEOUT after 200 ms and well before a second', async (t) => {
  const { accepted } = await connectedPair(t);
  const { ms, error } = await timed(() => readSocket(accepted, 10, SKT$BLOCKING, 200));
  t.true(error instanceof SocketError);
  t.is((error as SocketError).status, ER$TIMEOUT);
  t.is((error as SocketError).code, 'ER$TIMEOUT');
  t.true(ms >= 190, `timed out after only ${ms} ms`);
  t.true(ms < 1000, `timed out after ${ms} ms`);
});

test('each timed read gets its whole timeout, however the reads before it ended', async (t) => {
  // A socket re-arms one timer for its timed reads; none may inherit an earlier read's deadline.
  // Times are wide apart (the suite may share two cores with many other tests): each check
  // fails by hundreds of milliseconds when a read takes another's deadline.
  const { client, accepted } = await connectedPair(t);
  const first = writeLater(client, 'a', 300);
  t.is(await readSocket(accepted, 10, SKT$BLOCKING, 1200), 'a');
  await first;
  // The first read's 1200 ms would have run out at about 1200 ms; this one's data comes at about 1350.
  const second = writeLater(client, 'b', 1050);
  const answered = await timed(async () => t.is(await readSocket(accepted, 10, SKT$BLOCKING, 1200), 'b'));
  t.is(answered.error, undefined, 'the second read took the first one\'s deadline');
  await second;
  // A shorter timeout, then a longer one again: each runs its own length.
  const short = await timed(() => readSocket(accepted, 10, SKT$BLOCKING, 450));
  t.is((short.error as SocketError | undefined)?.status, ER$TIMEOUT);
  t.true(short.ms >= 440 && short.ms < 1170, `450 ms read timed out after ${short.ms} ms`);
  const long = await timed(() => readSocket(accepted, 10, SKT$BLOCKING, 1200));
  t.is((long.error as SocketError | undefined)?.status, ER$TIMEOUT);
  t.true(long.ms >= 1190, `1200 ms read timed out after only ${long.ms} ms`);
});

test('after a timed read was answered, its timer going off ends no later read', async (t) => {
  // Times are wide apart, as in the test above.
  const { client, accepted } = await connectedPair(t);
  // Armed before the data comes, so that its timer is running when the data answers it.
  const answeredRead = readSocket(accepted, 10, SKT$BLOCKING, 600);
  await writeSocket(client, 'now', SKT$BLOCKING, 5000);
  t.is(await answeredRead, 'now');
  // No timeout: still waiting well after the 600 ms of the read before.
  const late = writeLater(client, 'later', 1350);
  const waited = await timed(async () => t.is(await readSocket(accepted, 10, SKT$BLOCKING, 0), 'later'));
  t.is(waited.error, undefined);
  t.true(waited.ms >= 1340, `read returned after ${waited.ms} ms, before the data was written`);
  await late;
  // Queued behind a read without a timeout, a timed read still times out on time.
  const blocker = readSocket(accepted, 10, SKT$BLOCKING, 0);
  const queued = await timed(() => readSocket(accepted, 10, SKT$BLOCKING, 450));
  t.is((queued.error as SocketError | undefined)?.status, ER$TIMEOUT);
  t.true(queued.ms >= 440 && queued.ms < 3000, `queued 450 ms read ended after ${queued.ms} ms`);
  await writeSocket(client, 'x', SKT$BLOCKING, 5000);
  t.is(await blocker, 'x');
});

test('a short timed read after a long one times out on its own time, and so does one after the timer went off unused', async (t) => {
  // The socket's read timer is never moved later, only started anew for an earlier deadline:
  // a 300 ms read must not wait for the timer of a 4000 ms read answered just before.
  const { client, accepted } = await connectedPair(t);
  const answered = readSocket(accepted, 10, SKT$BLOCKING, 4000);
  await writeSocket(client, 'a', SKT$BLOCKING, 5000);
  t.is(await answered, 'a');
  /** A 300 ms read that must time out; bounded, so a read with no timer fails the test instead of hanging it. */
  const shortRead = () => timed(() => withLimit(readSocket(accepted, 10, SKT$BLOCKING, 300), 3000, 'no timeout'));
  const short = await shortRead();
  t.is((short.error as SocketError | undefined)?.status, ER$TIMEOUT, 'the 300 ms read timed out');
  t.true(short.ms >= 290 && short.ms < 2000, `300 ms read timed out after ${short.ms} ms, not on its own time`);
  // Its timer went off for that read; another read answered at once leaves a timer that goes off
  // with no read waiting. A timed read after that still gets a timer of its own.
  const quick = readSocket(accepted, 10, SKT$BLOCKING, 300);
  await writeSocket(client, 'b', SKT$BLOCKING, 5000);
  t.is(await quick, 'b');
  await sleep(600);
  const after = await shortRead();
  t.is((after.error as SocketError | undefined)?.status, ER$TIMEOUT, 'the read after an unused timer went off timed out');
  t.true(after.ms >= 290 && after.ms < 2000, `it timed out after ${after.ms} ms`);
});

test('timeout 0 (or none) waits until data comes', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const writes = [writeLater(client, 'zero', 300), writeLater(accepted, 'none', 300)];
  const [withZero, withNone] = await Promise.all([
    timed(async () => t.is(await readSocket(accepted, 10, SKT$BLOCKING, 0), 'zero')),
    timed(async () => t.is(await readSocket(client, 10, SKT$BLOCKING), 'none')),
  ]);
  for (const { ms, error } of [withZero, withNone]) {
    t.is(error, undefined);
    t.true(ms >= 290, `read returned after ${ms} ms, before the data was written`);
  }
  await Promise.all(writes);
});

// ---------------------------------------------------------------------------------------------
// End of stream and resets
// ---------------------------------------------------------------------------------------------

test('data sent before the peer closes arrives whole, then ER$SKT_CLOSED', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const payload = randomBytes(MiB);
  const reading = readUntilError(accepted);
  t.is(await writeSocket(client, payload, SKT$BLOCKING, 10_000), MiB);
  await closeSocket(client);
  const { data, error } = await reading;
  t.is(data.length, payload.length);
  t.true(data.equals(payload));
  t.is(error.status, ER$SKT_CLOSED);
  t.is(error.status, 7013);
  t.is(error.code, 'ER$SKT_CLOSED');
  // It stays closed.
  t.is((await socketError(t, () => readSocket(accepted, 10, SKT$BLOCKING, 1000))).code, 'ER$SKT_CLOSED');
});

test('bytes a raw peer sends with its FIN are delivered before ER$SKT_CLOSED', async (t) => {
  const { client, peer } = await clientOnRawPeer(t);
  peer.end('last words');
  const { data, error } = await readUntilError(client);
  t.is(data.toString('latin1'), 'last words');
  t.is(error.code, 'ER$SKT_CLOSED');
});

test('a read on a reset connection gives ER$FAILED with ECONNRESET, after the bytes sent before', async (t) => {
  const uncaught = watchUncaught(t);
  const { client, peer } = await clientOnRawPeer(t);
  peer.write('before reset');
  // Reading one byte proves the library took the whole chunk from the kernel: a reset that
  // arrives while bytes still wait there shows as a plain end of stream (libuv, after a short
  // read, takes epoll's hang-up for the end without reading the error; ScarletDME's recv() would
  // report the reset).
  t.is(await readSocket(client, 1, SKT$BLOCKING, 5000), 'b');
  peer.resetAndDestroy();
  const { data, error } = await readUntilError(client);
  t.is(data.toString('latin1'), 'efore reset'); // buffered bytes first
  t.is(error.status, ER$FAILED);
  t.is(error.code, 'ER$FAILED');
  t.is(error.osError, 'ECONNRESET');
  // The reset is reported once; the reads after it find the connection closed, as ScarletDME's
  // READ.SOCKET gives 1008 once, then 7013.
  t.is((await socketError(t, () => readSocket(client, 10, SKT$BLOCKING, 1000))).status, ER$SKT_CLOSED);
  t.is((await socketError(t, () => readSocket(client, 10, SKT$NON_BLOCKING))).status, ER$SKT_CLOSED);
  t.deepEqual(uncaught.errors, []);
});

/**
 * A write to a reset or gone peer fails with ER$FAILED naming the OS error, as ScarletDME's
 * WRITE.SOCKET gives 1008 when send() fails.
 */
function assertWriteFailure(t: ExecutionContext, error: unknown): void {
  t.true(error instanceof SocketError, `expected a SocketError, got ${String(error)}`);
  const err = error as SocketError;
  t.is(err.status, ER$FAILED, `status ${err.status} (${err.code}, ${err.osError})`);
  t.true(err.osError === 'EPIPE' || err.osError === 'ECONNRESET', `osError ${err.osError}`);
}

test('writing to a peer that closed gives ER$FAILED with EPIPE or ECONNRESET once the peer refuses, as in ScarletDME', async (t) => {
  const uncaught = watchUncaught(t);
  const { client, peer } = await clientOnRawPeer(t);
  peer.end();
  peer.destroy();
  // The peer's FIN: the read side is closed.
  t.is((await socketError(t, () => readSocket(client, 10, SKT$BLOCKING, 5000))).status, ER$SKT_CLOSED);
  // The kernel takes writes until the peer's RST comes back for one of them; then a write fails.
  let error: unknown;
  for (let i = 0; i < 100 && error === undefined; i++) {
    error = await writeSocket(client, 'abc', SKT$BLOCKING, 2000).then(
      () => undefined,
      (err: unknown) => err,
    );
  }
  assertWriteFailure(t, error);
  assertWriteFailure(t, await t.throwsAsync(() => writeSocket(client, 'again', SKT$BLOCKING, 2000)));
  t.deepEqual(uncaught.errors, []);
});

test('writing to a peer that reset gives ER$FAILED, with no crash', async (t) => {
  const uncaught = watchUncaught(t);
  const { client, peer } = await clientOnRawPeer(t);
  // On loopback the RST reaches the client's kernel socket within resetAndDestroy(), so the
  // kernel refuses the very next write (before Node has seen the reset on the read side).
  peer.resetAndDestroy();
  assertWriteFailure(t, await t.throwsAsync(() => writeSocket(client, 'after reset', SKT$BLOCKING, 2000)));
  assertWriteFailure(t, await t.throwsAsync(() => writeSocket(client, 'again', SKT$BLOCKING, 2000)));
  assertWriteFailure(t, await t.throwsAsync(() => writeSocket(client, Buffer.from('and again'), SKT$NON_BLOCKING)));
  await closeSocket(client);
  t.deepEqual(uncaught.errors, []);
});

test('a write after a read has seen the reset gives ER$FAILED with ECONNRESET', async (t) => {
  const uncaught = watchUncaught(t);
  const { client, peer } = await clientOnRawPeer(t);
  peer.resetAndDestroy();
  t.is((await socketError(t, () => readSocket(client, 10, SKT$BLOCKING, 5000))).osError, 'ECONNRESET');
  const error = await socketError(t, () => writeSocket(client, 'x', SKT$BLOCKING, 2000));
  assertWriteFailure(t, error);
  await closeSocket(client);
  t.deepEqual(uncaught.errors, []);
});

test('a write waiting on a peer that then resets fails with ER$FAILED, not a timeout', async (t) => {
  const uncaught = watchUncaught(t);
  const { client, peer } = await clientOnRawPeer(t, { pauseOnConnect: true });
  // 64 MiB cannot fit in the kernel buffers of a peer that does not read: the write waits.
  const pending = timed(() => writeSocket(client, Buffer.alloc(64 * MiB), SKT$BLOCKING, 20_000));
  await nextTurn();
  peer.resetAndDestroy();
  const { ms, error } = await pending;
  assertWriteFailure(t, error);
  t.true(ms < 10_000, `the write failed only after ${ms} ms`);
  t.deepEqual(uncaught.errors, []);
});

// ---------------------------------------------------------------------------------------------
// Data: bytes, strings, counts
// ---------------------------------------------------------------------------------------------

test('all 256 byte values round-trip as latin1 strings, both directions', async (t) => {
  const { client, accepted } = await connectedPair(t);
  for (const [from, to] of [
    [client, accepted],
    [accepted, client],
  ] as const) {
    t.is(await writeSocket(from, ALL_CHARS, SKT$BLOCKING, 5000), 256);
    let text = '';
    for (let i = 0; i < 256 && text.length < 256; i++) text += await readSocket(to, 256 - text.length, SKT$BLOCKING, 5000);
    t.is(text, ALL_CHARS);
  }
});

test('all 256 byte values round-trip as Buffers, both directions, and mix with strings', async (t) => {
  const { client, accepted } = await connectedPair(t);
  for (const [from, to] of [
    [client, accepted],
    [accepted, client],
  ] as const) {
    t.is(await writeSocket(from, ALL_BYTES, SKT$BLOCKING, 5000), 256);
    t.true((await readExactly(to, 256)).equals(ALL_BYTES));
    // A plain Uint8Array is bytes too.
    t.is(await writeSocket(from, new Uint8Array(ALL_BYTES), SKT$BLOCKING, 5000), 256);
    t.true((await readExactly(to, 256)).equals(ALL_BYTES));
  }
  // Written as a string, read as bytes; written as bytes, read as a string.
  await writeSocket(client, ALL_CHARS, SKT$BLOCKING, 5000);
  t.true((await readExactly(accepted, 256)).equals(ALL_BYTES));
  await writeSocket(accepted, ALL_BYTES, SKT$BLOCKING, 5000);
  t.is((await readExactly(client, 256)).toString('latin1'), ALL_CHARS);
  await writeSocket(client, 'x', SKT$BLOCKING, 5000);
  t.true(Buffer.isBuffer(await readSocketBuffer(accepted, 1, SKT$BLOCKING, 5000)));
});

test('a string with a character above U+00FF is a TypeError and nothing is sent', async (t) => {
  const { client, accepted } = await connectedPair(t);
  for (const bad of ['abc\u0100', '\u20ac', 'x\u{1F600}']) {
    await t.throwsAsync(async () => writeSocket(client, bad, SKT$BLOCKING, 5000), { instanceOf: TypeError });
  }
  await writeSocket(client, 'ok', SKT$BLOCKING, 5000);
  // TCP keeps order: had any byte of the bad strings gone out, it would come before 'ok'.
  t.is((await readExactly(accepted, 2)).toString('latin1'), 'ok');
  t.is((await socketError(t, () => readSocket(accepted, 10, SKT$NON_BLOCKING))).code, 'ER$TIMEOUT');
});

test('writeSocket resolves with the number of bytes written', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const total = 6 + 2 + 1000 + 3 + 4 * MiB;
  const reading = readExactly(accepted, total); // a reader, so the 4 MiB write can drain
  t.is(await writeSocket(client, 'PING\r\n', SKT$BLOCKING, 5000), 6);
  t.is(await writeSocket(client, '\u00fe\u00ff', SKT$BLOCKING, 5000), 2); // one byte per character
  t.is(await writeSocket(client, Buffer.alloc(1000, 1), SKT$BLOCKING, 5000), 1000);
  t.is(await writeSocket(client, new Uint8Array(3), SKT$NON_BLOCKING), 3);
  t.is(await writeSocket(client, '', SKT$BLOCKING, 5000), 0);
  t.is(await writeSocket(client, Buffer.alloc(4 * MiB, 2), SKT$BLOCKING, 10_000), 4 * MiB);
  const received = await reading;
  t.is(received.length, total);
  t.is(received.subarray(0, 8).toString('latin1'), 'PING\r\n\u00fe\u00ff');
});

test('a gathered write sends its pieces in order as one, and resolves with their total length', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const body = randomBytes(256 * 1024);
  const pieces = ['HEAD\u00fe\r\n', new Uint8Array([0, 255]), '', body, Buffer.alloc(0), 'END'];
  const total = 7 + 2 + body.length + 3;
  const reading = readExactly(accepted, total);
  t.is(await writeSocket(client, pieces, SKT$BLOCKING, 10_000), total);
  const received = await reading;
  t.is(received.subarray(0, 9).toString('latin1'), 'HEAD\u00fe\r\n\u0000\u00ff');
  t.true(received.subarray(9, 9 + body.length).equals(body));
  t.is(received.subarray(9 + body.length).toString('latin1'), 'END');
  // No pieces, or only empty ones: nothing to send.
  t.is(await writeSocket(accepted, [], SKT$BLOCKING, 5000), 0);
  t.is(await writeSocket(accepted, ['', new Uint8Array(0)], SKT$BLOCKING, 5000), 0);
});

test('a gathered write with one bad piece is a TypeError that names it, and none of its pieces is sent', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const cases: [unknown[], RegExp][] = [
    [['good', 'bad\u20ac'], /data\[1\] is a string with characters above U\+00FF/],
    [['good', 42], /data\[1\] must be a string or a Uint8Array, got number 42/],
    [[Buffer.from('good'), null], /data\[1\] must be a string or a Uint8Array, got null/],
  ];
  for (const [pieces, message] of cases) {
    await t.throwsAsync(async () => writeSocket(client, pieces as string[], SKT$BLOCKING, 5000), { instanceOf: TypeError, message });
  }
  await t.throwsAsync(async () => writeSocket(client, { length: 1 } as unknown as string, SKT$BLOCKING, 5000), {
    instanceOf: TypeError,
    message: /data must be a string or a Uint8Array \(or an array of them\)/,
  });
  await writeSocket(client, 'ok', SKT$BLOCKING, 5000);
  // TCP keeps order: had the good piece before a bad one gone out, it would come before 'ok'.
  t.is((await readExactly(accepted, 2)).toString('latin1'), 'ok');
  t.is((await socketError(t, () => readSocket(accepted, 10, SKT$NON_BLOCKING))).code, 'ER$TIMEOUT');
});

test('a writer whose peer never reads gets ER$TIMEOUT after its timeout, and the process goes on', async (t) => {
  const uncaught = watchUncaught(t);
  const { client, peer } = await clientOnRawPeer(t, { pauseOnConnect: true });
  const { ms, error } = await timed(() => writeSocket(client, Buffer.alloc(64 * MiB), SKT$BLOCKING, 300));
  t.true(error instanceof SocketError, `expected ER$TIMEOUT, got ${String(error)}`);
  t.is((error as SocketError).code, 'ER$TIMEOUT');
  t.true(ms >= 290, `timed out after only ${ms} ms`);
  t.true(ms < 5000, `timed out after ${ms} ms`);

  // Earlier data is still queued, so a non-blocking write cannot go on at once.
  const { ms: nbMs, error: nbError } = await timed(() => writeSocket(client, 'x', SKT$NON_BLOCKING));
  t.is((nbError as SocketError).code, 'ER$TIMEOUT');
  t.true(nbMs < 1000);

  // Another connection in the same process still works.
  const { client: other, accepted } = await connectedPair(t);
  t.is(await writeSocket(other, 'still alive', SKT$BLOCKING, 5000), 11);
  t.is((await readExactly(accepted, 11)).toString('latin1'), 'still alive');

  peer.destroy(); // so the client's close does not wait for a peer that never reads
  t.deepEqual(uncaught.errors, []);
});

// ---------------------------------------------------------------------------------------------
// closeSocket
// ---------------------------------------------------------------------------------------------

test('closeSocket right after an 8 MiB write: a raw peer gets all 8 MiB, then end of stream', async (t) => {
  const { client, peer } = await clientOnRawPeer(t);
  const payload = randomBytes(8 * MiB);
  const received = collectUntilEnd(peer);
  // Queued without waiting, then closed at once: the close must flush it.
  t.is(await writeSocket(client, payload, SKT$NON_BLOCKING), 8 * MiB);
  await closeSocket(client);
  const data = await received;
  t.is(data.length, payload.length);
  t.is(sha256(data), sha256(payload));
});

test('closeSocket during a pending blocking 8 MiB write: a library peer gets all of it, then ER$SKT_CLOSED', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const payload = randomBytes(8 * MiB);
  const reading = readUntilError(accepted);
  const written = writeSocket(client, payload, SKT$BLOCKING, 0);
  const closed = closeSocket(client);
  t.is(await written, 8 * MiB);
  await closed;
  const { data, error } = await reading;
  t.is(data.length, payload.length);
  t.is(sha256(data), sha256(payload));
  t.is(error.code, 'ER$SKT_CLOSED');
});

test('closing twice is harmless, and the peer sees one end of stream', async (t) => {
  const { client, peer } = await clientOnRawPeer(t);
  const received = collectUntilEnd(peer);
  await writeSocket(client, 'bye', SKT$BLOCKING, 5000);
  await Promise.all([closeSocket(client), closeSocket(client)]); // at the same time
  await closeSocket(client); // and again later
  t.false(socketInfo(client, SKT$INFO_OPEN));
  t.is((await received).toString('latin1'), 'bye');
});

test('reads and writes after a local close fail with ER$SKT_CLOSED; a pending read is ended by it', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const pending = readSocket(client, 10, SKT$BLOCKING, 0);
  await closeSocket(client);
  const pendingError = await socketError(t, () => pending);
  t.is(pendingError.code, 'ER$SKT_CLOSED');
  for (const call of [
    () => readSocket(client, 10, SKT$BLOCKING, 1000),
    () => readSocket(client, 10, SKT$NON_BLOCKING),
    () => readSocketBuffer(client, 10, SKT$BLOCKING, 1000),
    () => writeSocket(client, 'x', SKT$BLOCKING, 1000),
    () => writeSocket(client, Buffer.from('x'), SKT$NON_BLOCKING),
  ]) {
    const error = await socketError(t, call);
    t.is(error.status, ER$SKT_CLOSED);
    t.is(error.code, 'ER$SKT_CLOSED');
  }
  // The peer sees the end of stream.
  t.is((await readUntilError(accepted)).error.code, 'ER$SKT_CLOSED');
});

// ---------------------------------------------------------------------------------------------
// Concurrent reads
// ---------------------------------------------------------------------------------------------

test('concurrent reads on one socket are served in the order they were made', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const order: number[] = [];
  // The order is taken from each read's own promise, one `then` deep for all.
  const track = <T>(read: Promise<T>, i: number): Promise<T> =>
    read.then((value) => {
      order.push(i);
      return value;
    });
  const reads = [
    track(readSocket(accepted, 3, SKT$BLOCKING, 5000), 0),
    track(readSocketBuffer(accepted, 3, SKT$BLOCKING, 5000), 1).then((bytes) => bytes.toString('latin1')),
    track(readSocket(accepted, 3, SKT$BLOCKING, 5000), 2),
    track(readSocket(accepted, 3, SKT$BLOCKING, 5000), 3),
  ];
  await writeSocket(client, 'AAABBBCCC', SKT$BLOCKING, 5000);
  t.deepEqual(await Promise.all(reads.slice(0, 3)), ['AAA', 'BBB', 'CCC']);
  // The fourth waits for more data.
  await writeSocket(client, 'DDD', SKT$BLOCKING, 5000);
  t.is(await reads[3], 'DDD');
  t.deepEqual(order, [0, 1, 2, 3]);
});

test('a read that timed out in the queue takes no data from the reads after it', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const first = readSocket(accepted, 3, SKT$BLOCKING, 0);
  const impatient = readSocket(accepted, 3, SKT$BLOCKING, 100);
  const last = readSocket(accepted, 3, SKT$BLOCKING, 0);
  t.is((await socketError(t, () => impatient)).code, 'ER$TIMEOUT');
  await writeSocket(client, 'AAABBB', SKT$BLOCKING, 5000);
  t.is(await first, 'AAA');
  t.is(await last, 'BBB');
});

// ---------------------------------------------------------------------------------------------
// SKT$INFO_LINGER: how long a close waits for a peer that does not drain
// ---------------------------------------------------------------------------------------------

test('SKT$INFO_LINGER: a close waits that long for a peer that never reads, then cuts it off; 0 closes at once', async (t) => {
  const { client: patient, peer: stalled } = await clientOnRawPeer(t, { pauseOnConnect: true });
  t.is(socketInfo(patient, SKT$INFO_LINGER), 5000);
  setSocketMode(patient, SKT$INFO_LINGER, 300);
  t.is(socketInfo(patient, SKT$INFO_LINGER), 300);
  await t.throwsAsync(writeSocket(patient, Buffer.alloc(64 * MiB), SKT$BLOCKING, 100), { instanceOf: SocketError });
  const stalledClosed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
  const peerErrors: (string | undefined)[] = [];
  stalled.on('error', (err: NodeJS.ErrnoException) => peerErrors.push(err.code)); // a cut-off may arrive as a reset
  const { ms } = await timed(() => closeSocket(patient));
  t.true(ms >= 250 && ms < 3000, `the close took ${ms} ms with a 300 ms linger`);
  stalled.resume();
  await stalledClosed;

  const { client: hasty, peer: other } = await clientOnRawPeer(t, { pauseOnConnect: true });
  setSocketMode(hasty, SKT$INFO_LINGER, 0);
  await t.throwsAsync(writeSocket(hasty, Buffer.alloc(64 * MiB), SKT$BLOCKING, 100), { instanceOf: SocketError });
  other.on('error', (err: NodeJS.ErrnoException) => peerErrors.push(err.code));
  const otherClosed = new Promise<void>((resolve) => other.once('close', () => resolve()));
  const { ms: hastyMs } = await timed(() => closeSocket(hasty));
  t.true(hastyMs < 250, `a zero linger close took ${hastyMs} ms`);
  other.resume();
  await otherClosed;
  t.false(socketInfo(hasty, SKT$INFO_OPEN));
  t.true(peerErrors.every((code) => code === 'ECONNRESET'), `peer errors: ${peerErrors.join(', ')}`);
  t.throws(() => setSocketMode(patient, SKT$INFO_LINGER, -1), { instanceOf: TypeError });
});
