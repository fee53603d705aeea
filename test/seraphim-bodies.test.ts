// Request bodies in memory: a body no handler will read (a static file's, a route's that takes
// none, a 404's) is skipped without being held, and the bodies held at once, all connections
// together, stay within the server's budget: past it, 503 before the body is read.
import test from 'ava';
import { closeSocket, openSocket, readSocketBuffer, SKT$BLOCKING, writeSocket, type Socket } from '../lib/index.js';
import { createRouter } from '../examples/seraphim/routes/router.js';
import { json } from '../examples/seraphim/routes/responses.js';
import { memoryOf, startCli } from './helpers/seraphim-cli.js';
import { parseResponses, rawClient, readAll, startTestServer } from './helpers/seraphim.js';

const MiB = 1024 * 1024;

/** Sends a request with a body of `length` bytes on a new connection and reads its response. */
async function sendWithBody(port: number, requestLine: string, length: number): Promise<number | undefined> {
  const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);
  try {
    const head = `${requestLine}\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
    await writeSocket(skt, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(length, 0x61)]), SKT$BLOCKING, 30_000);
    const { bytes } = await readAll(skt, 30_000);
    return parseResponses(bytes)[0]?.status;
  } finally {
    await closeSocket(skt);
  }
}

test('60 requests with 1 MiB bodies nothing reads (static GET, GET route, 404, 405 from a route) leave the peak memory nearly where it was', async (t) => {
  // V8's young generation pinned at 1 MiB per half: left to Node, it grows by up to 32 MiB under
  // this burst whatever happens to the bodies (measured: 33 to 35 MiB with the bodies skipped),
  // which would hide the difference between skipping them and holding them.
  const cli = await startCli(t, ['--https-port', '0', '--http-port', 'auto', '--access-log', 'off'], undefined, undefined, ['--max-semi-space-size=1']);
  const port = cli.ports.http as number;
  // Warm up: the same kinds of requests without bodies, so the first-use allocations are counted in the base.
  for (const line of ['GET / HTTP/1.1', 'GET /api/posts HTTP/1.1', 'GET /no-such-page HTTP/1.1', 'DELETE /api/posts HTTP/1.1']) await sendWithBody(port, line, 0);
  const before = memoryOf(cli.pid, 'VmHWM');
  const lines = ['GET / HTTP/1.1', 'GET /api/posts HTTP/1.1', 'GET /no-such-page HTTP/1.1', 'DELETE /api/posts HTTP/1.1'];
  const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => sendWithBody(port, lines[i % lines.length] as string, MiB)));
  const grown = memoryOf(cli.pid, 'VmHWM') - before;
  t.deepEqual([...new Set(statuses)].sort(), [200, 404, 405], 'each answered as without a body');
  t.log(`peak RSS grew by ${(grown / MiB).toFixed(1)} MiB over 60 unread 1 MiB bodies`);
  // Measured here: 18 to 21 MiB skipped (the library's bounded read buffers of 60 connections);
  // 35 to 48 MiB when every body was held until its answer.
  t.true(grown < 28 * MiB, `peak RSS grew by ${(grown / MiB).toFixed(1)} MiB (the bodies alone are 60 MiB)`);
});

test('bodies held at once stay within maxBodyBytes: past it, 503 with Retry-After before the body is read; room comes back once answered', async (t) => {
  const routes = createRouter({ 'POST /upload': (request) => json({ size: request.body.length }) });
  const server = await startTestServer(t, { httpsPort: false, handler: routes, maxBodyBytes: 3 * MiB });
  const port = server.ports.http as number;
  const head = `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${MiB}\r\n\r\n`;
  // Three clients send a head and half their body, and hold on: 3 MiB of room taken.
  const holding: Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const skt = await rawClient(t, port);
    await writeSocket(skt, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(MiB / 2)]), SKT$BLOCKING, 10_000);
    holding.push(skt);
  }
  // The server has no event for a body it began to read: its count is watched, bounded (20 s).
  for (let i = 0; i < 400 && server.bodyBytes < 3 * MiB; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  t.is(server.bodyBytes, 3 * MiB, 'three bodies counted whole from their heads on');
  // A fourth body does not fit: refused at once, and its connection closed.
  const refused = await rawClient(t, port);
  await writeSocket(refused, head, SKT$BLOCKING, 10_000);
  const { bytes, closed } = await readAll(refused, 10_000);
  const answer = parseResponses(bytes)[0];
  t.is(answer?.status, 503);
  t.is(answer?.headers.get('retry-after'), '1');
  t.true(closed);
  t.true(server.bodyBytes <= 3 * MiB, 'never past the budget');
  // The holders finish their bodies and are answered; then the room is back.
  for (const skt of holding) {
    await writeSocket(skt, Buffer.alloc(MiB / 2), SKT$BLOCKING, 10_000);
    const response = await readSocketBuffer(skt, 65536, SKT$BLOCKING, 10_000);
    t.regex(response.toString('latin1'), /^HTTP\/1\.1 200 /);
    t.true(response.toString('latin1').endsWith(`{"size":${MiB}}`));
  }
  t.is(server.bodyBytes, 0, 'all room given back');
  const later = await rawClient(t, port);
  await writeSocket(later, Buffer.concat([Buffer.from(head.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'), 'latin1'), Buffer.alloc(MiB)]), SKT$BLOCKING, 10_000);
  t.is(parseResponses((await readAll(later, 10_000)).bytes)[0]?.status, 200, 'a new body fits again');
});

test('a body sent to a path no route reads is skipped and the connection goes on (keep-alive, pipelined)', async (t) => {
  const routes = createRouter({ 'POST /upload': (request) => json({ size: request.body.length }), 'GET /page': () => json({ page: true }) });
  const server = await startTestServer(t, { httpsPort: false, handler: routes, maxBodyBytes: MiB });
  const port = server.ports.http as number;
  const body = 'x'.repeat(4096);
  const chunked = `${(4096).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  const request =
    `GET /page HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n${body}` +
    `POST /style.css HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}` +
    `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n${body}`;
  const skt = await rawClient(t, port);
  await writeSocket(skt, request, SKT$BLOCKING, 10_000);
  const responses = parseResponses((await readAll(skt, 10_000)).bytes);
  t.deepEqual(responses.map((r) => r.status), [200, 405, 200]);
  t.deepEqual(JSON.parse(responses[2]?.body.toString() ?? '{}'), { size: 4096 });
  t.is(server.bodyBytes, 0);
});

