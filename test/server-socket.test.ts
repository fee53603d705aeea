import test, { type ExecutionContext } from 'ava';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  ER$BAD_NAME,
  ER$BIND,
  ER$CONNECT,
  ER$FAILED,
  ER$INCOMP_PROTO,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  ERAI$NONAME,
  ERAI$SERVICE,
  openSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$DGRM,
  SKT$ICMP,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV6,
  SKT$INFO_IP_ADDR,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_OPEN,
  SKT$INFO_PORT,
  SKT$INFO_QUEUED,
  SKT$INFO_TYPE,
  SKT$INFO_TYPE_INCOMING,
  SKT$INFO_TYPE_SERVER,
  SKT$RAW,
  SKT$UDP,
  socketInfo,
  writeSocket,
  type Socket,
} from '../lib/index.js';
import { expectSocketError, readExactly, waitFor, withLimit } from './helpers/assertions.js';
import { listen } from './helpers/sockets.js';

/** Opens a blocking client to 127.0.0.1:port, closed when the test ends. */
async function client(t: ExecutionContext, port: number, addr = '127.0.0.1'): Promise<Socket> {
  const skt = await openSocket(addr, port, SKT$BLOCKING);
  t.teardown(() => closeSocket(skt));
  return skt;
}

/** Accepts one connection within 5 s, closed when the test ends. */
async function accept(t: ExecutionContext, server: Parameters<typeof acceptSocket>[0]): Promise<Socket> {
  const skt = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(skt));
  return skt;
}

/** Sends `data` from `from` and checks `to` receives exactly it. */
async function exchange(t: ExecutionContext, from: Socket, to: Socket, data: string): Promise<void> {
  t.is(await writeSocket(from, data, SKT$BLOCKING, 5000), data.length);
  t.is(await readExactly(to, data.length), data);
}

test('port 0 binds a free port that SKT$INFO_PORT tells, and clients reach it there', async (t) => {
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  t.teardown(() => closeSocket(server));
  const port = socketInfo(server, SKT$INFO_PORT);
  t.true(Number.isInteger(port) && port > 0 && port <= 65535, `port ${port}`);
  t.is(socketInfo(server, SKT$INFO_TYPE), SKT$INFO_TYPE_SERVER);

  const outgoing = await client(t, port);
  const incoming = await accept(t, server);
  t.is(socketInfo(outgoing, SKT$INFO_PORT), port);
  t.is(socketInfo(incoming, SKT$INFO_LOCAL_PORT), port);
  await exchange(t, outgoing, incoming, 'HELLO');
});

test("'::1' binds an IPv6 server socket that an IPv6 client reaches", async (t) => {
  const { server, port } = await listen(t, SKT$BLOCKING, '::1');
  t.is(socketInfo(server, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV6);
  t.is(socketInfo(server, SKT$INFO_IP_ADDR), '::1');

  const outgoing = await client(t, port, '::1');
  const incoming = await accept(t, server);
  t.is(socketInfo(outgoing, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV6);
  t.is(socketInfo(outgoing, SKT$INFO_IP_ADDR), '::1');
  t.is(socketInfo(incoming, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV6);
  t.is(socketInfo(incoming, SKT$INFO_IP_ADDR), '::1');
  t.is(socketInfo(incoming, SKT$INFO_PORT), socketInfo(outgoing, SKT$INFO_LOCAL_PORT));
  await exchange(t, outgoing, incoming, 'v6 out');
  await exchange(t, incoming, outgoing, 'v6 back');
});

test('a port already in use gives ER$BIND with osError EADDRINUSE', async (t) => {
  const { port } = await listen(t);
  await expectSocketError(t, () => createServerSocket('127.0.0.1', port, SKT$BLOCKING), ER$BIND, 'EADDRINUSE');
});

test('an SKT$ICMP server socket gives ERAI$SERVICE, as in ScarletDME', async (t) => {
  await expectSocketError(t, () => createServerSocket('127.0.0.1', 0, SKT$ICMP), ERAI$SERVICE);
});

test('SKT$RAW, and SKT$DGRM alone, are ignored by createServerSocket as in ScarletDME: a TCP server socket', async (t) => {
  for (const flags of [SKT$RAW, SKT$DGRM, SKT$RAW | SKT$BLOCKING]) {
    const server = await createServerSocket('127.0.0.1', 0, flags);
    t.teardown(() => closeSocket(server));
    const outgoing = await client(t, socketInfo(server, SKT$INFO_PORT));
    const incoming = await accept(t, server);
    await exchange(t, outgoing, incoming, `flags ${flags}`);
  }
});

test('a malformed address is an unknown name (ERAI$NONAME), one over 80 characters ER$BAD_NAME, as in ScarletDME', async (t) => {
  for (const addr of ['256.1.1.1', 'bad name!', '[127.0.0.1]', 'a'.repeat(80)]) {
    await expectSocketError(t, () => createServerSocket(addr, 0, SKT$BLOCKING), ERAI$NONAME);
  }
  await expectSocketError(t, () => createServerSocket('a'.repeat(81), 0, SKT$BLOCKING), ER$BAD_NAME);
  // inet_aton's short form 1.2.3 is 1.2.0.3, an address this machine does not have.
  await expectSocketError(t, () => createServerSocket('1.2.3', 0, SKT$BLOCKING), ER$BIND, 'EADDRNOTAVAIL');
});

test("an address in inet_aton's short form binds: '127.1' is 127.0.0.1", async (t) => {
  const server = await createServerSocket('127.1', 0, SKT$BLOCKING);
  t.teardown(() => closeSocket(server));
  t.is(socketInfo(server, SKT$INFO_IP_ADDR), '127.0.0.1');
});

test('a port outside 0 to 65535 gives ERAI$SERVICE, as ScarletDME gives for -1', async (t) => {
  for (const port of [-1, 65_536, 70_000]) {
    await expectSocketError(t, () => createServerSocket('127.0.0.1', port, SKT$BLOCKING), ERAI$SERVICE);
  }
});

test('connections made before acceptSocket wait in the queue and are accepted in order', async (t) => {
  const { server, port } = await listen(t);
  const clients: Socket[] = [];
  // Each connect is awaited before the next, so the kernel completes them in this order.
  for (let i = 0; i < 3; i++) {
    const skt = await client(t, port);
    await writeSocket(skt, String(i), SKT$BLOCKING, 5000);
    clients.push(skt);
  }
  // The library has no event for "queued"; poll its counter, bounded.
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_QUEUED) === 3), `queued ${socketInfo(server, SKT$INFO_QUEUED)}`);

  for (let i = 0; i < 3; i++) {
    const incoming = await accept(t, server);
    t.is(socketInfo(server, SKT$INFO_QUEUED), 2 - i);
    t.is(await readSocket(incoming, 10, SKT$BLOCKING, 5000), String(i));
    t.is(socketInfo(incoming, SKT$INFO_PORT), socketInfo(clients[i] as Socket, SKT$INFO_LOCAL_PORT));
  }
});

