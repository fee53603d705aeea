// SERAPHIM's routes end to end: a route table registered on a real server on loopback, reached
// over HTTPS by curl (trusting the development CA) and by raw persistent connections on the
// library's own sockets. The router and body helpers called directly are in seraphim-routes.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { readSocketBuffer, SKT$BLOCKING, SocketError, writeSocket, type Socket } from '../lib/index.js';
import { HttpError } from '../examples/seraphim/routes/http-error.js';
import type { RouteRequest } from '../examples/seraphim/routes/request-body.js';
import { json, text } from '../examples/seraphim/routes/responses.js';
import { createRouter, type RouteTable } from '../examples/seraphim/routes/router.js';
import type { SeraphimOptions } from '../examples/seraphim/server.js';
import { caFile, curl, parseResponses, rawClient, readAll, readOneResponse, SITE, startTestServer, tempDir, type RawResponse } from './helpers/seraphim.js';
import { clientContext, secureConnect } from './helpers/tls.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A route body larger than one write of SERAPHIM's (256 KiB), of an odd length. */
const BIG = randomBytes(1024 * 1024 + 3);

/** What the test's routes saw, for asserting that a refused request never reached a handler. */
interface Calls {
  bodies: number;
  throws: number;
}

/** The route table of these tests; `calls` counts the handlers that must not run for refused requests. */
function routes(calls: Calls): RouteTable {
  const thing = (request: RouteRequest) =>
    json({ method: request.method, id: request.slugs.id, body: request.body.toString('utf8') });
  return {
    'GET /api/items/latest': () => json({ latest: true }),
    'GET /big': () => ({ status: 200, contentType: 'application/octet-stream', body: BIG }),
    'GET /api/items/{id}': (request) => json({ id: request.slugs.id }),
    'GET /api/items/{id}/notes/{note}': (request) =>
      json({
        slugs: { ...request.slugs },
        q: request.query.get('q'),
        tags: request.query.getAll('tag'),
        word: request.query.get('word'),
        cookies: { ...request.cookies },
        secure: request.secure,
        path: request.path,
      }),
    'GET /api/things/{id}': thing,
    'POST /api/things/{id}': thing,
    'PUT /api/things/{id}': thing,
    'PATCH /api/things/{id}': thing,
    'DELETE /api/things/{id}': thing,
    'HEAD /api/ping': () => ({ status: 200, headers: { 'X-Ping': 'pong' }, contentType: 'text/plain; charset=utf-8', body: 'pong\n' }),
    'POST /form': async (request) => json({ fields: { ...(await request.form()) } }),
    'POST /json': async (request) => json({ received: await request.json() }),
    'POST /upload': async (request) => {
      const { fields, files } = await request.multipart();
      return json({
        fields: { ...fields },
        files: files.map((file) => ({ field: file.name, name: file.filename, mimeType: file.mimeType, size: file.bytes.length, sha256: sha256(file.bytes) })),
      });
    },
    'POST /body': (request) => {
      calls.bodies++;
      return json({ size: request.body.length, sha256: sha256(request.body), te: request.headers.get('transfer-encoding') ?? null, cl: request.headers.get('content-length') ?? null });
    },
    'GET /throw': () => {
      calls.throws++;
      throw new Error('route failure');
    },
    'GET /teapot': () => {
      throw new HttpError(418, 'short and stout');
    },
    'GET /ok': () => text('ok\n'),
  };
}

interface RouteServer {
  https: string;
  httpsPort: number;
  httpPort: number;
  ca: string;
  calls: Calls;
  errors: unknown[];
}

/** SERAPHIM with the test's routes, HTTPS with the development certificate and plain HTTP without redirect. */
async function routeServer(t: ExecutionContext, options: Partial<SeraphimOptions> = {}): Promise<RouteServer> {
  const calls: Calls = { bodies: 0, throws: 0 };
  const errors: unknown[] = [];
  const server = await startTestServer(t, {
    handler: createRouter(routes(calls)),
    redirectToHttps: false,
    onError: (err) => errors.push(err),
    ...options,
  });
  return {
    https: (server.urls.https as string).replace(/\/$/, ''),
    httpsPort: server.ports.https as number,
    httpPort: server.ports.http as number,
    ca: caFile(t),
    calls,
    errors,
  };
}

