// scarlet-sockets/basic: BASIC's calling convention over the same core. Each call returns what
// ScarletDME returns and sets status(); none rejects with a SocketError. (What ScarletDME itself
// prints for the same programs is checked by test/fidelity.)
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import anyTest, { type ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSecureSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  ER$BAD_KEY,
  ER$CONNECT,
  ER$SERVER,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  ERAI$SERVICE,
  openSecureSocket,
  openSocket,
  phantom,
  readSecureSocket,
  readSocket,
  serverAddr,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_BLOCKING,
  SKT$INFO_IP_ADDR,
  SKT$INFO_KEEP_ALIVE,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_NO_DELAY,
  SKT$INFO_OPEN,
  SKT$INFO_PORT,
  SKT$INFO_PROXY_ADDR,
  SKT$INFO_PROXY_REFUSED,
  SKT$INFO_TYPE,
  SKT$INFO_TYPE_INCOMING,
  SKT$NON_BLOCKING,
  SKT$UDP,
  socketInfo,
  status,
  writeSecureSocket,
  writeSocket,
} from '../lib/basic/index.js';
import * as main from '../lib/index.js';
import { basicPair, basicServer, closedPort } from './helpers/sockets.js';
import { proxyConnection, v1 } from './helpers/proxy-headers.js';
import { tempFiles } from './helpers/tls-peers.js';
import { clientContext, devCertificates, serverContext } from './helpers/tls.js';

/**
 * ava runs a file's tests at once in one process: each runs in a phantom of its own, so that
 * one test's calls never set the status another reads (what phantom exists for).
 */
function test(title: string, body: (t: ExecutionContext) => Promise<void>): void {
  anyTest(title, (t) => phantom(() => body(t)));
}

test('a failed openSocket returns 0 and sets status(); SOCKET.INFO OPEN of it is 0, any other key is a TypeError', async (t) => {
  const skt = await openSocket('127.0.0.1', await closedPort(), SKT$BLOCKING);
  t.is(skt, 0);
  t.is(status(), ER$CONNECT);
  t.is(socketInfo(skt, SKT$INFO_OPEN), 0);
  t.throws(() => socketInfo(skt, SKT$INFO_TYPE), { instanceOf: TypeError });
  await t.throwsAsync(readSocket(skt, 10, 0, 0), { instanceOf: TypeError });
});

test('a success sets status() to 0; closeSocket and socketInfo leave it as it was', async (t) => {
  await openSocket('127.0.0.1', await closedPort(), 0);
  t.is(status(), ER$CONNECT);
  const { client, accepted } = await basicPair(t);
  t.is(status(), 0);
  t.is(await readSocket(accepted, 10, 0, 0), '');
  t.is(status(), ER$TIMEOUT);
  t.is(socketInfo(accepted, SKT$INFO_TYPE), SKT$INFO_TYPE_INCOMING);
  t.is(socketInfo(accepted, 999), 0, 'a key no socket has answers 0');
  t.is(status(), ER$TIMEOUT, 'SOCKET.INFO does not set STATUS()');
  await closeSocket(client);
  t.is(status(), ER$TIMEOUT, 'CLOSE.SOCKET does not set STATUS()');
});

test('SKT$BLOCKING is not kept on a TCP server socket and accepted sockets are non-blocking, as in ScarletDME', async (t) => {
  const { client, accepted } = await basicPair(t);
  t.is(socketInfo(accepted, SKT$INFO_BLOCKING), 0);
  const started = Date.now();
  t.is(await readSocket(accepted, 10, 0, 60_000), '', 'flags 0 on an accepted socket: non-blocking, the timeout does not apply');
  t.is(status(), ER$TIMEOUT);
  t.true(Date.now() - started < 30_000);
  t.is(socketInfo(client, SKT$INFO_BLOCKING), 1);
  const { srvr } = await basicServer(t, SKT$BLOCKING);
  t.is(socketInfo(srvr, SKT$INFO_BLOCKING), 0);
});

