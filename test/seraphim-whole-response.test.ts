// A small cached file's response kept serialized whole (examples/seraphim/http/whole-response.ts):
// sent as it was serialized while it stays right, and what varies per request still right: the
// Date of the second it is sent in, each listener's own headers, the Connection header (close,
// HTTP/1.0, draining), HEAD, conditional and range requests, the access log, and a file changed
// on disk. Raw clients on the library's own sockets, over plain HTTP and TLS, on loopback.
import { randomBytes } from 'node:crypto';
import { renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { SKT$BLOCKING, writeSocket, type Socket } from '../lib/index.js';
import { DEFAULT_TIMEOUTS } from '../examples/seraphim/http/connection.js';
import { defaultHeaders, headerBlock } from '../examples/seraphim/http/headers.js';
import { writeResponse } from '../examples/seraphim/http/response.js';
import { StaticFiles } from '../examples/seraphim/http/static-files.js';
import { WHOLE_RESPONSE_LIMIT } from '../examples/seraphim/http/whole-response.js';
import type { SeraphimOptions, SeraphimServer } from '../examples/seraphim/server.js';
import { exchangeOn, getRequest, rawClient, readOneResponse, startTestServer, tempDir, type RawResponse } from './helpers/seraphim.js';
import { connectedPair } from './helpers/sockets.js';
import { clientContext, secureConnect } from './helpers/tls.js';

/** A page of about 1 KiB: its response is kept whole. */
const PAGE = Buffer.from(`<!doctype html>\n<title>kept</title>\n<p>${'scarlet '.repeat(120)}</p>\n`, 'utf8');

/** A site with PAGE as /page.html, served on both listeners (no redirect), with a long cache window unless told. */
async function siteServer(t: ExecutionContext, options: Partial<SeraphimOptions> = {}): Promise<{ root: string; http: number; https: number; server: SeraphimServer }> {
  const root = tempDir(t);
  writeFileSync(join(root, 'page.html'), PAGE);
  const server = await startTestServer(t, { root, redirectToHttps: false, staticFiles: { cacheTtl: 60_000 }, ...options });
  return { root, http: server.ports.http as number, https: server.ports.https as number, server };
}

/** Sends one request on a kept connection and reads its one response. */
async function ask(skt: Socket, request: string, headOnly = false): Promise<RawResponse> {
  await writeSocket(skt, request, SKT$BLOCKING, 5000);
  return readOneResponse(skt, 10_000, headOnly);
}

const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

/** The response is the page, whole and right. */
function isPage(t: ExecutionContext, response: RawResponse, what: string): void {
  t.is(response.status, 200, what);
  t.is(response.headers.get('content-length'), String(PAGE.length), what);
  t.true(response.body.equals(PAGE), what);
}

test('a kept response carries the Date of the second it is sent in, second after second', async (t) => {
  const { http } = await siteServer(t);
  const skt = await rawClient(t, http);
  isPage(t, await ask(skt, get('/page.html')), 'first request: read and kept');
  const dates = new Set<string>();
  for (let i = 0; i < 3; i++) {
    // Just after a second starts, twice: the first answer of the second and a kept one.
    await sleep(1000 - (Date.now() % 1000) + 20);
    for (let j = 0; j < 2; j++) {
      const before = Date.now();
      const response = await ask(skt, get('/page.html'));
      const after = Date.now();
      isPage(t, response, `second ${i}, request ${j}`);
      const date = Date.parse(response.headers.get('date') ?? '');
      t.true(date >= Math.floor(before / 1000) * 1000 && date <= after, `Date ${response.headers.get('date')} is the second of the answer (${new Date(before).toISOString()})`);
      dates.add(response.headers.get('date') ?? '');
    }
  }
  t.true(dates.size >= 3, 'a new Date each second');
});

test('each listener gets its own headers from the same cached file: HSTS over TLS only', async (t) => {
  const { http, https } = await siteServer(t);
  const plain = await rawClient(t, http);
  const secure = await secureConnect(t, https, clientContext(), '127.0.0.1');
  for (let i = 0; i < 10; i++) {
    const overPlain = await ask(plain, get('/page.html'));
    isPage(t, overPlain, `plain ${i}`);
    t.false(overPlain.headers.has('strict-transport-security'), `no HSTS over plain HTTP (${i})`);
    const overTls = await ask(secure, get('/page.html'));
    isPage(t, overTls, `TLS ${i}`);
    t.regex(overTls.headers.get('strict-transport-security') ?? '', /^max-age=\d+/, `HSTS over TLS (${i})`);
  }
});

test('a kept response: Connection as the request and the server want it, and HEAD without the body', async (t) => {
  const { http, server } = await siteServer(t);
  const skt = await rawClient(t, http);
  for (let i = 0; i < 3; i++) {
    const response = await ask(skt, get('/page.html'));
    isPage(t, response, `keep-alive ${i}`);
    t.false(response.headers.has('connection'), 'HTTP/1.1 keep-alive says nothing');
  }
  const head = await ask(skt, `HEAD /page.html HTTP/1.1\r\nHost: x\r\n\r\n`, true);
  t.is(head.status, 200);
  t.is(head.headers.get('content-length'), String(PAGE.length), 'HEAD tells the length of GET');
  t.is(head.body.length, 0);
  // Had HEAD sent the body, this answer would start with the page's bytes.
  isPage(t, await ask(skt, get('/page.html')), 'the request after HEAD');
  const closing = await exchangeOn(skt, get('/page.html', 'Connection: close\r\n'));
  t.true(closing.closed, 'closed after Connection: close');
  const [last, ...more] = closing.responses;
  t.is(more.length, 0);
  isPage(t, last as RawResponse, 'answer to Connection: close');
  t.is(last?.headers.get('connection'), 'close');

  // HTTP/1.0: keep-alive only when asked, and said.
  const old = await rawClient(t, http);
  const kept = await ask(old, 'GET /page.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
  isPage(t, kept, 'HTTP/1.0 keep-alive');
  t.is(kept.headers.get('connection'), 'keep-alive');
  const plainOld = await exchangeOn(old, 'GET /page.html HTTP/1.0\r\n\r\n');
  t.true(plainOld.closed, 'HTTP/1.0 without keep-alive: closed');
  t.is(plainOld.responses[0]?.headers.get('connection'), 'close');

  // Draining: the kept connection's next answer closes it.
  const draining = await rawClient(t, http);
  isPage(t, await ask(draining, get('/page.html')), 'before drain');
  server.drain();
  const drained = await exchangeOn(draining, get('/page.html'));
  t.true(drained.closed, 'closed while draining');
  t.is(drained.responses[0]?.headers.get('connection'), 'close');
});

test('conditional and range requests on a kept file: 304, 206, 416, and the kept 200 unchanged between them', async (t) => {
  const { http } = await siteServer(t);
  const skt = await rawClient(t, http);
  const first = await ask(skt, get('/page.html'));
  isPage(t, first, 'first');
  const etag = first.headers.get('etag') ?? '';
  const lastModified = first.headers.get('last-modified') ?? '';
  t.regex(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  const cases: [string, (response: RawResponse) => void][] = [
    [
      `If-None-Match: ${etag}\r\n`,
      (r) => {
        t.is(r.status, 304);
        t.is(r.body.length, 0);
        t.is(r.headers.get('etag'), etag);
      },
    ],
    [`If-Modified-Since: ${lastModified}\r\n`, (r) => t.is(r.status, 304)],
    ['If-None-Match: "other"\r\n', (r) => isPage(t, r, 'another ETag')],
    [
      'Range: bytes=0-9\r\n',
      (r) => {
        t.is(r.status, 206);
        t.is(r.headers.get('content-range'), `bytes 0-9/${PAGE.length}`);
        t.true(r.body.equals(PAGE.subarray(0, 10)));
      },
    ],
    [
      'Range: bytes=-5\r\n',
      (r) => {
        t.is(r.status, 206);
        t.true(r.body.equals(PAGE.subarray(PAGE.length - 5)));
      },
    ],
    [
      `Range: bytes=${PAGE.length}-\r\n`,
      (r) => {
        t.is(r.status, 416);
        t.is(r.headers.get('content-range'), `bytes */${PAGE.length}`);
      },
    ],
    ['Range: bytes=0-9\r\nIf-Range: "stale"\r\n', (r) => isPage(t, r, 'If-Range that does not match')],
  ];
  for (const [extra, check] of cases) {
    check(await ask(skt, get('/page.html', extra)));
    const plain = await ask(skt, get('/page.html'));
    isPage(t, plain, `the plain GET after ${extra.trim()}`);
    t.is(plain.headers.get('etag'), etag);
    t.is(plain.headers.get('last-modified'), lastModified);
  }
});

test('the access log is right for kept responses: status, bytes sent, HEAD and 304 without bytes', async (t) => {
  const log = new PassThrough();
  let logged = '';
  log.setEncoding('utf8').on('data', (chunk: string) => (logged += chunk));
  const { http } = await siteServer(t, { accessLog: log });
  const skt = await rawClient(t, http);
  const { headers } = await ask(skt, get('/page.html'));
  await ask(skt, get('/page.html', 'User-Agent: kept-agent\r\n'));
  await ask(skt, 'HEAD /page.html HTTP/1.1\r\nHost: x\r\n\r\n', true);
  await ask(skt, get('/page.html', `If-None-Match: ${headers.get('etag')}\r\n`));
  await exchangeOn(skt, get('/page.html', 'Connection: close\r\n'));
  const lines = logged.trimEnd().split('\n');
  const fields = lines.map((line) => /"(\w+) \/page\.html HTTP\/1\.1" (\d{3}) (\S+) "-" "([^"]*)"/.exec(line)?.slice(1));
  t.deepEqual(fields, [
    ['GET', '200', String(PAGE.length), '-'],
    ['GET', '200', String(PAGE.length), 'kept-agent'],
    ['HEAD', '200', '-', '-'],
    ['GET', '304', '-', '-'],
    ['GET', '200', String(PAGE.length), '-'],
  ]);
});

test('a file changed on disk: once the cache sees it, its new bytes and headers, never the kept ones', async (t) => {
  const window = 200;
  const { root, http } = await siteServer(t, { staticFiles: { cacheTtl: window } });
  const path = join(root, 'page.html');
  const skt = await rawClient(t, http);
  // Early in a second, so that the kept response (kept for this second) would still be current
  // when the cache sees the change, were it kept apart from its file's entry.
  await sleep(1000 - (Date.now() % 1000) + 10);
  for (let i = 0; i < 2; i++) isPage(t, await ask(skt, get('/page.html')), `version 1, request ${i}`);
  const before = (await ask(skt, get('/page.html'))).headers.get('etag');
  // A deploy: a new file renamed over the old one, of another length.
  const second = Buffer.from('<!doctype html>\n<title>second version</title>\n', 'utf8');
  writeFileSync(`${path}.new`, second);
  renameSync(`${path}.new`, path);
  await sleep(window + 100);
  const fresh = await ask(skt, get('/page.html'));
  t.true(fresh.body.equals(second), 'the new file');
  t.is(fresh.headers.get('content-length'), String(second.length));
  t.not(fresh.headers.get('etag'), before);
  t.true((await ask(skt, get('/page.html'))).body.equals(second), 'and kept anew');
  // Rewritten in place with the same length: the modification time tells.
  await sleep(1000 - (Date.now() % 1000) + 10);
  t.true((await ask(skt, get('/page.html'))).body.equals(second), 'kept anew for this second');
  const third = Buffer.from(second.toString('latin1').toUpperCase(), 'latin1');
  writeFileSync(path, third);
  utimesSync(path, new Date(), new Date(statSync(path).mtimeMs + 5_000));
  await sleep(window + 100);
  const rewritten = await ask(skt, get('/page.html'));
  t.true(rewritten.body.equals(third), 'the rewritten bytes');
  t.is(rewritten.headers.get('last-modified'), new Date(Math.floor(statSync(path).mtimeMs / 1000) * 1000).toUTCString());
});

test('whole responses count in the cache bytes, go with their file, and are not kept past their bounds', async (t) => {
  const root = tempDir(t);
  writeFileSync(join(root, 'page.html'), PAGE);
  // Smaller than the bound, but not with its head on top: written as before.
  const large = Buffer.alloc(WHOLE_RESPONSE_LIMIT - 100, 'L');
  writeFileSync(join(root, 'large.bin'), large);
  // Well over one TLS record, well under the bound: kept whole too.
  const mid = randomBytes(100 * 1024);
  writeFileSync(join(root, 'mid.bin'), mid);
  const defaults = headerBlock(defaultHeaders({}, false));
  const { client, accepted } = await connectedPair(t);
  /** Serves `path` from `files` and writes it on the pair: the bytes the client reads. */
  const sent = async (files: StaticFiles, path: string): Promise<RawResponse> => {
    const response = await files.serve(getRequest(path));
    await writeResponse(accepted, response, { defaults, headOnly: false, keepAlive: true, http10: false, sendTimeout: DEFAULT_TIMEOUTS.send });
    return readOneResponse(client);
  };

  const files = await StaticFiles.create(root);
  t.teardown(() => files.close());
  isPage(t, await sent(files, '/page.html'), 'kept whole');
  const kept = files.cacheSize.bytes - PAGE.length;
  t.true(kept > PAGE.length && kept < PAGE.length + 2048, `the whole response (${kept} bytes) is counted with the file's`);
  isPage(t, await sent(files, '/page.html'), 'from the kept bytes');
  t.is(files.cacheSize.bytes, PAGE.length + kept, 'the same second and listener: nothing more');
  const largeResponse = await sent(files, '/large.bin');
  t.true(largeResponse.body.equals(large));
  t.is(files.cacheSize.bytes, PAGE.length + kept + large.length, 'past the bound: the file alone');
  for (let i = 0; i < 2; i++) t.true((await sent(files, '/mid.bin')).body.equals(mid), `100 KiB, request ${i}`);
  const midKept = files.cacheSize.bytes - (PAGE.length + kept + large.length) - mid.length;
  t.true(midKept > mid.length && midKept < mid.length + 2048, `a 100 KiB file's whole response (${midKept} bytes) is kept and counted`);
  files.clearCache();
  t.deepEqual(files.cacheSize, { entries: 0, bytes: 0, openFiles: 0 }, 'forgotten with the file');

  // Room for the file, not for its whole response too: written as before, nothing more held.
  const tight = await StaticFiles.create(root, { cacheMaxBytes: PAGE.length + 100 });
  t.teardown(() => tight.close());
  for (let i = 0; i < 2; i++) isPage(t, await sent(tight, '/page.html'), `no room, request ${i}`);
  t.is(tight.cacheSize.bytes, PAGE.length);
});
