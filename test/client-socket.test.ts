import test from 'ava';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  ER$BAD_NAME,
  ER$BADADDR,
  ER$CONNECT,
  ER$INCOMP_PROTO,
  ER$SERVER,
  ERAI$NONAME,
  openSocket,
  SKT$BLOCKING,
  SKT$ICMP,
  SKT$INFO_IP_ADDR,
  SKT$INFO_PORT,
  SKT$INFO_TYPE,
  SKT$INFO_TYPE_OUTGOING,
  SKT$RAW,
  serverAddr,
  socketInfo,
} from '../lib/index.js';
import { expectSocketError } from './helpers/assertions.js';
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

test('a malformed address gives ER$BADADDR', async (t) => {
  for (const addr of ['256.1.1.1', 'bad host!', '1.2.3']) {
    await expectSocketError(t, () => openSocket(addr, 7, SKT$BLOCKING), ER$BADADDR);
  }
});

test("an empty address gives ER$BAD_NAME", async (t) => {
  await expectSocketError(t, () => openSocket('', 7, SKT$BLOCKING), ER$BAD_NAME);
});

test('SKT$ICMP and SKT$RAW give ER$INCOMP_PROTO even with a server listening', async (t) => {
  // A live server, so the flag is the only thing that can make the call fail.
  const { port } = await listen(t);
  await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$ICMP), ER$INCOMP_PROTO);
  await expectSocketError(t, () => openSocket('127.0.0.1', port, SKT$RAW), ER$INCOMP_PROTO);
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

test('openSocket resolves a host name: localhost reaches a loopback server', async (t) => {
  const { server, port } = await listen(t);
  const skt = await openSocket('localhost', port, SKT$BLOCKING);
  t.teardown(() => closeSocket(skt));
  const incoming = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(incoming));
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '127.0.0.1');
});

test("serverAddr('localhost') gives a loopback address", async (t) => {
  t.true(['127.0.0.1', '::1'].includes(await serverAddr('localhost')));
  // An address is returned as it is.
  t.is(await serverAddr('127.0.0.1'), '127.0.0.1');
});

test('serverAddr of an unknown host name gives ER$SERVER', async (t) => {
  await expectSocketError(t, () => serverAddr(UNKNOWN_HOST), ER$SERVER);
});