test('the main API keeps SKT$BLOCKING on the server socket and its accepted sockets (the documented extension)', async (t) => {
  const srvr = await main.createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  t.teardown(() => main.closeSocket(srvr));
  const client = await main.openSocket('127.0.0.1', main.socketInfo(srvr, SKT$INFO_PORT));
  t.teardown(() => main.closeSocket(client));
  const accepted = await main.acceptSocket(srvr, 5000);
  t.teardown(() => main.closeSocket(accepted));
  t.true(main.socketInfo(srvr, SKT$INFO_BLOCKING));
  t.true(main.socketInfo(accepted, SKT$INFO_BLOCKING));
});

test('numeric strings work wherever numbers do; a non-numeric one is a TypeError, as BASIC aborts', async (t) => {
  const { srvr, port } = await basicServer(t, '0');
  const [client, accepted] = await Promise.all([openSocket('127.0.0.1', String(port), '1'), acceptSocket(srvr, '5000')]);
  t.teardown(() => closeSocket(client));
  t.teardown(() => closeSocket(accepted));
  t.is(await writeSocket(client, 'HELLO', '0', '0'), 5);
  t.is(await readSocket(accepted, '3', '1', ' 5000 '), 'HEL');
  t.is(setSocketMode(accepted, String(SKT$INFO_NO_DELAY), '1'), 1);
  t.is(socketInfo(accepted, '5'), 1);
  await t.throwsAsync(openSocket('127.0.0.1', 'PORT', 0), { instanceOf: TypeError, message: /port: non-numeric/ });
  await t.throwsAsync(readSocket(accepted, 'ten', 0, 0), { instanceOf: TypeError, message: /maxLen: non-numeric/ });
});

test("readSocket returns '' once the peer closed and every byte was read; bytes 0-255 round-trip", async (t) => {
  const { client, accepted } = await basicPair(t);
  const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  t.is(await writeSocket(client, all, 0, 0), 256);
  await closeSocket(client);
  let got = '';
  while (got.length < 256) got += await readSocket(accepted, 1000, SKT$BLOCKING, 5000);
  t.is(got, all);
  t.is(status(), 0);
  t.is(await readSocket(accepted, 10, SKT$BLOCKING, 5000), '');
  t.is(status(), ER$SKT_CLOSED);
});

test('writeSocket on a socket closed here returns 0 with a status; setSocketMode answers 1 or 0', async (t) => {
  const { client } = await basicPair(t);
  t.is(setSocketMode(client, SKT$INFO_KEEP_ALIVE, 1), 1);
  t.is(socketInfo(client, SKT$INFO_KEEP_ALIVE), 1);
  t.is(setSocketMode(client, SKT$INFO_KEEP_ALIVE, 0), 1);
  t.is(socketInfo(client, SKT$INFO_KEEP_ALIVE), 0);
  t.is(setSocketMode(client, 99, 1), 0);
  t.is(status(), ER$BAD_KEY);
  await closeSocket(client);
  t.is(await writeSocket(client, 'late', SKT$BLOCKING, 1000), 0);
  t.not(status(), 0);
});

test("serverAddr returns '' with status 7001 for a name that does not resolve", async (t) => {
  t.is(await serverAddr('127.0.0.1'), '127.0.0.1');
  t.is(status(), 0);
  t.is(await serverAddr('no-such-host.invalid'), '');
  t.is(status(), ER$SERVER);
});

test('each phantom has its own status: concurrent flows never see each other, nor the flow that started them theirs', async (t) => {
  const { client, accepted } = await basicPair(t);
  await openSocket('127.0.0.1', await closedPort(), 0);
  t.is(status(), ER$CONNECT);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const failing = phantom(async () => {
    t.is(status(), 0, 'a phantom starts at 0');
    await readSocket(accepted, 10, 0, 0);
    await gate;
    return status();
  });
  const succeeding = phantom(async () => {
    await writeSocket(client, 'x', 0, 0);
    release();
    return status();
  });
  t.deepEqual(await Promise.all([failing, succeeding]), [ER$TIMEOUT, 0]);
  t.is(status(), ER$CONNECT, "the enclosing flow's status is untouched by its phantoms");
});