/** curl over HTTPS trusting only the development CA. */
function secureCurl(s: RouteServer, path: string, args: readonly string[] = []) {
  return curl(['--cacert', s.ca, ...args, s.https + path]);
}

const bodyJson = (response: { body: Buffer }): any => JSON.parse(response.body.toString('utf8'));

/** A TLS client to the server on 127.0.0.1, verifying the development certificate; closed when the test ends. */
function tlsClient(t: ExecutionContext, s: RouteServer): Promise<Socket> {
  return secureConnect(t, s.httpsPort, clientContext(), '127.0.0.1');
}

/** Writes `request` on a fresh TLS connection and reads until the server closes (or 5 s of silence). */
async function tlsExchange(t: ExecutionContext, s: RouteServer, request: string | Buffer): Promise<{ responses: RawResponse[]; closed: boolean }> {
  const skt = await tlsClient(t, s);
  await writeSocket(skt, request, SKT$BLOCKING, 5000);
  const { bytes, closed } = await readAll(skt);
  return { responses: parseResponses(bytes), closed };
}

/** The server answers a fresh request after a refusal. */
async function stillServes(t: ExecutionContext, s: RouteServer, label: string): Promise<void> {
  const response = await secureCurl(s, '/ok');
  t.is(response.status, 200, `${label}: still serving`);
  t.is(response.body.toString('utf8'), 'ok\n', label);
}

test('slugs (percent-decoded once, %2F kept in its segment), query and cookies reach the handler over HTTPS', async (t) => {
  const s = await routeServer(t);
  const response = await secureCurl(s, '/api/items/a%20b%2Fc/notes/n%C3%BC?q=1%262&tag=x&tag=y&word=%C3%BCber', [
    '-b',
    'session=abc123; theme=dark%20mode; "bad name"=z',
  ]);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'application/json; charset=utf-8');
  t.deepEqual(bodyJson(response), {
    slugs: { id: 'a b/c', note: 'nü' },
    q: '1&2',
    tags: ['x', 'y'],
    word: 'über',
    cookies: { session: 'abc123', theme: 'dark mode' },
    secure: true,
    path: '/api/items/a b/c/notes/nü',
  });
  // A literal segment wins over a slug; a slug matches exactly one segment.
  t.deepEqual(bodyJson(await secureCurl(s, '/api/items/latest')), { latest: true });
  t.deepEqual(bodyJson(await secureCurl(s, '/api/items/42')), { id: '42' });
  t.is((await secureCurl(s, '/api/items/42/notes')).status, 404, 'no route and no file');
});

test('a route body larger than one write (1 MiB + 3 bytes) arrives whole over HTTPS, and HEAD gets only its length', async (t) => {
  const s = await routeServer(t);
  const response = await secureCurl(s, '/big');
  t.is(response.status, 200);
  t.is(response.headers.get('content-length'), String(BIG.length));
  t.is(response.body.length, BIG.length);
  t.is(sha256(response.body), sha256(BIG));
  const head = await secureCurl(s, '/big', ['-I']);
  t.is(head.headers.get('content-length'), String(BIG.length));
  t.is(head.body.length, 0);
});

test.serial('clients that stop reading a 16 MiB route body make the server hold a slice of it each, not the rest of the body', async (t) => {
  // Over TLS a write is encrypted whole into the connection's own buffer: written in one go, what
  // the kernel does not take of a 16 MiB body (all but a few MiB) would stay in this process for
  // each client that stopped reading (measured: 435 MiB more for these 24, against 26 MiB).
  const huge = randomBytes(16 * 1024 * 1024);
  const server = await startTestServer(t, { handler: () => ({ status: 200, contentType: 'application/octet-stream', body: huge }) });
  const port = server.ports.https as number;
  // One whole response first, so that what any first use costs is in the baseline.
  const warm = await readHugeResponse(await secureConnect(t, port, clientContext(), '127.0.0.1'), huge.length, true);
  t.is(warm, huge.length);
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  t.teardown(() => clearInterval(sampler));
  const readers = await Promise.all(
    Array.from({ length: 24 }, async () => {
      const skt = await secureConnect(t, port, clientContext(), '127.0.0.1');
      await writeSocket(skt, 'GET /huge HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', SKT$BLOCKING, 5000);
      return skt;
    }),
  );
  // Time for the server to write what the kernel takes and fill what it holds itself.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  clearInterval(sampler);
  const growth = (peak - before) / (1024 * 1024);
  t.log(`RSS ${(before / 1048576).toFixed(1)} MiB -> peak +${growth.toFixed(1)} MiB with ${readers.length} stalled readers of 16 MiB`);
  t.true(growth < 64, `RSS grew by ${growth.toFixed(1)} MiB`);
  // They are still served: one of them reads its whole response.
  t.is(await readHugeResponse(readers[0] as Socket, huge.length, false), huge.length);
});

