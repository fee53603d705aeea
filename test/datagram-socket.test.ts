import test, { type ExecutionContext } from 'ava';
import {
  closeSocket,
  createServerSocket,
  ER$FAILED,
  ER$TIMEOUT,
  openSocket,
  readSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  SKT$DGRM,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_PEER_ADDR,
  SKT$INFO_PEER_PORT,
  SKT$INFO_PORT,
  SKT$NON_BLOCKING,
  SKT$UDP,
  socketInfo,
  writeSocket,
  type ServerSocket,
  type Socket,
} from '../lib/index.js';
import { expectSocketError } from './helpers/assertions.js';

/** A UDP server socket on a free loopback port, closed when the test ends. */
async function udpServer(t: ExecutionContext, flags = SKT$UDP | SKT$BLOCKING): Promise<{ server: ServerSocket; port: number }> {
  const server = await createServerSocket('127.0.0.1', 0, flags);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

/** A UDP client socket aimed at 127.0.0.1:port, closed when the test ends. */
async function udpClient(t: ExecutionContext, port: number, flags = SKT$UDP | SKT$BLOCKING): Promise<Socket> {
  const client = await openSocket('127.0.0.1', port, flags);
  t.teardown(() => closeSocket(client));
  return client;
}

test('a datagram round trip between a SKT$UDP server socket and a SKT$UDP client', async (t) => {
  const { server, port } = await udpServer(t);
  const client = await udpClient(t, port);

  t.is(await writeSocket(client, 'PING', 0, 5000), 4);
  t.is(await readSocket(server, 1024, 0, 5000), 'PING');
  t.is(socketInfo(server, SKT$INFO_PEER_ADDR), '127.0.0.1');
  t.is(socketInfo(server, SKT$INFO_PEER_PORT), socketInfo(client, SKT$INFO_LOCAL_PORT));

  // writeSocket on the server answers the sender of the last datagram read.
  t.is(await writeSocket(server, 'PONG', 0, 5000), 4);
  t.is(await readSocket(client, 1024, 0, 5000), 'PONG');
});

test('SKT$DGRM with SKT$UDP makes datagram sockets, and all 256 byte values cross in one datagram', async (t) => {
  const { server, port } = await udpServer(t, SKT$DGRM | SKT$UDP | SKT$BLOCKING);
  const client = await udpClient(t, port, SKT$DGRM | SKT$UDP | SKT$BLOCKING);
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  t.is(await writeSocket(client, bytes), 256);
  t.deepEqual(await readSocketBuffer(server, 1024, 0, 5000), bytes);
  t.is(await writeSocket(server, bytes.toString('latin1')), 256);
  t.is(await readSocket(client, 1024, 0, 5000), bytes.toString('latin1'));
});

test('the pieces of a gathered write make one datagram, strings as Pick byte strings', async (t) => {
  const { server, port } = await udpServer(t);
  const client = await udpClient(t, port);
  t.is(await writeSocket(client, ['PRICE\u00fe', Buffer.from('WIDGET'), new Uint8Array([0xff])], 0, 5000), 13);
  t.is(await writeSocket(client, 'NEXT', 0, 5000), 4);
  // One datagram with every piece (latin1, not UTF-8: \u00fe is one byte), then the next one.
  t.deepEqual(await readSocketBuffer(server, 1024, 0, 5000), Buffer.from('PRICE\u00feWIDGET\u00ff', 'latin1'));
  t.is(await readSocket(server, 1024, 0, 5000), 'NEXT');
  t.is(await writeSocket(server, ['PO', 'NG'], 0, 5000), 4);
  t.is(await readSocket(client, 1024, 0, 5000), 'PONG');
  // More pieces than the kernel takes in one scatter list (1024) still make one datagram.
  const many = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(i % 256));
  t.is(await writeSocket(client, many, 0, 5000), 2000);
  t.is(await readSocket(server, 4096, 0, 5000), many.join(''));
});

test('each read returns one datagram and the server answers only its last sender', async (t) => {
  const { server, port } = await udpServer(t);
  const first = await udpClient(t, port);
  const second = await udpClient(t, port);

  await writeSocket(first, 'one');
  t.is(await readSocket(server, 1024, 0, 5000), 'one');
  await writeSocket(second, 'two');
  t.is(await readSocket(server, 1024, 0, 5000), 'two'); // not 'onetwo': datagram boundaries hold
  t.is(socketInfo(server, SKT$INFO_PEER_PORT), socketInfo(second, SKT$INFO_LOCAL_PORT));

  await writeSocket(server, 'to two');
  t.is(await readSocket(second, 1024, 0, 5000), 'to two');
  // The reply went to `second` only; `first` has nothing.
  await expectSocketError(t, () => readSocket(first, 1024, SKT$NON_BLOCKING), ER$TIMEOUT);
});

