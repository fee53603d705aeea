// Faults: a peer that resets in the middle of a write, of a read, of a TLS handshake and of a
// close (TLS close_notify), and a server socket closed while accepts wait. Each ends in a
// SocketError with a documented status or a clean close, never a crash, and a connection that
// took no part in it keeps working.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSocket,
  ER$CONNECT,
  ER$FAILED,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  ER$TLS_HANDSHAKE,
  openSecureSocket,
  openSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_HANDSHAKING,
  SKT$INFO_QUEUED,
  SKT$NON_BLOCKING,
  SocketError,
  socketInfo,
  writeSocket,
  type SecureServerSocket,
  type ServerSocket,
  type Socket,
} from '../lib/index.js';
import { expectSocketError, waitFor, withLimit } from './helpers/assertions.js';
import { readExactly, sha256 } from './helpers/raw-peer.js';
import { handshakeCutter, received, resettablePeer, type ResettablePeer } from './helpers/resetting-peers.js';
import { listen } from './helpers/sockets.js';
import { clientContext, secureListen, securePair, serverContext } from './helpers/tls.js';

const MiB = 1024 * 1024;

/**
 * Whatever reaches 'uncaughtException' in this file's process, where every test of the file
 * runs at once: each test checks it is empty at its end (ava would fail the run too; this says
 * which test was running).
 */
const uncaught: unknown[] = [];
process.on('uncaughtException', (error) => uncaught.push(error));
const KINDS = [
  { name: 'plain', secure: false },
  { name: 'TLS', secure: true },
] as const;

/** A server socket, plain or secure, on a free loopback port, closed when the test ends. */
async function serve(t: ExecutionContext, secure: boolean): Promise<{ server: ServerSocket; port: number }> {
  return secure ? secureListen(t, serverContext({ handshakeTimeout: 5000 })) : listen(t);
}

function accept(server: ServerSocket, secure: boolean): Promise<Socket> {
  return secure ? acceptSecureSocket(server as SecureServerSocket, 10_000) : acceptSocket(server, 10_000);
}

/**
 * A connection between two library sockets on `server`, made before a fault on another
 * connection. `stillWorks` sends 256 KiB each way at once and checks both by SHA-256.
 */
async function bystander(t: ExecutionContext, server: ServerSocket, port: number, secure: boolean): Promise<{ stillWorks: () => Promise<void> }> {
  const opening = secure ? openSecureSocket('localhost', port, SKT$BLOCKING, clientContext()) : openSocket('127.0.0.1', port, SKT$BLOCKING);
  const [client, accepted] = await Promise.all([opening, accept(server, secure)]);
  t.teardown(() => closeSocket(client));
  t.teardown(() => closeSocket(accepted));
  return {
    stillWorks: async () => {
      const [out, back] = [randomBytes(256 * 1024), randomBytes(256 * 1024)];
      const [, , there, here] = await Promise.all([
        writeSocket(client, out, SKT$BLOCKING, 20_000),
        writeSocket(accepted, back, SKT$BLOCKING, 20_000),
        readExactly(accepted, out.length, 20_000),
        readExactly(client, back.length, 20_000),
      ]);
      t.is(sha256(there), sha256(out), 'the other connection carries its bytes one way');
      t.is(sha256(here), sha256(back), 'and the other');
    },
  };
}

/** A peer (that can reset) and the library socket accepted for it, closed when the test ends. */
async function victim(t: ExecutionContext, server: ServerSocket, port: number, secure: boolean): Promise<{ peer: ResettablePeer; skt: Socket }> {
  const [peer, skt] = await Promise.all([resettablePeer(t, port, secure), accept(server, secure)]);
  t.teardown(() => closeSocket(skt));
  return { peer, skt };
}

/**
 * A call on a connection the peer reset: a SocketError ER$FAILED saying why (ECONNRESET, or
 * EPIPE for a write that found the peer gone), or ER$SKT_CLOSED (a read after the one that
 * reported the failure, or a write whose connection closed before it was sent).
 */
async function failsAsReset(t: ExecutionContext, call: Promise<unknown>, what: string): Promise<void> {
  const err = await t.throwsAsync(withLimit(call, 20_000, `${what} did not end`), { instanceOf: SocketError }, what);
  if (err === undefined) return;
  t.true(err.status === ER$FAILED || err.status === ER$SKT_CLOSED, `${what}: ${err.code}`);
  if (err.status === ER$FAILED) t.true(err.osError === 'ECONNRESET' || err.osError === 'EPIPE', `${what}: ${err.osError}`);
}