test('UDP server sockets do not keep SKT$BLOCKING either: a read with flags 0 returns at once', async (t) => {
  const { srvr, port } = await basicServer(t, SKT$UDP | SKT$BLOCKING);
  t.is(socketInfo(srvr, SKT$INFO_BLOCKING), 0);
  t.is(await readSocket(srvr, 100, 0, 60_000), '');
  t.is(status(), ER$TIMEOUT);
  const peer = await openSocket('127.0.0.1', port, SKT$UDP | SKT$BLOCKING);
  t.teardown(() => closeSocket(peer));
  t.is(socketInfo(peer, SKT$INFO_BLOCKING), 1, 'an opened UDP socket keeps it');
  t.is(await writeSocket(peer, 'PING', 0, 0), 4);
  t.is(await readSocket(srvr, 100, SKT$BLOCKING, 5000), 'PING');
});

test('the secure calls follow the same convention; a plain socket given to readSecureSocket is a TypeError', async (t) => {
  const srvr = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext());
  t.teardown(() => closeSecureSocket(srvr));
  t.is(socketInfo(srvr, SKT$INFO_BLOCKING), 0);
  const port = socketInfo(srvr, SKT$INFO_PORT);
  const [client, accepted] = await Promise.all([openSecureSocket('localhost', port, SKT$BLOCKING, clientContext()), acceptSecureSocket(srvr, 10_000)]);
  t.teardown(() => closeSecureSocket(client));
  t.teardown(() => closeSecureSocket(accepted));
  t.is(await writeSecureSocket(client, 'SECRET', 0, 0), 6);
  t.is(await readSecureSocket(accepted, 100, SKT$BLOCKING, 5000), 'SECRET');
  t.is(await readSecureSocket(accepted, 100, 0, 0), '');
  t.is(status(), ER$TIMEOUT);
  const plain = await basicPair(t);
  await t.throwsAsync(readSecureSocket(plain.client as never, 10, 0, 0), { instanceOf: TypeError });
  t.is(await createSecureServerSocket('127.0.0.1', 0, 0, '/nonexistent/site.crt', '/nonexistent/site.key').catch((err: unknown) => err), 0);
  t.not(status(), 0);
});

test('sockets cross the two entry points: one core behind both', async (t) => {
  const srvr = await main.createServerSocket('127.0.0.1', 0);
  t.teardown(() => main.closeSocket(srvr));
  const port = main.socketInfo(srvr, SKT$INFO_PORT);
  const raw: NetSocket = netConnect(port, '127.0.0.1');
  t.teardown(() => raw.destroy());
  const accepted = await acceptSocket(srvr, 5000);
  t.teardown(() => main.closeSocket(accepted as main.Socket));
  raw.write('ABC');
  t.is(await main.readSocket(accepted as main.Socket, 10, SKT$BLOCKING, 5000), 'ABC');
});

test('a write that times out returns the bytes the socket took (all of them, still queued); a refused one returns 0', async (t) => {
  const { client, accepted } = await basicPair(t);
  const big = Buffer.alloc(8 * 1024 * 1024, 0x41);
  // Nobody reads `accepted`: the kernel buffers fill and the blocking write times out.
  t.is(await writeSocket(client, big, SKT$BLOCKING, 300), big.length);
  t.is(status(), ER$TIMEOUT);
  // Earlier data is still queued: a non-blocking write is refused and takes nothing.
  t.is(await writeSocket(client, 'more', SKT$NON_BLOCKING, 0), 0);
  t.is(status(), ER$TIMEOUT);
  // The main API carries the same count on its SocketError.
  const err = await t.throwsAsync(main.writeSocket(client as main.Socket, 'more', SKT$NON_BLOCKING), { instanceOf: main.SocketError });
  t.is(err?.bytesWritten, 0);
  // The timed-out data was kept: all of it arrives once the peer reads.
  let got = 0;
  while (got < big.length) got += (await readSocket(accepted, 1 << 20, SKT$BLOCKING, 5000)).length;
  t.is(got, big.length);
});

test('a negative flags value is bits, as ScarletDME reads it: SKT$ICMP among them fails the call with ERAI$SERVICE', async (t) => {
  t.is(await openSocket('127.0.0.1', 1, -1), 0);
  t.is(status(), ERAI$SERVICE);
  t.is(await createServerSocket('127.0.0.1', 0, '-1'), 0);
  t.is(status(), ERAI$SERVICE);
});

