// The PROXY protocol on server sockets, over real loopback connections with headers written by
// hand: the accepted socket tells the client the header names, the bytes after the header are
// the client's (a ClientHello in the same packet included), and every connection that is not a
// trusted proxy with a good header is closed, counted and never accepted, without holding up
// anyone else.
import { once } from 'node:events';
import { connect, type Socket as NetSocket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  ER$INCOMP_PROTO,
  ER$TIMEOUT,
  readSocket,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_DROPPED,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV4,
  SKT$INFO_FAMILY_IPV6,
  SKT$INFO_IP_ADDR,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_PEER_HANDSHAKES,
  SKT$INFO_PORT,
  SKT$INFO_PROXY_ADDR,
  SKT$INFO_PROXY_PORT,
  SKT$INFO_PROXY_REFUSED,
  SKT$INFO_QUEUED,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_HANDSHAKING,
  SKT$UDP,
  socketInfo,
  writeSocket,
  type ServerSocket,
  type ServerSocketOptions,
  type SecureServerSocket,
  type Socket,
} from '../lib/index.js';
import * as basic from '../lib/basic/index.js';
import { expectSocketError, waitFor, withLimit } from './helpers/assertions.js';
import { endedAfter } from './helpers/loopback-peers.js';
import { proxiedTls, proxyConnection, tlv, v1, v2, v2Local, v2Raw, writePieces } from './helpers/proxy-headers.js';
import { watchUncaught } from './helpers/raw-peer.js';
import { devCertificates, serverContext } from './helpers/tls.js';

/** Generous: the machine is shared, and these bound how long a test waits for a good connection. */
const ACCEPT_LIMIT = 10_000;

const proxied = (trusted: readonly string[] = ['127.0.0.0/8'], headerTimeout?: number): ServerSocketOptions => ({
  proxyProtocol: headerTimeout === undefined ? { trusted } : { trusted, headerTimeout },
});

async function plainServer(t: ExecutionContext, options: ServerSocketOptions = proxied()): Promise<{ server: ServerSocket; port: number }> {
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, options);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

async function secureServer(t: ExecutionContext, options: ServerSocketOptions = proxied()): Promise<{ server: SecureServerSocket; port: number }> {
  const server = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext(), options);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

async function accepted(t: ExecutionContext, server: ServerSocket): Promise<Socket> {
  const skt = await acceptSocket(server, ACCEPT_LIMIT);
  t.teardown(() => closeSocket(skt));
  return skt;
}

/**
 * A connection through a proxy at `localAddress` that opens with `header` (then a TLS handshake,
 * on a secure server socket), accepted.
 */
async function acceptProxied(t: ExecutionContext, server: ServerSocket, port: number, secure: boolean, header: Buffer, localAddress = '127.0.0.1'): Promise<Socket> {
  if (secure) await proxiedTls(t, port, header, 1, localAddress);
  else (await proxyConnection(t, port, localAddress)).write(header);
  return accepted(t, server);
}

/** Reads from `skt` until `length` bytes have come. */
async function readBytes(skt: Socket, length: number): Promise<string> {
  let text = '';
  while (text.length < length) text += await readSocket(skt, length - text.length, SKT$BLOCKING, ACCEPT_LIMIT);
  return text;
}

/** Resolves once the server has closed `socket` (its FIN or a reset), at once if it has already. */
async function closedByServer(socket: NetSocket): Promise<void> {
  if (socket.destroyed || socket.readableEnded) return;
  await withLimit(endedAfter(socket, performance.now()), ACCEPT_LIMIT, 'the server did not close the connection');
}

/** The client's end of a raw connection, as the server sees the proxy. */
const proxyEnd = (socket: NetSocket): { address: string; port: number } => ({ address: socket.localAddress ?? '', port: socket.localPort ?? 0 });

test('v1 TCP4: the accepted socket tells the client the header names, the proxy apart, and the bytes after the header are the first read', async (t) => {
  const { server, port } = await plainServer(t);
  const proxy = await proxyConnection(t, port);
  proxy.write(Buffer.concat([v1('203.0.113.7', 51000, '198.51.100.1', 443), Buffer.from('hello after the header')]));
  const skt = await accepted(t, server);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.7');
  t.is(socketInfo(skt, SKT$INFO_PORT), 51000);
  t.is(socketInfo(skt, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV4);
  t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), proxyEnd(proxy).address);
  t.is(socketInfo(skt, SKT$INFO_PROXY_PORT), proxyEnd(proxy).port);
  // The local end is the connection's own, not the destination the header names.
  t.is(socketInfo(skt, SKT$INFO_LOCAL_PORT), port);
  t.is(await readBytes(skt, 22), 'hello after the header');
  // And the connection goes on both ways.
  await writeSocket(skt, 'reply');
  const [reply] = (await once(proxy, 'data')) as [Buffer];
  t.is(reply.toString(), 'reply');
  t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
});