/** Reads one response of `length` body bytes (sending its GET first when `ask`); resolves with the body bytes received. */
async function readHugeResponse(skt: Socket, length: number, ask: boolean): Promise<number> {
  if (ask) await writeSocket(skt, 'GET /huge HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', SKT$BLOCKING, 5000);
  let head = Buffer.alloc(0);
  let headEnd = -1;
  while (headEnd < 0) {
    head = Buffer.concat([head, await readSocketBuffer(skt, 1 << 20, SKT$BLOCKING, 5000)]);
    headEnd = head.indexOf('\r\n\r\n');
  }
  let received = head.length - (headEnd + 4);
  while (received < length) received += (await readSocketBuffer(skt, 1 << 20, SKT$BLOCKING, 5000)).length;
  return received;
}

test('routes take GET, HEAD, POST, PUT, PATCH and DELETE; OPTIONS is 204 with Allow; another method 405', async (t) => {
  const s = await routeServer(t);
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    const args = method === 'GET' ? [] : ['-X', method, '-H', 'Content-Type: text/plain', '--data-binary', `body of ${method}`];
    const response = await secureCurl(s, '/api/things/t%201', args);
    t.is(response.status, 200, method);
    t.deepEqual(bodyJson(response), { method, id: 't 1', body: method === 'GET' ? '' : `body of ${method}` }, method);
  }
  // HEAD falls back to the GET route (which sees method HEAD): the length of its answer, no body.
  const head = await secureCurl(s, '/api/things/x', ['-I']);
  t.is(head.status, 200);
  t.is(head.headers.get('content-length'), String(JSON.stringify({ method: 'HEAD', id: 'x', body: '' }).length));
  t.is(head.headers.get('content-type'), 'application/json; charset=utf-8');
  t.is(head.body.length, 0);
  // An explicit HEAD route runs; its path has no GET.
  const ping = await secureCurl(s, '/api/ping', ['-I']);
  t.is(ping.status, 200);
  t.is(ping.headers.get('x-ping'), 'pong');
  t.is(ping.headers.get('content-length'), '5');
  t.is(ping.body.length, 0);

  const options = await secureCurl(s, '/api/things/x', ['-X', 'OPTIONS']);
  t.is(options.status, 204);
  t.is(options.headers.get('allow'), 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  t.is(options.body.length, 0);
  const pingOptions = await secureCurl(s, '/api/ping', ['-X', 'OPTIONS']);
  t.is(pingOptions.status, 204);
  t.is(pingOptions.headers.get('allow'), 'HEAD, OPTIONS');

  const refused = await secureCurl(s, '/api/items/latest', ['-X', 'DELETE']);
  t.is(refused.status, 405);
  t.is(refused.headers.get('allow'), 'GET, HEAD, OPTIONS');
  const noGet = await secureCurl(s, '/api/ping');
  t.is(noGet.status, 405);
  t.is(noGet.headers.get('allow'), 'HEAD, OPTIONS');
});

test('static files are served where no route matches, next to the routes', async (t) => {
  const s = await routeServer(t);
  for (const [path, onDisk, type] of [
    ['/style.css', 'style.css', 'text/css; charset=utf-8'],
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/images/scarlet-dot.png', 'images/scarlet-dot.png', 'image/png'],
  ] as const) {
    const response = await secureCurl(s, path);
    t.is(response.status, 200, path);
    t.is(response.headers.get('content-type'), type, path);
    t.true(response.body.equals(readFileSync(join(SITE, onDisk))), path);
  }
  t.is((await secureCurl(s, '/no-such-page.html')).status, 404);
  // A route's path answers from the route, never from the files, whatever the method.
  t.is((await secureCurl(s, '/form')).status, 405);
});