test('an unwanted body past maxSkippedBody is not read: answered with Connection: close, the client may finish sending, then the connection closes', async (t) => {
  const routes = createRouter({ 'GET /page': () => json({ page: true }) });
  const server = await startTestServer(t, { httpsPort: false, handler: routes, limits: { maxSkippedBody: 64 * 1024 } });
  const port = server.ports.http as number;
  // A keep-alive request whose 512 KiB body nothing reads, then a request that must not be answered.
  const length = 512 * 1024;
  const skt = await rawClient(t, port);
  const head = `GET /page HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`;
  await writeSocket(skt, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(length, 0x61), Buffer.from('GET /page HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')]), SKT$BLOCKING, 10_000);
  const { bytes, closed } = await readAll(skt, 10_000);
  const responses = parseResponses(bytes);
  t.deepEqual(responses.map((r) => r.status), [200], 'answered once, the body not taken for requests');
  t.is(responses[0]?.headers.get('connection'), 'close');
  t.true(closed, 'the connection closed after the answer');

  // A chunked body that never ends is not read past the bound either.
  const endless = await rawClient(t, port);
  const chunk = `${(16 * 1024).toString(16)}\r\n${'b'.repeat(16 * 1024)}\r\n`;
  await writeSocket(endless, `GET /page HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.repeat(8)}`, SKT$BLOCKING, 10_000);
  const chunked = await readAll(endless, 10_000);
  t.deepEqual(parseResponses(chunked.bytes).map((r) => [r.status, r.headers.get('connection')]), [[200, 'close']]);
  t.true(chunked.closed);

  // With Expect: 100-continue, such a body is not asked for.
  const expecting = await rawClient(t, port);
  await writeSocket(expecting, `GET /page HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`, SKT$BLOCKING, 10_000);
  const answer = await readSocketBuffer(expecting, 65536, SKT$BLOCKING, 10_000);
  t.regex(answer.toString('latin1'), /^HTTP\/1\.1 200 [^]*\r\nConnection: close\r\n/);
});