test("the differences that no fidelity program shows: a server socket is not read, the library's own SOCKET.INFO keys answer", async (t) => {
  const { srvr } = await basicServer(t);
  await t.throwsAsync(readSocket(srvr, 10, 0, 0), { instanceOf: TypeError });
  await t.throwsAsync(writeSocket(srvr, 'x', 0, 0), { instanceOf: TypeError });
  t.is(socketInfo(srvr, SKT$INFO_LOCAL_ADDR), '127.0.0.1', 'key 100, which ScarletDME does not have, answers');
});

test('closing with bytes unread ends the connection in order; a non-blocking write is queued whole; UDP has no TCP modes', async (t) => {
  const { client, accepted } = await basicPair(t);
  await writeSocket(client, 'unread', 0, 0);
  await writeSocket(accepted, 'BYE', 0, 0);
  t.is(await readSocket(accepted, 100, SKT$BLOCKING, 5000), 'unread');
  await writeSocket(client, 'more unread', 0, 0);
  // `accepted` has 'more unread' waiting when it closes: ScarletDME's kernel would reset.
  t.is(await readSocket(accepted, 1, SKT$BLOCKING, 5000), 'm');
  await closeSocket(accepted);
  t.is(await readSocket(client, 100, SKT$BLOCKING, 5000), 'BYE');
  t.is(await readSocket(client, 100, SKT$BLOCKING, 5000), '');
  t.is(status(), ER$SKT_CLOSED, 'an orderly end, not ER$FAILED');

  const other = await basicPair(t);
  const big = Buffer.alloc(8 * 1024 * 1024, 0x42);
  t.is(await writeSocket(other.client, big, SKT$NON_BLOCKING, 0), big.length);
  t.is(status(), 0);

  const { srvr } = await basicServer(t, SKT$UDP);
  t.is(setSocketMode(srvr, SKT$INFO_NO_DELAY, 1), 0);
  t.is(status(), ER$BAD_KEY);
});

test('the create calls take the main API options after BASIC arguments: behind a PROXY-protocol proxy, SOCKET.INFO gives the client', async (t) => {
  const srvr = await createServerSocket('127.0.0.1', 0, 0, undefined, { proxyProtocol: { trusted: ['127.0.0.1'] } });
  t.is(status(), 0);
  t.teardown(() => closeSocket(srvr));
  const proxy = await proxyConnection(t, socketInfo(srvr, SKT$INFO_PORT) as number);
  proxy.write(Buffer.concat([v1('203.0.113.7', 40000, '127.0.0.1', 4000), Buffer.from('hi')]));
  const skt = await acceptSocket(srvr, 5000);
  t.is(status(), 0);
  t.teardown(() => closeSocket(skt));
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.7');
  t.is(socketInfo(skt, SKT$INFO_PORT), 40000);
  t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), '127.0.0.1');
  t.is(await readSocket(skt, 10, SKT$BLOCKING, 5000), 'hi');

  // The secure call's two forms: options after the context, or after the key path.
  const { server } = devCertificates();
  const { cert, key } = tempFiles(t, { cert: server.cert, key: server.key });
  const proxyProtocol = { trusted: ['127.0.0.9'] };
  for (const create of [
    () => createSecureServerSocket('127.0.0.1', 0, 0, serverContext(), { proxyProtocol }),
    () => createSecureServerSocket('127.0.0.1', 0, 0, cert, key, { proxyProtocol }),
  ]) {
    const secure = await create();
    t.is(status(), 0);
    t.teardown(() => closeSecureSocket(secure));
    // Only 127.0.0.9 is trusted: a connection from 127.0.0.1 is refused and counted, never accepted.
    const untrusted = await proxyConnection(t, socketInfo(secure, SKT$INFO_PORT) as number);
    untrusted.write(v1('203.0.113.7', 40000, '127.0.0.1', 4000));
    t.is(await acceptSecureSocket(secure, 1000), 0);
    t.is(status(), ER$TIMEOUT);
    t.is(socketInfo(secure, SKT$INFO_PROXY_REFUSED), 1);
  }
});