test('absolute-form targets with `..`, `%2e%2e` or `\\` reach the same path in the router as in the core: no route behind them', async (t) => {
  const s = await routeServer(t);
  const statusOf = async (target: string): Promise<number | undefined> =>
    (await tlsExchange(t, s, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)).responses[0]?.status;
  const origin = `https://127.0.0.1:${s.httpsPort}`;
  // The route itself, in both forms.
  t.is(await statusOf('/api/items/latest'), 200);
  t.is(await statusOf(`${origin}/api/items/latest`), 200);
  // A URL parser would fold each of these to /api/items/latest; the core does not, nor may the router.
  for (const path of ['/x/../api/items/latest', '/x/%2e%2e/api/items/latest', '/x/%2E%2E/api/items/latest', '/api\\items/latest', '/api/items/x/..\\latest']) {
    const direct = await statusOf(path);
    t.is(await statusOf(`${origin}${path}`), direct, `absolute-form ${path} answers as origin-form does`);
    t.is(direct, 404, `${path} is no route and no file`);
  }
});

test('a urlencoded form reaches the handler, repeated names as arrays', async (t) => {
  const s = await routeServer(t);
  const response = await secureCurl(s, '/form', [
    '--data-urlencode', 'name=Ada & Bob=1',
    '--data-urlencode', 'message=Grüße\r\nline two',
    '-d', 'tag=x',
    '-d', 'tag=y',
  ]);
  t.is(response.status, 200);
  t.deepEqual(bodyJson(response).fields, { name: 'Ada & Bob=1', message: 'Grüße\r\nline two', tag: ['x', 'y'] });
  const wrongType = await secureCurl(s, '/form', ['-H', 'Content-Type: text/plain', '--data-binary', 'a=1']);
  t.is(wrongType.status, 415);
  t.is(wrongType.headers.get('accept'), 'application/x-www-form-urlencoded');
});

test('a JSON body reaches the handler; malformed JSON is 400, another type 415, as JSON errors', async (t) => {
  const s = await routeServer(t);
  const value = { n: 1.5, s: 'Grüße "quoted" \u2028', a: [1, null, true], o: { deep: { er: [] } } };
  const response = await secureCurl(s, '/json', ['-H', 'Content-Type: application/json; charset=utf-8', '--data-binary', JSON.stringify(value)]);
  t.is(response.status, 200);
  t.deepEqual(bodyJson(response).received, value);
  const vendor = await secureCurl(s, '/json', ['-H', 'Content-Type: application/vnd.test+json', '--data-binary', '[1,2]']);
  t.deepEqual(bodyJson(vendor).received, [1, 2]);

  const malformed = await secureCurl(s, '/json', ['-H', 'Content-Type: application/json', '-H', 'Accept: application/json', '--data-binary', '{"n":']);
  t.is(malformed.status, 400);
  t.is(typeof bodyJson(malformed).error, 'string');
  const wrongType = await secureCurl(s, '/json', ['-H', 'Content-Type: text/plain', '--data-binary', '{}']);
  t.is(wrongType.status, 415);
});

test('a multipart upload: a 300 KiB binary file with every byte value and boundary-like sequences arrives intact', async (t) => {
  const s = await routeServer(t);
  const dir = tempDir(t);
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  // curl's boundaries are dashes then hex: sequences that look like one, CRLF-led, with and without the closing dashes.
  const tricky = Buffer.from('\r\n--\r\n\r\n------------------------\r\n--------------------------0123456789abcdef--\r\n\r\n', 'latin1');
  const parts: Buffer[] = [allBytes, tricky];
  for (let i = 0; i < 12; i++) parts.push(randomBytes(25 * 1024), tricky, allBytes);
  const file = Buffer.concat(parts).subarray(0, 300 * 1024);
  t.is(file.length, 300 * 1024);
  const small = Buffer.concat([tricky, allBytes, Buffer.from('\r\n')]);
  writeFileSync(join(dir, 'big.bin'), file);
  writeFileSync(join(dir, 'small.bin'), small);

  const response = await secureCurl(s, '/upload', [
    '-F', `file=@${join(dir, 'big.bin')};type=application/octet-stream`,
    '-F', 'note=Grüße',
    '-F', `second=@${join(dir, 'small.bin')};filename=ränd om.dat;type=image/png`,
  ]);
  t.is(response.status, 200);
  const got = bodyJson(response);
  t.deepEqual(got.fields, { note: 'Grüße' });
  t.deepEqual(got.files, [
    { field: 'file', name: 'big.bin', mimeType: 'application/octet-stream', size: file.length, sha256: sha256(file) },
    { field: 'second', name: 'ränd om.dat', mimeType: 'image/png', size: small.length, sha256: sha256(small) },
  ]);
});