for (const { name, secure } of KINDS) {
  test(`${name}: a peer that resets in the middle of a 32 MiB write fails the write, and the calls after it, with a SocketError; the close is clean`, async (t) => {
    const { server, port } = await serve(t, secure);
    const other = await bystander(t, server, port, secure);
    const { peer, skt } = await victim(t, server, port, secure);
    const writing = writeSocket(skt, randomBytes(32 * MiB), SKT$BLOCKING, 30_000);
    await received(peer.stream, 256 * 1024);
    peer.reset();
    await failsAsReset(t, writing, 'the write under way');
    await failsAsReset(t, writeSocket(skt, 'more', SKT$BLOCKING, 5000), 'a write after it');
    await failsAsReset(t, readSocket(skt, 10, SKT$BLOCKING, 5000), 'a read after it');
    await withLimit(closeSocket(skt), 10_000, 'closeSocket did not return');
    await other.stillWorks();
    t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
  });

  test(`${name}: a peer that resets while a read waits fails the read with ER$FAILED (ECONNRESET), after the bytes it sent before`, async (t) => {
    const { server, port } = await serve(t, secure);
    const other = await bystander(t, server, port, secure);
    const { peer, skt } = await victim(t, server, port, secure);
    peer.stream.write('hello');
    t.is((await readExactly(skt, 5, 10_000)).toString('latin1'), 'hello');
    const reading = readSocket(skt, 1024, SKT$BLOCKING, 20_000);
    peer.reset();
    await expectSocketError(t, () => withLimit(reading, 20_000, 'the read did not end'), ER$FAILED, 'ECONNRESET');
    await withLimit(closeSocket(skt), 10_000, 'closeSocket did not return');
    await other.stillWorks();
    t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
  });

  test(`${name}: a peer that resets while a close flushes 8 MiB it never read: the close returns, nothing is thrown`, async (t) => {
    const { server, port } = await serve(t, secure);
    const other = await bystander(t, server, port, secure);
    const { peer, skt } = await victim(t, server, port, secure);
    peer.stream.pause();
    // Queued without waiting (the queue was empty), then flushed by the close.
    t.is(await writeSocket(skt, randomBytes(8 * MiB), SKT$NON_BLOCKING), 8 * MiB);
    const closing = closeSocket(skt);
    peer.reset();
    await withLimit(closing, 10_000, 'closeSocket did not return');
    await expectSocketError(t, () => readSocket(skt, 10, SKT$BLOCKING, 1000), ER$SKT_CLOSED);
    await other.stillWorks();
    t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
  });
}

test('TLS: a peer that resets as soon as it gets the close_notify: closeSocket returns, and the peer got every byte before it', async (t) => {
  const { server, port } = await serve(t, true);
  const other = await bystander(t, server, port, true);
  const { peer, skt } = await victim(t, server, port, true);
  let got = '';
  peer.stream.setEncoding('latin1');
  peer.stream.on('data', (text: string) => (got += text));
  const closeNotify = once(peer.stream, 'end').then(() => peer.reset());
  await writeSocket(skt, 'last words', SKT$BLOCKING, 5000);
  await withLimit(closeSocket(skt), 10_000, 'closeSocket did not return');
  await withLimit(closeNotify, 10_000, 'the peer saw no close_notify');
  t.is(got, 'last words');
  await other.stillWorks();
  t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
});

test('TLS: a peer that sends its close_notify and resets at once, while a 32 MiB write waits: the write fails with a SocketError, reads end, the close is clean', async (t) => {
  const { server, port } = await serve(t, true);
  const other = await bystander(t, server, port, true);
  const { peer, skt } = await victim(t, server, port, true);
  peer.stream.pause();
  const writing = writeSocket(skt, randomBytes(32 * MiB), SKT$BLOCKING, 30_000);
  peer.stream.end(() => peer.reset());
  await failsAsReset(t, writing, 'the waiting write');
  await failsAsReset(t, readSocket(skt, 10, SKT$BLOCKING, 5000), 'a read after it');
  await withLimit(closeSocket(skt), 10_000, 'closeSocket did not return');
  await other.stillWorks();
  t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
});

// ---- handshakes cut in the middle ---------------------------------------------------------