test('acceptSocket with nobody connecting ends with ER$TIMEOUT after its timeout', async (t) => {
  const { server, port } = await listen(t);
  const started = performance.now();
  await expectSocketError(t, () => acceptSocket(server, 200), ER$TIMEOUT);
  const elapsed = performance.now() - started;
  t.true(elapsed >= 190 && elapsed < 1000, `${elapsed.toFixed(0)} ms`);
  // The timed-out accept left no waiter behind: the next connection goes to the next accept.
  const outgoing = await client(t, port);
  const incoming = await accept(t, server);
  await exchange(t, outgoing, incoming, 'after timeout');
});

test('an accepted socket is SKT$INFO_TYPE_INCOMING with the peer address and port', async (t) => {
  const { server, port } = await listen(t);
  const outgoing = await client(t, port);
  const incoming = await accept(t, server);
  t.is(socketInfo(incoming, SKT$INFO_TYPE), SKT$INFO_TYPE_INCOMING);
  t.is(socketInfo(incoming, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(incoming, SKT$INFO_IP_ADDR), socketInfo(outgoing, SKT$INFO_LOCAL_ADDR));
  t.is(socketInfo(incoming, SKT$INFO_PORT), socketInfo(outgoing, SKT$INFO_LOCAL_PORT));
});

test('closing the server socket leaves accepted sockets working and rejects a pending accept', async (t) => {
  const { server, port } = await listen(t);
  const pairs: [Socket, Socket][] = [];
  for (let i = 0; i < 2; i++) {
    const outgoing = await client(t, port);
    pairs.push([outgoing, await accept(t, server)]);
  }
  const pending = acceptSocket(server); // no timeout: only the close can end it
  await closeSocket(server);
  await expectSocketError(t, () => withLimit(pending, 2000, 'the pending accept did not end'), ER$SKT_CLOSED);
  t.false(socketInfo(server, SKT$INFO_OPEN));
  // Nobody listens any more.
  await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$BLOCKING), ER$CONNECT, 'ECONNREFUSED');
  // An accept on the closed server fails the same way.
  await expectSocketError(t, () => acceptSocket(server, 100), ER$SKT_CLOSED);

  for (const [i, [outgoing, incoming]] of pairs.entries()) {
    t.true(socketInfo(incoming, SKT$INFO_OPEN));
    await exchange(t, outgoing, incoming, `to server ${i}`);
    await exchange(t, incoming, outgoing, `to client ${i}`);
  }
});

test('closing the server socket resets the connections still waiting in its accept queue, as in ScarletDME', async (t) => {
  // ScarletDME: READ.SOCKET on such a connection gives 1008, then 7013; WRITE.SOCKET 1008.
  const { server, port } = await listen(t);
  const waiting = await client(t, port);
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_QUEUED) === 1), 'the connection never reached the accept queue');
  await closeSocket(server);
  await expectSocketError(t, () => readSocket(waiting, 10, SKT$BLOCKING, 5000), ER$FAILED, 'ECONNRESET');
  await expectSocketError(t, () => readSocket(waiting, 10, SKT$BLOCKING, 5000), ER$SKT_CLOSED);
  await expectSocketError(t, () => writeSocket(waiting, 'x', SKT$BLOCKING, 5000), ER$FAILED);
});

test('a new server socket binds the same port right after the old one closed', async (t) => {
  const { server, port } = await listen(t);
  // A live accepted connection keeps the old port in use at the TCP level; rebinding must still work.
  const outgoing = await client(t, port);
  const incoming = await accept(t, server);
  await closeSocket(server);

  const again = await createServerSocket('127.0.0.1', port, SKT$BLOCKING);
  t.teardown(() => closeSocket(again));
  t.is(socketInfo(again, SKT$INFO_PORT), port);
  const outgoing2 = await client(t, port);
  const incoming2 = await accept(t, again);
  await exchange(t, outgoing2, incoming2, 'new server');
  await exchange(t, outgoing, incoming, 'old connection');
});

test('acceptSocket on a UDP server socket gives ER$INCOMP_PROTO', async (t) => {
  const udp = await createServerSocket('127.0.0.1', 0, SKT$UDP | SKT$BLOCKING);
  t.teardown(() => closeSocket(udp));
  await expectSocketError(t, () => acceptSocket(udp, 100), ER$INCOMP_PROTO);
});