test('a chunked body reaches the handler intact (curl and raw); malformed chunked coding is 400 and never reaches it', async (t) => {
  const s = await routeServer(t);
  const dir = tempDir(t);
  const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(200 * 1024), Buffer.from('\r\n0\r\n\r\n')]);
  writeFileSync(join(dir, 'body.bin'), bytes);
  const viaCurl = await secureCurl(s, '/body', ['-H', 'Transfer-Encoding: chunked', '-H', 'Content-Type: application/octet-stream', '--data-binary', `@${join(dir, 'body.bin')}`]);
  t.is(viaCurl.status, 200);
  t.deepEqual(bodyJson(viaCurl), { size: bytes.length, sha256: sha256(bytes), te: 'chunked', cl: null });

  // Raw: chunk extensions, uneven chunk sizes, a trailer; the next request on the connection follows.
  const pieces = [bytes.subarray(0, 1), bytes.subarray(1, 4097), bytes.subarray(4097)];
  const chunked = Buffer.concat([
    Buffer.from('POST /body HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n'),
    ...pieces.flatMap((piece, i) => [Buffer.from(`${piece.length.toString(16)}${i === 1 ? ';ext=1' : ''}\r\n`), piece, Buffer.from('\r\n')]),
    Buffer.from('0\r\nX-Checksum: none\r\n\r\n'),
    Buffer.from('GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
  ]);
  const raw = await tlsExchange(t, s, chunked);
  t.deepEqual(raw.responses.map((r) => r.status), [200, 200]);
  t.deepEqual(bodyJson(raw.responses[0]!), { size: bytes.length, sha256: sha256(bytes), te: 'chunked', cl: null });
  t.is(raw.responses[1]?.body.toString(), 'ok\n');
  t.is(s.calls.bodies, 2);

  const head = 'POST /body HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n';
  const malformed: [string, string][] = [
    ['size not hex', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['data longer than its size', '3\r\nhello\r\n0\r\n\r\n'],
    ['bare LF after the size', '5\nhello\r\n0\r\n\r\n'],
    ['bad trailer', '5\r\nhello\r\n0\r\nno colon here\r\n\r\n'],
  ];
  for (const [label, body] of malformed) {
    const { responses, closed } = await tlsExchange(t, s, head + body);
    t.deepEqual(responses.map((r) => r.status), [400], label);
    t.true(closed, `${label}: closed`);
  }
  t.is(s.calls.bodies, 2, 'no malformed body reached the handler');
  await stillServes(t, s, 'after malformed chunked');
});

