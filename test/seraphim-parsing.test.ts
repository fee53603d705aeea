// SERAPHIM's request parsing, limits, keep-alive, pipelining and timeouts, with raw clients on
// the library's openSocket against a real server on loopback.
import { setTimeout as sleep } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { readSocketBuffer, SKT$BLOCKING, writeSocket } from '../lib/index.js';
import type { SeraphimHandler } from '../examples/seraphim/server.js';
import { exchange, exchangeOn, parseResponses, rawClient, readAll, resetAfterSending, startTestServer } from './helpers/seraphim.js';

/** A handler for /echo (method, body and query n back as JSON) and /throw; static files for the rest. */
const echo: SeraphimHandler = (request) => {
  if (request.path === '/throw') throw new Error('handler failure');
  if (request.path !== '/echo') return undefined;
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ method: request.method, n: request.query.get('n'), body: request.body.toString('latin1'), te: request.headers.get('transfer-encoding') ?? null }),
  };
};

async function plainServer(t: ExecutionContext, options: Parameters<typeof startTestServer>[1] = {}) {
  const server = await startTestServer(t, { httpsPort: false, handler: echo, ...options });
  return { server, port: server.ports.http as number };
}

/** The server still answers a well-formed request on a new connection. */
async function stillServes(t: ExecutionContext, port: number): Promise<void> {
  const { responses } = await exchange(t, port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.is(responses[0]?.status, 200);
  t.regex(responses[0]?.body.toString('utf8') ?? '', /<title>SERAPHIM/);
}

/** Sends `request`, expects one response with `status` and the connection closed. */
async function expectRefused(t: ExecutionContext, port: number, request: string, status: number, label: string): Promise<void> {
  const { responses, closed } = await exchange(t, port, request);
  t.is(responses.length, 1, `${label}: one response`);
  t.is(responses[0]?.status, status, label);
  t.true(closed, `${label}: connection closed`);
}

test('a request line over 8 KiB gets 414 and the server keeps serving', async (t) => {
  const { port } = await plainServer(t);
  await expectRefused(t, port, `GET /${'a'.repeat(8200)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, 'long line');
  // the limit holds before the line ends, too
  await expectRefused(t, port, `GET /${'a'.repeat(9000)}`, 414, 'unterminated long line');
  const { responses } = await exchange(t, port, `GET /?q=${'a'.repeat(8000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  t.is(responses[0]?.status, 200, 'just under the limit is fine');
  await stillServes(t, port);
});

test('headers over 16 KiB or over 100 lines get 431', async (t) => {
  const { port } = await plainServer(t);
  const big = Array.from({ length: 20 }, (_, i) => `X-Big-${i}: ${'v'.repeat(1000)}\r\n`).join('');
  await expectRefused(t, port, `GET / HTTP/1.1\r\nHost: x\r\n${big}\r\n`, 431, '20 KiB of headers');
  const many = Array.from({ length: 101 }, (_, i) => `X-H${i}: v\r\n`).join('');
  await expectRefused(t, port, `GET / HTTP/1.1\r\nHost: x\r\n${many}\r\n`, 431, '101 header lines');
  const ok = Array.from({ length: 90 }, (_, i) => `X-H${i}: v\r\n`).join('');
  const { responses } = await exchange(t, port, `GET / HTTP/1.1\r\nHost: x\r\n${ok}Connection: close\r\n\r\n`);
  t.is(responses[0]?.status, 200, '90 lines are fine');
  await stillServes(t, port);
});

test('malformed request lines, bad headers and bare LF get 400 and close', async (t) => {
  const { port } = await plainServer(t);
  const cases: [string, string, number][] = [
    ['no version', 'GET /\r\nHost: x\r\n\r\n', 400],
    ['two spaces', 'GET  / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['extra part', 'GET / HTTP/1.1 x\r\nHost: x\r\n\r\n', 400],
    ['bad method', 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['bad version', 'GET / HTTQ/1.1\r\nHost: x\r\n\r\n', 400],
    ['relative target', 'GET index.html HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['bad percent-encoding', 'GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['space before colon', 'GET / HTTP/1.1\r\nHost: x\r\nX-Bad : v\r\n\r\n', 400],
    ['no colon', 'GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n', 400],
    ['control char in value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n', 400],
    ['missing Host on 1.1', 'GET / HTTP/1.1\r\nX-A: a\r\n\r\n', 400],
    ['two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
    ['bare LF after request line', 'GET / HTTP/1.1\nHost: x\r\n\r\n', 400],
    ['bare LF after a header', 'GET / HTTP/1.1\r\nHost: x\n\r\n', 400],
    ['bare LF ending the head', 'GET / HTTP/1.1\r\nHost: x\r\n\n', 400],
    ['bare CR in a header', 'GET / HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n', 400],
    ['HTTP/2.0 over HTTP/1 framing', 'GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505],
    ['unknown expectation', 'GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n', 417],
  ];
  for (const [label, request, status] of cases) await expectRefused(t, port, request, status, label);
  await stillServes(t, port);
});

test('ambiguous body framing gets 400: CL with TE, negative or differing Content-Length', async (t) => {
  const { port } = await plainServer(t);
  const cases: [string, string, number][] = [
    ['CL and TE', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['TE and CL', 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n', 400],
    ['negative CL', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello', 400],
    ['plus-signed CL', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello', 400],
    ['differing CL headers', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', 400],
    ['differing CL list', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!', 400],
    ['TE not ending in chunked', 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n', 400],
    ['TE on HTTP/1.0', 'POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['bad chunk size', 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 400],
    ['chunk without CRLF', 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n', 400],
    ['bare LF in chunk size', 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n', 400],
  ];
  for (const [label, request, status] of cases) await expectRefused(t, port, request, status, label);
  // the same Content-Length twice is one length
  const { responses } = await exchange(t, port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
  t.is(responses[0]?.status, 200);
  t.is(JSON.parse(responses[0]?.body.toString() ?? '{}').body, 'hello');
  await stillServes(t, port);
});

test('chunked bodies are decoded exactly (extensions, trailers) and the next request follows', async (t) => {
  const { port } = await plainServer(t);
  const chunked =
    'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5;name=value\r\nhello\r\n' + '1A\r\n' + ' and twenty-six more bytes'.padEnd(26, '.') + '\r\n' + '0\r\nX-Trailer: t\r\n\r\n' +
    'GET /echo?n=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const { responses } = await exchange(t, port, chunked);
  t.is(responses.length, 2);
  const first = JSON.parse(responses[0]?.body.toString() ?? '{}');
  t.is(first.body, 'hello' + ' and twenty-six more bytes'.padEnd(26, '.'));
  t.is(JSON.parse(responses[1]?.body.toString() ?? '{}').n, '2');
});

test('bodies past the limit get 413, by Content-Length or chunked', async (t) => {
  const { port } = await plainServer(t, { limits: { maxBody: 1024 } });
  await expectRefused(t, port, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n${'a'.repeat(2000)}`, 413, 'CL over');
  await expectRefused(t, port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n', 413, 'huge CL');
  const chunk = `200\r\n${'b'.repeat(0x200)}\r\n`;
  await expectRefused(t, port, `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}${chunk}0\r\n\r\n`, 413, 'chunked over');
  const { responses } = await exchange(t, port, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\nConnection: close\r\n\r\n${'c'.repeat(1024)}`);
  t.is(responses[0]?.status, 200, 'exactly the limit is fine');
  await stillServes(t, port);
});

test('a body on GET is read and discarded, never taken for the next request', async (t) => {
  const { port } = await plainServer(t);
  const smuggled = 'GET /secret HTTP/1.1\r\nHost: x\r\n\r\n';
  const request =
    `GET /echo?n=1 HTTP/1.1\r\nHost: x\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}` +
    'GET /echo?n=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const { responses, closed } = await exchange(t, port, request);
  t.deepEqual(responses.map((r) => r.status), [200, 200]);
  t.deepEqual(responses.map((r) => JSON.parse(r.body.toString()).n), ['1', '2']);
  t.true(closed);
});

test('keep-alive: 100 pipelined requests on one connection are answered in order', async (t) => {
  const { port } = await plainServer(t);
  const skt = await rawClient(t, port);
  let requests = '';
  for (let i = 0; i < 100; i++) requests += `GET /echo?n=${i} HTTP/1.1\r\nHost: x\r\n${i === 99 ? 'Connection: close\r\n' : ''}\r\n`;
  await writeSocket(skt, requests, SKT$BLOCKING, 5000);
  const { bytes, closed } = await readAll(skt);
  const responses = parseResponses(bytes);
  t.is(responses.length, 100);
  t.deepEqual(responses.map((r) => JSON.parse(r.body.toString()).n), Array.from({ length: 100 }, (_, i) => String(i)));
  t.true(closed, 'closed after Connection: close');
});

test('blank lines after a request, alone in their read, are taken as the next request\'s leading ones: it is answered, and the server serves on', async (t) => {
  const { port } = await plainServer(t);
  const skt = await rawClient(t, port);
  // The first request and two blank lines in one write: the blank lines stay for the next head.
  await writeSocket(skt, 'GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n\r\n\r\n', SKT$BLOCKING, 5000);
  await sleep(200);
  // Then, alone in their own write, two more: four in all, as many as a head may have.
  await writeSocket(skt, '\r\n\r\n', SKT$BLOCKING, 5000);
  await sleep(200);
  const { responses, closed } = await exchangeOn(skt, 'GET /echo?n=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.deepEqual(responses.map((r) => JSON.parse(r.body.toString()).n), ['1', '2']);
  t.true(closed);
  await stillServes(t, port);
});

test('keep-alive: requests one after another on the same connection, HEAD included', async (t) => {
  const { port } = await plainServer(t);
  const skt = await rawClient(t, port);
  for (let i = 0; i < 5; i++) {
    await writeSocket(skt, `GET /echo?n=${i} HTTP/1.1\r\nHost: x\r\n\r\n`, SKT$BLOCKING, 5000);
    let bytes = Buffer.alloc(0);
    let parsed: ReturnType<typeof parseResponses> = [];
    for (let reads = 0; reads < 50 && parsed.length === 0; reads++) {
      bytes = Buffer.concat([bytes, await readSocketBuffer(skt, 65536, SKT$BLOCKING, 5000)]);
      try {
        parsed = parseResponses(bytes);
        if (parsed[0] && parsed[0].body.length < Number(parsed[0].headers.get('content-length'))) parsed = [];
      } catch {
        parsed = [];
      }
    }
    t.is(JSON.parse(parsed[0]?.body.toString() ?? '{}').n, String(i));
    t.is(parsed[0]?.headers.get('connection'), undefined, 'no Connection: close on 1.1');
  }
  await writeSocket(skt, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', SKT$BLOCKING, 5000);
  const { bytes } = await readAll(skt);
  const [head] = parseResponses(bytes, true);
  t.is(head?.status, 200);
  t.true(Number(head?.headers.get('content-length')) > 1000);
  t.is(bytes.indexOf('<html'), -1, 'HEAD sends no body');
});

test('HTTP/1.0 closes after the response unless it asks for keep-alive', async (t) => {
  const { port } = await plainServer(t);
  const { responses, closed } = await exchange(t, port, 'GET / HTTP/1.0\r\n\r\n');
  t.is(responses[0]?.status, 200);
  t.is(responses[0]?.headers.get('connection'), 'close');
  t.true(closed);

  const kept = await exchange(t, port, 'GET /echo?n=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /echo?n=2 HTTP/1.0\r\n\r\n');
  t.deepEqual(kept.responses.map((r) => JSON.parse(r.body.toString()).n), ['1', '2']);
  t.is(kept.responses[0]?.headers.get('connection'), 'keep-alive');
  t.true(kept.closed);
});

test('a slow request head gets 408 and is closed; an idle keep-alive connection is closed', async (t) => {
  const { port } = await plainServer(t, { timeouts: { head: 300, idle: 200 } });
  const slow = await rawClient(t, port);
  const started = Date.now();
  await writeSocket(slow, 'GET / HTTP/1.1\r\nHost: x\r\n', SKT$BLOCKING, 5000);
  const { bytes, closed } = await readAll(slow, 5000);
  t.is(parseResponses(bytes)[0]?.status, 408);
  t.true(closed);
  t.true(Date.now() - started < 3000);

  // a client that sends nothing at all gets 408 as well
  const silent = await exchange(t, port, Buffer.alloc(0));
  t.is(silent.responses[0]?.status, 408);

  const idle = await rawClient(t, port);
  await writeSocket(idle, 'GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n', SKT$BLOCKING, 5000);
  const idleStart = Date.now();
  const after = await readAll(idle, 5000);
  t.is(parseResponses(after.bytes).length, 1, 'one response, then no 408 for an idle connection');
  t.true(after.closed);
  t.true(Date.now() - idleStart < 3000);
  await stillServes(t, port);
});

test('on a kept-alive connection, a next request head that stops halfway gets 408 once the head timeout passes', async (t) => {
  // No access log: the request's start time is read only once its head turns out incomplete.
  const { port } = await plainServer(t, { timeouts: { head: 300, idle: 60_000 } });
  const skt = await rawClient(t, port);
  await writeSocket(skt, 'GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo?n=2 HTTP/1.1\r\nHost: x\r\n', SKT$BLOCKING, 5000);
  const { bytes, closed } = await readAll(skt, 10_000);
  t.deepEqual(parseResponses(bytes).map((r) => r.status), [200, 408]);
  t.true(closed);
});

test('a handler that throws gets 500 and the connection goes on', async (t) => {
  const { port } = await plainServer(t);
  const { responses, closed } = await exchange(t, port, 'GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /echo?n=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.deepEqual(responses.map((r) => r.status), [500, 200]);
  t.is(JSON.parse(responses[1]?.body.toString() ?? '{}').n, '7');
  t.true(closed);
});

test('Expect: 100-continue gets 100 Continue before the body is read', async (t) => {
  const { port } = await plainServer(t);
  const skt = await rawClient(t, port);
  await writeSocket(skt, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n', SKT$BLOCKING, 5000);
  const interim = await readSocketBuffer(skt, 65536, SKT$BLOCKING, 5000);
  t.is(interim.toString('latin1'), 'HTTP/1.1 100 Continue\r\n\r\n');
  await writeSocket(skt, 'hello', SKT$BLOCKING, 5000);
  const { bytes } = await readAll(skt);
  t.is(JSON.parse(parseResponses(bytes)[0]?.body.toString() ?? '{}').body, 'hello');
});

test('a client that resets as it asks for 100 Continue is no error: nothing is reported, the server serves on', async (t) => {
  const errors: unknown[] = [];
  const { server, port } = await plainServer(t, { onError: (err) => errors.push(err) });
  // The interim response is written to a connection that is gone.
  await resetAfterSending(server, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n');
  t.is(server.connections, 0);
  await stillServes(t, port);
  t.deepEqual(errors.map(String), [], 'a connection that closes is not an error');
});

test('connections past the limit get 503; the access log has a combined line with ms', async (t) => {
  const log = new PassThrough();
  let logged = '';
  log.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
  const { port } = await plainServer(t, { maxConnections: 2, accessLog: log });
  const a = await rawClient(t, port);
  const b = await rawClient(t, port);
  await writeSocket(a, 'GET /echo?n=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: test "agent"\r\nReferer: http://r/\r\n\r\n', SKT$BLOCKING, 5000);
  await readSocketBuffer(a, 65536, SKT$BLOCKING, 5000);
  await writeSocket(b, 'GET /echo?n=2 HTTP/1.1\r\nHost: x\r\n\r\n', SKT$BLOCKING, 5000);
  await readSocketBuffer(b, 65536, SKT$BLOCKING, 5000);
  const third = await exchange(t, port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  t.is(third.responses[0]?.status, 503);
  t.regex(logged, /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/echo\?n=1 HTTP\/1\.1" 200 \d+ "http:\/\/r\/" "test \\"agent\\"" \d+ms$/m);
});

test('a reader too slow for the send timeout is cut off', async (t) => {
  const big = Buffer.alloc(32 * 1024 * 1024, 'x');
  const { server, port } = await plainServer(t, {
    timeouts: { send: 300 },
    handler: (request) => (request.path === '/big' ? { status: 200, body: big } : undefined),
  });
  const skt = await rawClient(t, port);
  await writeSocket(skt, 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n', SKT$BLOCKING, 5000);
  // never read: the server must give up on this connection
  let open = server.connections;
  for (let i = 0; i < 100 && open > 0; i++) {
    await sleep(100);
    open = server.connections;
  }
  t.is(open, 0);
  await stillServes(t, port);
});

test('close() lets a request in flight finish, then stops', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered: () => void = () => undefined;
  const inFlight = new Promise<void>((resolve) => (entered = resolve));
  const { server, port } = await plainServer(t, {
    handler: async (request) => {
      if (request.path !== '/slow') return undefined;
      entered();
      await gate;
      return { status: 200, body: 'finished' };
    },
  });
  const skt = await rawClient(t, port);
  await writeSocket(skt, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', SKT$BLOCKING, 5000);
  await inFlight; // the request is in its handler: close() comes while it is in flight
  const closing = server.close();
  setTimeout(release, 200);
  const { bytes, closed } = await readAll(skt);
  const [response] = parseResponses(bytes);
  t.is(response?.body.toString(), 'finished');
  t.is(response?.headers.get('connection'), 'close');
  t.true(closed);
  await closing;
  t.is(server.connections, 0);
});