test('v2 TCP6 with TLVs, split across several writes: the client is the IPv6 address, written canonically', async (t) => {
  const { server, port } = await plainServer(t);
  const proxy = await proxyConnection(t, port);
  const header = v2('2001:db8:0:0:0:0:0:42', 40000, '2001:db8::1', 8443, Buffer.concat([tlv(0x01, Buffer.from('h2')), tlv(0x05, Buffer.alloc(16, 7))]));
  const bytes = Buffer.concat([header, Buffer.from('GET / HTTP/1.1\r\n')]);
  // One byte at a time through the signature, then the rest of the header with the data.
  await writePieces(proxy, [...[...bytes.subarray(0, 14)].map((byte) => Buffer.from([byte])), bytes.subarray(14, 30), bytes.subarray(30)]);
  const skt = await accepted(t, server);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '2001:db8::42');
  t.is(socketInfo(skt, SKT$INFO_PORT), 40000);
  t.is(socketInfo(skt, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV6);
  t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), '127.0.0.1');
  t.is(await readBytes(skt, 16), 'GET / HTTP/1.1\r\n');
});

test('v1 TCP6 and v2 TCP4 name the same client text as the other version does', async (t) => {
  const { server, port } = await plainServer(t);
  const one = await proxyConnection(t, port);
  one.write(v1('2001:DB8::0:7', 1, '::1', 2));
  const first = await accepted(t, server);
  const two = await proxyConnection(t, port);
  two.write(v2('192.0.2.9', 65535, '192.0.2.1', 0));
  const second = await accepted(t, server);
  t.is(socketInfo(first, SKT$INFO_IP_ADDR), '2001:db8::7');
  t.is(socketInfo(second, SKT$INFO_IP_ADDR), '192.0.2.9');
  t.is(socketInfo(second, SKT$INFO_PORT), 65535);
});

test('a v1 UNKNOWN header and a v2 LOCAL command (a health check) leave the proxy as the peer', async (t) => {
  const { server, port } = await plainServer(t);
  for (const header of [Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'), v2Local()]) {
    const proxy = await proxyConnection(t, port);
    proxy.write(Buffer.concat([header, Buffer.from('ping')]));
    const skt = await accepted(t, server);
    t.is(socketInfo(skt, SKT$INFO_IP_ADDR), proxyEnd(proxy).address);
    t.is(socketInfo(skt, SKT$INFO_PORT), proxyEnd(proxy).port);
    t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), proxyEnd(proxy).address);
    t.is(socketInfo(skt, SKT$INFO_PROXY_PORT), proxyEnd(proxy).port);
    t.is(await readBytes(skt, 4), 'ping');
  }
});

test('a header alone, its data later: a plain socket is accepted on the header and reads what follows; TLS waits for its ClientHello', async (t) => {
  const plain = await plainServer(t);
  const proxy = await proxyConnection(t, plain.port);
  proxy.write(v1('203.0.113.11', 1100, '127.0.0.1', 80));
  const skt = await accepted(t, plain.server);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.11');
  proxy.write('later');
  t.is(await readBytes(skt, 5), 'later');

  const secure = await secureServer(t);
  const raw = await proxyConnection(t, secure.port);
  raw.write(v2('203.0.113.12', 1200, '127.0.0.1', 443));
  // Once the header is read, the connection is in its handshake, and only then says hello.
  t.true(await waitFor(() => socketInfo(secure.server, SKT$INFO_TLS_HANDSHAKING) === 1, ACCEPT_LIMIT));
  const client = tlsConnect({ socket: raw, servername: 'localhost', ca: devCertificates().ca.cert });
  client.on('error', () => undefined); // judged by the handshake below
  t.teardown(() => client.destroy());
  await withLimit(once(client, 'secureConnect'), ACCEPT_LIMIT, 'no handshake after the header');
  const tls = await acceptSecureSocket(secure.server, ACCEPT_LIMIT);
  t.teardown(() => closeSocket(tls));
  t.is(socketInfo(tls, SKT$INFO_IP_ADDR), '203.0.113.12');
  client.write('hi');
  t.is(await readBytes(tls, 2), 'hi');
});