test('a datagram longer than maxLen is cut to maxLen and the rest is discarded', async (t) => {
  const { server, port } = await udpServer(t);
  const client = await udpClient(t, port);
  const long = Array.from({ length: 100 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');

  await writeSocket(client, long);
  t.is(await readSocket(server, 10, 0, 5000), long.slice(0, 10));
  // The next read starts with the next datagram, not with byte 11 of the first (as recv() does).
  await writeSocket(client, 'NEXT');
  t.is(await readSocket(server, 1024, 0, 5000), 'NEXT');

  await writeSocket(client, long);
  t.is((await readSocketBuffer(server, 7, 0, 5000)).length, 7);
});

test('a non-blocking UDP read with nothing waiting fails with ER$TIMEOUT at once', async (t) => {
  const { server, port } = await udpServer(t);
  const client = await udpClient(t, port, SKT$UDP); // non-blocking by default
  const started = performance.now();
  // The timeout only applies to blocking reads: these fail at once despite 5 s.
  await expectSocketError(t, () => readSocket(server, 1024, SKT$NON_BLOCKING, 5000), ER$TIMEOUT);
  await expectSocketError(t, () => readSocket(client, 1024, 0, 5000), ER$TIMEOUT);
  await expectSocketError(t, () => readSocket(client, 1024, SKT$NON_BLOCKING), ER$TIMEOUT);
  t.true(performance.now() - started < 500, 'returned at once');

  // A datagram that is there is returned by a non-blocking read.
  await writeSocket(client, 'here');
  const deadline = Date.now() + 5000;
  let got: string | undefined;
  // Delivery on loopback is quick but not synchronous; retry the non-blocking read, bounded.
  while (got === undefined && Date.now() < deadline) {
    got = await readSocket(server, 1024, SKT$NON_BLOCKING).catch(() => undefined);
    if (got === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  t.is(got, 'here');
});

test('a blocking UDP read with nothing coming ends with ER$TIMEOUT after its timeout', async (t) => {
  const { server } = await udpServer(t);
  const started = performance.now();
  await expectSocketError(t, () => readSocket(server, 1024, SKT$BLOCKING, 200), ER$TIMEOUT);
  const elapsed = performance.now() - started;
  t.true(elapsed >= 190 && elapsed < 1000, `${elapsed.toFixed(0)} ms`);
});

test('a UDP server socket that has read nothing has nobody to answer: ER$FAILED', async (t) => {
  const { server } = await udpServer(t);
  await expectSocketError(t, () => writeSocket(server, 'to whom?'), ER$FAILED);
});

test('a datagram to a port nobody listens on fails the waiting read with ER$FAILED (ECONNREFUSED) instead of hanging', async (t) => {
  // Take a free port, then free it again: nothing listens there afterwards.
  const { server, port } = await udpServer(t);
  await closeSocket(server);
  const client = await openSocket('127.0.0.1', port, SKT$UDP | SKT$BLOCKING);
  t.teardown(() => closeSocket(client));
  const reading = readSocket(client, 100, SKT$BLOCKING, 0); // no timeout: only the ICMP error can end it
  await writeSocket(client, 'anyone there?');
  const err = await t.throwsAsync(reading);
  t.is((err as { code?: string }).code, 'ER$FAILED');
  t.is((err as { osError?: string }).osError, 'ECONNREFUSED');
});

test("a UDP server socket bound to '' receives over IPv4 and IPv6 loopback", async (t) => {
  const server = await createServerSocket('', 0, SKT$UDP | SKT$BLOCKING);
  t.teardown(() => closeSocket(server));
  const port = socketInfo(server, SKT$INFO_PORT);
  for (const address of ['127.0.0.1', '::1']) {
    const client = await openSocket(address, port, SKT$UDP | SKT$BLOCKING);
    t.teardown(() => closeSocket(client));
    await writeSocket(client, `via ${address}`);
    t.is(await readSocket(server, 100, SKT$BLOCKING, 2000), `via ${address}`);
  }
});