test('a body over the limit gets 413 (Content-Length or chunked, curl or raw) and the server keeps serving', async (t) => {
  const limit = 64 * 1024;
  const s = await routeServer(t, { limits: { maxBody: limit } });
  const dir = tempDir(t);
  const over = randomBytes(limit + 1);
  const exact = over.subarray(0, limit);
  writeFileSync(join(dir, 'over.bin'), over);
  writeFileSync(join(dir, 'exact.bin'), exact);

  // curl: Content-Length over the limit (with and without Expect: 100-continue), then chunked.
  for (const expect of [[], ['-H', 'Expect:']]) {
    const response = await secureCurl(s, '/body', [...expect, '--data-binary', `@${join(dir, 'over.bin')}`]);
    t.is(response.status, 413, `curl Content-Length ${expect.length ? 'without' : 'with'} Expect`);
  }
  const chunkedOver = await secureCurl(s, '/body', ['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${join(dir, 'over.bin')}`]);
  t.is(chunkedOver.status, 413, 'curl chunked');

  // Raw: a Content-Length over the limit is refused from the head alone; chunks are counted as they come.
  const byLength = await tlsExchange(t, s, `POST /body HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${limit + 1}\r\n\r\n`);
  t.deepEqual(byLength.responses.map((r) => r.status), [413]);
  t.true(byLength.closed);
  const chunk = Buffer.concat([Buffer.from('4000\r\n'), randomBytes(0x4000), Buffer.from('\r\n')]);
  const byChunks = await tlsExchange(t, s, Buffer.concat([
    Buffer.from('POST /body HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n'),
    chunk, chunk, chunk, chunk, // exactly the limit so far
    Buffer.from('1\r\nx\r\n0\r\n\r\n'),
  ]));
  t.deepEqual(byChunks.responses.map((r) => r.status), [413]);
  t.true(byChunks.closed);
  t.is(s.calls.bodies, 0, 'no body over the limit reached the handler');

  // Exactly the limit passes, by Content-Length and chunked; the server serves on.
  const atLimit = await secureCurl(s, '/body', ['-H', 'Expect:', '--data-binary', `@${join(dir, 'exact.bin')}`]);
  t.is(atLimit.status, 200);
  t.deepEqual(bodyJson(atLimit), { size: limit, sha256: sha256(exact), te: null, cl: String(limit) });
  const atLimitChunked = await secureCurl(s, '/body', ['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${join(dir, 'exact.bin')}`]);
  t.is(atLimitChunked.status, 200);
  t.is(bodyJson(atLimitChunked).sha256, sha256(exact));
  await stillServes(t, s, 'after 413');
});

test('a throwing handler gets 500 and the next request on the same persistent connection still works (HTTPS and HTTP)', async (t) => {
  const s = await routeServer(t);
  // Each connection is opened just before its rounds: one opened earlier could reach the server's
  // first-request deadline (10 s from the connection's start) while the other's rounds run on a
  // busy machine.
  const connections: [string, () => Promise<Socket>][] = [
    ['https', () => tlsClient(t, s)],
    ['http', () => rawClient(t, s.httpPort)],
  ];
  for (const [scheme, open] of connections) {
    const skt = await open();
    // Bounded: three rounds of a failing request then a good one, each written only after the previous answer.
    for (let round = 0; round < 3; round++) {
      const label = `${scheme} round ${round}`;
      await writeSocket(skt, 'GET /throw HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', SKT$BLOCKING, 5000);
      const failed = await readOneResponse(skt);
      t.is(failed.status, 500, label);
      t.not(failed.headers.get('connection')?.toLowerCase(), 'close', `${label}: 500 keeps the connection`);
      t.false(failed.body.toString('utf8').includes('route failure'), `${label}: the error is not leaked`);

      await writeSocket(skt, 'GET /teapot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', SKT$BLOCKING, 5000);
      const teapot = await readOneResponse(skt);
      t.is(teapot.status, 418, `${label}: an HttpError keeps its status`);
      t.is(teapot.body.toString('utf8'), 'short and stout\n', label);

      await writeSocket(skt, 'GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', SKT$BLOCKING, 5000);
      const ok = await readOneResponse(skt);
      t.is(ok.status, 200, `${label}: the same connection goes on`);
      t.is(ok.body.toString('utf8'), 'ok\n', label);
    }
    // The connection is still open: a final request with Connection: close is answered, then the server closes.
    await writeSocket(skt, 'GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', SKT$BLOCKING, 5000);
    const last = await readAll(skt);
    t.deepEqual(parseResponses(last.bytes).map((r) => r.status), [200], scheme);
    t.true(last.closed, `${scheme}: closed when asked`);
  }
  t.is(s.calls.throws, 6);
  t.is(s.errors.length, 6, 'each thrown error was reported to onError');
  t.true(s.errors.every((err) => err instanceof Error && err.message === 'route failure'));
});

test('the raw reader fails on a closed connection instead of waiting (guards the keep-alive test)', async (t) => {
  const s = await routeServer(t);
  const skt = await tlsClient(t, s);
  await writeSocket(skt, 'GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', SKT$BLOCKING, 5000);
  t.is((await readOneResponse(skt)).status, 200);
  const error = await t.throwsAsync(readOneResponse(skt, 3000));
  t.true(error instanceof SocketError && error.code !== 'ER$TIMEOUT', `closed, not timed out: ${String(error)}`);
});