for (const [version, header] of [
  ['v1', v1('203.0.113.8', 50123, '127.0.0.1', 443)],
  ['v2', v2('2001:db8::8', 50123, '2001:db8::1', 443)],
] as const) {
  test(`TLS: a ${version} header with the ClientHello in the same packet, and one split before it: the handshake completes and the socket tells the client`, async (t) => {
    const { server, port } = await secureServer(t);
    for (const split of [1, 3]) {
      const client = await proxiedTls(t, port, header, split);
      const skt = await acceptSecureSocket(server, ACCEPT_LIMIT);
      t.teardown(() => closeSocket(skt));
      t.is(socketInfo(skt, SKT$INFO_IP_ADDR), version === 'v1' ? '203.0.113.8' : '2001:db8::8');
      t.is(socketInfo(skt, SKT$INFO_PORT), 50123);
      t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), '127.0.0.1');
      // Application data both ways over the TLS that followed the header.
      client.write('over TLS');
      t.is(await readBytes(skt, 8), 'over TLS');
      await writeSocket(skt, 'back');
      const [reply] = (await once(client, 'data')) as [Buffer];
      t.is(reply.toString(), 'back');
    }
    t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
  });
}

for (const secure of [false, true]) {
  const kind = secure ? 'secure' : 'plain';

  test(`${kind}: a connection from an untrusted address (127.0.0.2, only 127.0.0.3 trusted) is closed, counted and never accepted`, async (t) => {
    const options = proxied(['127.0.0.3']);
    const { server, port } = secure ? await secureServer(t, options) : await plainServer(t, options);
    const untrusted = await proxyConnection(t, port, '127.0.0.2');
    untrusted.write(Buffer.concat([v1('203.0.113.1', 1000, '127.0.0.1', port), Buffer.from('x')]));
    await closedByServer(untrusted);
    t.true(await waitFor(() => socketInfo(server, SKT$INFO_PROXY_REFUSED) === 1));
    // The trusted proxy's connection is the first and only one accepted.
    const skt = await acceptProxied(t, server, port, secure, v1('203.0.113.2', 2000, '127.0.0.1', port), '127.0.0.3');
    t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.2');
    t.is(socketInfo(server, SKT$INFO_QUEUED), 0);
    t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 1);
  });

  test(`${kind}: missing (a request, a ClientHello), malformed and oversized headers are each closed and counted; good connections are accepted meanwhile`, async (t) => {
    const { server, port } = secure ? await secureServer(t) : await plainServer(t);
    const uncaught = watchUncaught(t);
    const bad = [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01]), // the start of a TLS record: a client around the proxy
      Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 80\r\n'), // a field missing
      Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 80 65536\r\n'), // a port out of range
      Buffer.from('PROXY TCP6 1.2.3.4 5.6.7.8 80 81\r\n'), // IPv4 addresses in a TCP6 line
      Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 80 81\n'), // LF without CR
      Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`), // no CRLF within 107 bytes
      v2Raw(0x31, 0x11, Buffer.alloc(12)), // version 3
      v2Raw(0x21, 0x12, Buffer.alloc(12)), // TCP4 over datagrams
      v2Raw(0x21, 0x21, Buffer.alloc(12)), // TCP6 with room for IPv4 addresses only
      v2Raw(0x21, 0x11, Buffer.alloc(0), 0xffff), // 64 KiB announced: refused before it comes
    ];
    const closed: Promise<void>[] = [];
    for (const bytes of bad) {
      const peer = await proxyConnection(t, port);
      peer.write(bytes);
      closed.push(closedByServer(peer));
    }
    // A good one among them is accepted as if they were not there.
    const skt = await acceptProxied(t, server, port, secure, v2('198.51.100.20', 3000, '127.0.0.1', port));
    t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '198.51.100.20');
    await Promise.all(closed);
    t.true(await waitFor(() => socketInfo(server, SKT$INFO_PROXY_REFUSED) === bad.length));
    t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), bad.length);
    t.is(socketInfo(server, SKT$INFO_QUEUED), 0);
    t.deepEqual(uncaught.errors, []);
  });

  test(`${kind}: connections still owing their header do not hold up a good one opened after them`, async (t) => {
    // A header timeout far beyond the accept's bound: the slow ones are surely still waiting.
    const options = proxied(['127.0.0.1'], 120_000);
    const { server, port } = secure ? await secureServer(t, options) : await plainServer(t, options);
    const slow = await proxyConnection(t, port);
    slow.write('PROXY TCP4 203.0.113.'); // and nothing more
    await proxyConnection(t, port); // not a byte
    const skt = await acceptProxied(t, server, port, secure, v1('203.0.113.30', 4000, '127.0.0.1', port));
    t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.30');
    t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0, 'the slow ones are still within their time');
  });

  test(`${kind}: a slow header is cut off after headerTimeout and counted, and never accepted`, async (t) => {
    const options = proxied(['127.0.0.1'], 1000);
    const { server, port } = secure ? await secureServer(t, options) : await plainServer(t, options);
    const slow = await proxyConnection(t, port);
    slow.write('PROXY TCP4 203.0.113.'); // and nothing more
    const silent = await proxyConnection(t, port); // not a byte
    await Promise.all([closedByServer(slow), closedByServer(silent)]);
    t.true(await waitFor(() => socketInfo(server, SKT$INFO_PROXY_REFUSED) === 2));
    t.is(socketInfo(server, SKT$INFO_QUEUED), 0);
    await expectSocketError(t, () => acceptSocket(server, 200), ER$TIMEOUT);
  });

  test(`${kind}: closing the server socket ends the connections still sending their header, without counting them`, async (t) => {
    const server = secure
      ? await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext(), proxied())
      : await createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, proxied());
    const port = socketInfo(server, SKT$INFO_PORT);
    const waiting = await proxyConnection(t, port);
    waiting.write('PROXY TCP4 ');
    // Once the server has read those bytes, the connection is in header reading.
    const queued = await proxyConnection(t, port);
    queued.write(v1('203.0.113.40', 1, '127.0.0.1', 2));
    if (!secure) t.true(await waitFor(() => socketInfo(server, SKT$INFO_QUEUED) === 1));
    await closeSocket(server);
    await closedByServer(waiting);
    t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
  });
}

test('a peer that hangs up or resets before its header is whole is closed and not counted as a refusal (it left)', async (t) => {
  const { server, port } = await plainServer(t);
  const halfClosed = await proxyConnection(t, port);
  const closed = closedByServer(halfClosed);
  halfClosed.end('PROXY TCP4 203.0.113.');
  await closed;
  const reset = await proxyConnection(t, port);
  reset.write(v2('203.0.113.91', 1, '127.0.0.1', 2).subarray(0, 14));
  reset.resetAndDestroy();
  // Then a refusal, after them on the same server: the count shows it alone.
  const garbage = await proxyConnection(t, port);
  const refused = closedByServer(garbage);
  garbage.write('GET / HTTP/1.1\r\n');
  await refused;
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_PROXY_REFUSED) === 1));
  const good = await proxyConnection(t, port);
  good.write(v1('203.0.113.92', 1, '127.0.0.1', 2));
  const skt = await accepted(t, server);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.92');
  t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 1);
});

test('the handshake limits per address count the client the header names, never the proxy that carries them all', async (t) => {
  const { server, port } = await secureServer(t);
  setSocketMode(server, SKT$INFO_PEER_HANDSHAKES, 2);
  // Two connections for client A that stop after their header: each holds a handshake slot of A's.
  const stalled: NetSocket[] = [];
  for (let i = 0; i < 2; i++) {
    const proxy = await proxyConnection(t, port);
    proxy.write(v1('203.0.113.50', 1000 + i, '127.0.0.1', port));
    stalled.push(proxy);
  }
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_TLS_HANDSHAKING) === 2), 'both are handshaking');
  // A third for A is over A's share: closed, a drop (not a PROXY refusal).
  const third = await proxyConnection(t, port);
  third.write(v1('203.0.113.50', 1002, '127.0.0.1', port));
  await closedByServer(third);
  t.is(socketInfo(server, SKT$INFO_DROPPED), 1);
  // Client B, through the same proxy address, completes its handshake.
  await proxiedTls(t, port, v1('198.51.100.51', 2000, '127.0.0.1', port));
  const skt = await acceptSecureSocket(server, ACCEPT_LIMIT);
  t.teardown(() => closeSocket(skt));
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '198.51.100.51');
  t.is(socketInfo(server, SKT$INFO_DROPPED), 1);
  t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
});

test('the first-byte deadline of a handshake counts from the end of the header: a client that sends nothing after it is cut off even with no handshake timeout', async (t) => {
  t.timeout(60_000);
  const server = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext({ handshakeTimeout: 0 }), proxied());
  t.teardown(() => closeSocket(server));
  const proxy = await proxyConnection(t, socketInfo(server, SKT$INFO_PORT));
  proxy.write(v2('203.0.113.55', 5500, '127.0.0.1', 443)); // the header, then not a byte of TLS
  // The header's bytes are not the ClientHello's: the 3 s deadline applies (else, with no
  // handshake timeout, the connection would hold its slot for good).
  await withLimit(endedAfter(proxy, performance.now()), 20_000, 'the silent client behind the header was never cut off');
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_TIMEOUTS), 1);
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKING), 0);
  t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
});

test('a dual-stack server socket trusts an IPv4 proxy as its IPv4 address (::ffff:127.0.0.1 matches 127.0.0.0/8)', async (t) => {
  const server = await createServerSocket('::', 0, SKT$BLOCKING, undefined, proxied(['127.0.0.0/8']));
  t.teardown(() => closeSocket(server));
  const proxy = await proxyConnection(t, socketInfo(server, SKT$INFO_PORT));
  proxy.write(v1('203.0.113.60', 6000, '127.0.0.1', 1));
  const skt = await accepted(t, server);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.60');
  t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), '::ffff:127.0.0.1');
});

test('an IPv6 proxy matched by an IPv6 entry', async (t) => {
  const server = await createServerSocket('::1', 0, SKT$BLOCKING, undefined, proxied(['::1']));
  t.teardown(() => closeSocket(server));
  const proxy = connect({ host: '::1', port: socketInfo(server, SKT$INFO_PORT) });
  t.teardown(() => proxy.destroy());
  await once(proxy, 'connect');
  proxy.write(v2('2001:db8::61', 6100, '::1', 1));
  const skt = await accepted(t, server);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '2001:db8::61');
  t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), '::1');
});

test('without the PROXY protocol nothing changes: the proxy keys are empty, and a PROXY line is the data it is', async (t) => {
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  t.teardown(() => closeSocket(server));
  const proxy = await proxyConnection(t, socketInfo(server, SKT$INFO_PORT));
  const header = v1('203.0.113.70', 7000, '127.0.0.1', 1);
  proxy.write(header);
  const skt = await accepted(t, server);
  t.is(socketInfo(skt, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), '');
  t.is(socketInfo(skt, SKT$INFO_PROXY_PORT), 0);
  t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
  t.is(await readBytes(skt, header.length), header.toString('latin1'));
  // scarlet-sockets/basic answers the same keys.
  t.is(basic.socketInfo(skt, SKT$INFO_PROXY_ADDR), '');
  t.is(basic.socketInfo(skt, SKT$INFO_PROXY_PORT), 0);
  t.is(basic.socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
});

test('scarlet-sockets/basic socketInfo tells a proxied socket\'s keys', async (t) => {
  const { server, port } = await plainServer(t);
  const proxy = await proxyConnection(t, port);
  proxy.write(v1('203.0.113.80', 8000, '127.0.0.1', 1));
  const skt = await accepted(t, server);
  t.is(basic.socketInfo(skt, SKT$INFO_IP_ADDR), '203.0.113.80');
  t.is(basic.socketInfo(skt, SKT$INFO_PROXY_ADDR), '127.0.0.1');
  t.is(basic.socketInfo(skt, SKT$INFO_PROXY_PORT), proxyEnd(proxy).port);
  t.is(basic.socketInfo(server, SKT$INFO_PROXY_REFUSED), 0);
});

test('options are checked: a trusted entry that is no address or range, a header timeout of 0, the PROXY protocol on UDP', async (t) => {
  for (const trusted of [['localhost'], ['10.0.0.0/33'], ['::1/129'], ['fe80::1%eth0'], ['10.0.0.0/08'], [42]]) {
    await t.throwsAsync(() => createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, { proxyProtocol: { trusted: trusted as string[] } }), {
      instanceOf: TypeError,
      message: /trusted holds/,
    });
  }
  await t.throwsAsync(() => createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, { proxyProtocol: { trusted: [], headerTimeout: 0 } }), {
    instanceOf: TypeError,
    message: /headerTimeout/,
  });
  await t.throwsAsync(() => createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext(), { proxyProtocol: { trusted: '127.0.0.1' as never } }), {
    instanceOf: TypeError,
    message: /trusted must be an array/,
  });
  await expectSocketError(t, () => createServerSocket('127.0.0.1', 0, SKT$UDP, undefined, proxied()), ER$INCOMP_PROTO);
  // Valid forms: addresses and ranges of both families; an empty list trusts nobody.
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, proxied(['10.0.0.0/8', '192.0.2.7', '::1', 'fd00::/8', '0.0.0.0/0']));
  await closeSocket(server);
  const nobody = await plainServer(t, proxied([]));
  const proxy = await proxyConnection(t, nobody.port);
  proxy.write(v1('203.0.113.90', 1, '127.0.0.1', 2));
  await closedByServer(proxy);
  t.true(await waitFor(() => socketInfo(nobody.server, SKT$INFO_PROXY_REFUSED) === 1));
});
