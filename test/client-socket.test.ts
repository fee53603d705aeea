import test from 'ava';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  ER$BAD_NAME,
  ER$CONNECT,
  ER$FAILED,
  ER$SERVER,
  ER$SKT_CLOSED,
  ERAI$NONAME,
  ERAI$SERVICE,
  openSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$DGRM,
  SKT$ICMP,
  SKT$INFO_IP_ADDR,
  SKT$INFO_PORT,
  SKT$INFO_TYPE,
  SKT$INFO_TYPE_OUTGOING,
  SKT$RAW,
  serverAddr,
  socketInfo,
  writeSocket,
} from '../lib/index.js';
import { expectSocketError, readExactly } from './helpers/assertions.js';
import { rawServer } from './helpers/raw-peer.js';
import { listen } from './helpers/sockets.js';

// Resolves nowhere by RFC 6761, so the lookup fails without depending on the network.
const UNKNOWN_HOST = 'no-such-host.invalid';

test('a closed port gives ER$CONNECT with osError ECONNREFUSED', async (t) => {
  // A port that was just free: bind it, read it back, close it.
  const server = await createServerSocket('127.0.0.1', 0);
  const port = socketInfo(server, SKT$INFO_PORT);
  await closeSocket(server);
  await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$BLOCKING), ER$CONNECT, 'ECONNREFUSED');
});

test('an unknown host name gives ERAI$NONAME', async (t) => {
  // This machine's resolver answers ENOTFOUND (EAI_NONAME) for .invalid, never EAI_AGAIN.
  const err = await expectSocketError(t, () => openSocket(UNKNOWN_HOST, 7, SKT$BLOCKING), ERAI$NONAME);
  t.is(err?.osError, 'ENOTFOUND');
});

test('a malformed address is an unknown name, ERAI$NONAME, as in ScarletDME', async (t) => {
  // ScarletDME: OPEN.SOCKET('256.1.1.1', ...) gives STATUS() 7021, as do the others.
  for (const addr of ['256.1.1.1', '999.999.999.999', '1.2.3.4.5', 'bad host!', '-x-', 'a..b', '[127.0.0.1]', '127.0.0.1 ']) {
    await expectSocketError(t, () => openSocket(addr, 7, SKT$BLOCKING), ERAI$NONAME);
  }
});

test('an empty address, or one over 80 characters, gives ER$BAD_NAME; 80 characters go to the resolver', async (t) => {
  await expectSocketError(t, () => openSocket('', 7, SKT$BLOCKING), ER$BAD_NAME);
  await expectSocketError(t, () => openSocket('a'.repeat(81), 7, SKT$BLOCKING), ER$BAD_NAME);
  await expectSocketError(t, () => openSocket('a'.repeat(80), 7, SKT$BLOCKING), ERAI$NONAME);
});

test('SKT$ICMP and SKT$RAW give ERAI$SERVICE even with a server listening, as in ScarletDME', async (t) => {
  // A live server, so the flag is the only thing that can make the call fail.
  const { port } = await listen(t);
  await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$ICMP), ERAI$SERVICE);
  await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$RAW), ERAI$SERVICE);
  await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$RAW | SKT$BLOCKING), ERAI$SERVICE);
});

test('a port outside 0 to 65535 gives ERAI$SERVICE, as ScarletDME gives for -1', async (t) => {
  for (const port of [-1, 65_536, 70_000]) {
    await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$BLOCKING), ERAI$SERVICE);
  }
});

test('SKT$DGRM alone makes a TCP socket, as in ScarletDME: only SKT$UDP makes a datagram socket', async (t) => {
  const { server, port } = await listen(t);
  const skt = await openSocket('127.0.0.1', port, SKT$DGRM | SKT$BLOCKING);
  t.teardown(() => closeSocket(skt));
  // A TCP connection: the server accepts it and the bytes cross it.
  const incoming = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(incoming));
  await writeSocket(skt, 'tcp', SKT$BLOCKING, 5000);
  t.is(await readExactly(incoming, 3), 'tcp');
});

test('a server that accepts and resets at once: openSocket succeeds and the first read reports the reset, as in ScarletDME', async (t) => {
  // ScarletDME: OPEN.SOCKET status 0, then READ.SOCKET 1008, READ.SOCKET 7013, WRITE.SOCKET 1008.
  const { port, connection } = await rawServer(t);
  for (let i = 0; i < 5; i++) {
    // Reset within the server's 'connection' event, before the client has seen its connect end.
    void connection().then((peer) => peer.resetAndDestroy());
    const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);
    t.teardown(() => closeSocket(skt));
    t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '127.0.0.1');
    t.is(socketInfo(skt, SKT$INFO_PORT), port);
    await expectSocketError(t, () => readSocket(skt, 10, SKT$BLOCKING, 5000), ER$FAILED, 'ECONNRESET');
    await expectSocketError(t, () => readSocket(skt, 10, SKT$BLOCKING, 5000), ER$SKT_CLOSED);
    await expectSocketError(t, () => writeSocket(skt, 'x', SKT$BLOCKING, 5000), ER$FAILED);
  }
});

test('an opened socket is SKT$INFO_TYPE_OUTGOING and tells the server address and port', async (t) => {
  const { server, port } = await listen(t);
  const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);
  t.teardown(() => closeSocket(skt));
  const incoming = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(incoming));
  t.is(socketInfo(skt, SKT$INFO_TYPE), SKT$INFO_TYPE_OUTGOING);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(skt, SKT$INFO_PORT), port);
});

test("openSocket resolves a host name, and inet_aton's short forms as ScarletDME does: localhost and 127.1 reach a loopback server", async (t) => {
  const { server, port } = await listen(t);
  for (const addr of ['localhost', '127.1']) {
    const skt = await openSocket(addr, port, SKT$BLOCKING);
    t.teardown(() => closeSocket(skt));
    const incoming = await acceptSocket(server, 5000);
    t.teardown(() => closeSocket(incoming));
    t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '127.0.0.1', addr);
  }
});

test("serverAddr('localhost') gives a loopback address", async (t) => {
  t.true(['127.0.0.1', '::1'].includes(await serverAddr('localhost')));
  // An address is returned as it is.
  t.is(await serverAddr('127.0.0.1'), '127.0.0.1');
});

test('serverAddr of an unknown host name gives ER$SERVER', async (t) => {
  await expectSocketError(t, () => serverAddr(UNKNOWN_HOST), ER$SERVER);
});

test('serverAddr of a malformed name gives ER$SERVER, as ScarletDME sets (before it crashes)', async (t) => {
  for (const name of ['256.1.1.1', 'bad name!', '[127.0.0.1]', '-x-']) {
    await expectSocketError(t, () => serverAddr(name), ER$SERVER);
  }
});

test("serverAddr completes inet_aton's short forms and refuses a name over 64 characters with ER$BAD_NAME", async (t) => {
  t.is(await serverAddr('127.1'), '127.0.0.1');
  await expectSocketError(t, () => serverAddr('a'.repeat(65)), ER$BAD_NAME);
  await expectSocketError(t, () => serverAddr('a'.repeat(64)), ER$SERVER);
  await expectSocketError(t, () => serverAddr(''), ER$BAD_NAME);
});