test('a client that resets in the middle of its handshake is counted as a failed handshake and never accepted; others are accepted meanwhile', async (t) => {
  const { server, port } = await secureListen(t, serverContext({ handshakeTimeout: 5000 }));
  const other = await bystander(t, server, port, true);
  const relay = await handshakeCutter(t, port, 'server');
  const cutClient = openSecureSocket('localhost', relay.port, SKT$BLOCKING, clientContext());
  await expectSocketError(t, () => withLimit(cutClient, 20_000, 'the cut client did not fail'), ER$TLS_HANDSHAKE);
  await withLimit(relay.cut, 10_000, 'the relay cut nothing');
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES) === 1, 10_000), 'counted as a failed handshake');
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKING), 0);
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_TIMEOUTS), 0, 'ended by the reset, not by the handshake timeout');
  // The next good client is accepted, and the cut one never came out of accept.
  await securePair(t, server, port, clientContext());
  await expectSocketError(t, () => acceptSecureSocket(server, 300), ER$TIMEOUT);
  await other.stillWorks();
  t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
});

test('a server that resets in the middle of the handshake fails openSecureSocket with ER$TLS_HANDSHAKE (ECONNRESET)', async (t) => {
  const { server, port } = await secureListen(t, serverContext({ handshakeTimeout: 5000 }));
  const other = await bystander(t, server, port, true);
  const relay = await handshakeCutter(t, port, 'client');
  await expectSocketError(
    t,
    () => withLimit(openSecureSocket('localhost', relay.port, SKT$BLOCKING, clientContext()), 20_000, 'openSecureSocket did not end'),
    ER$TLS_HANDSHAKE,
    'ECONNRESET',
  );
  await withLimit(relay.cut, 10_000, 'the relay cut nothing');
  // A client connecting straight to the server afterwards is served.
  await securePair(t, server, port, clientContext());
  await other.stillWorks();
  t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
});

// ---- server sockets closed while accepts wait ---------------------------------------------

/** A raw client that connects and sends nothing; resolves once connected, with a promise of its connection's end. */
async function silentClient(t: ExecutionContext, port: number): Promise<{ ended: Promise<void> }> {
  const socket = netConnect({ host: '127.0.0.1', port, allowHalfOpen: true });
  t.teardown(() => socket.destroy());
  socket.on('error', () => undefined); // closed by the server socket's close, on purpose
  socket.resume(); // so the server's FIN shows as 'end'
  const ended = new Promise<void>((resolve) => {
    socket.once('end', () => resolve());
    socket.once('close', () => resolve());
  });
  await withLimit(once(socket, 'connect'), 10_000, 'no connection');
  return { ended };
}

for (const { name, secure } of KINDS) {
  test(`${name}: closing a server socket while 3 accepts wait fails each with ER$SKT_CLOSED; its accepted connection keeps working; new clients are refused`, async (t) => {
    const { server, port } = await serve(t, secure);
    const other = await bystander(t, server, port, secure);
    const waiting = [0, 1, 2].map(() => accept(server, secure));
    // TLS: a client whose handshake is still running (it sent nothing) when the server socket closes.
    const stalled = secure ? await silentClient(t, port) : undefined;
    if (secure) t.true(await waitFor(() => socketInfo(server, SKT$INFO_TLS_HANDSHAKING) === 1), 'the stalled handshake runs');
    await closeSocket(server);
    for (const accepting of waiting) {
      await expectSocketError(t, () => withLimit(accepting, 10_000, 'a waiting accept did not end'), ER$SKT_CLOSED);
    }
    if (stalled !== undefined) {
      await withLimit(stalled.ended, 10_000, 'the handshake under way was not ended');
      t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0, "a handshake cut by the close is not the client's failure");
    }
    await expectSocketError(t, () => accept(server, secure), ER$SKT_CLOSED);
    await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$BLOCKING), ER$CONNECT, 'ECONNREFUSED');
    await other.stillWorks();
    t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
  });
}

test('plain: closing a server socket with 3 connections queued that nobody accepted ends those connections; its accepted one keeps working', async (t) => {
  const { server, port } = await serve(t, false);
  const other = await bystander(t, server, port, false);
  const queued = await Promise.all([0, 1, 2].map(() => silentClient(t, port)));
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_QUEUED) === 3), 'the 3 connections wait in the queue');
  await closeSocket(server);
  await withLimit(Promise.all(queued.map((client) => client.ended)), 10_000, 'a queued connection was not ended');
  await expectSocketError(t, () => accept(server, false), ER$SKT_CLOSED);
  await other.stillWorks();
  t.deepEqual(uncaught, [], 'nothing was thrown out of the library');
});
