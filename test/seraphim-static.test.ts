// SERAPHIM's static files over HTTPS with curl (trusting the development CA), the redirect from
// HTTP, security headers, and path traversal with raw clients.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import { DEFAULT_CACHE_TTL, DEFAULT_MEMORY_FILE_SIZE, DEFAULT_SMALL_FILE_SIZE, StaticFiles } from '../examples/seraphim/http/static-files.js';
import type { SeraphimRequest } from '../examples/seraphim/http/types.js';
import { curl, caFile, exchange, getRequest, seraphimRequest, SITE, startTestServer, tempDir } from './helpers/seraphim.js';

const run = promisify(execFile);
const file = (path: string): Buffer => readFileSync(join(SITE, path));

test('pages, CSS and images over HTTPS with correct types and lengths', async (t) => {
  const server = await startTestServer(t);
  const ca = caFile(t);
  const base = server.urls.https as string;
  t.regex(base, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  const cases: [string, string, string][] = [
    ['', 'index.html', 'text/html; charset=utf-8'],
    ['posts/the-phantom-gap.html', 'posts/the-phantom-gap.html', 'text/html; charset=utf-8'],
    ['guestbook.html', 'guestbook.html', 'text/html; charset=utf-8'],
    ['style.css', 'style.css', 'text/css; charset=utf-8'],
    ['images/scarlet-dot.png', 'images/scarlet-dot.png', 'image/png'],
    ['images/seraphim.svg', 'images/seraphim.svg', 'image/svg+xml'],
  ];
  for (const [path, onDisk, type] of cases) {
    const response = await curl(['--cacert', ca, base + path]);
    const expected = file(onDisk);
    t.is(response.status, 200, path);
    t.is(response.headers.get('content-type'), type, path);
    t.is(Number(response.headers.get('content-length')), expected.length, path);
    t.true(response.body.equals(expected), path);
  }
  const index = await curl(['--cacert', ca, base]);
  t.regex(index.body.toString('utf8'), /<title>SERAPHIM · Scarlet Notes<\/title>/);
  t.regex(index.body.toString('utf8'), /<form|<h1>/);
  const guestbook = await curl(['--cacert', ca, base + 'guestbook.html']);
  t.regex(guestbook.body.toString('utf8'), /<form method="post" action="\/guestbook">/);
});

test('security headers: HSTS of at least 180 days on HTTPS only, nosniff, frame policy, referrer policy', async (t) => {
  const server = await startTestServer(t, { redirectToHttps: false });
  const ca = caFile(t);
  const secure = await curl(['--cacert', ca, server.urls.https as string]);
  const maxAge = Number(/max-age=(\d+)/.exec(secure.headers.get('strict-transport-security') ?? '')?.[1]);
  t.true(maxAge >= 15_552_000);
  t.is(secure.headers.get('x-content-type-options'), 'nosniff');
  t.is(secure.headers.get('x-frame-options'), 'DENY');
  t.regex(secure.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  t.is(secure.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
  t.is(secure.headers.get('server'), 'SERAPHIM');
  t.truthy(Date.parse(secure.headers.get('date') ?? ''));
  const plain = await curl([server.urls.http as string]);
  t.is(plain.status, 200);
  t.false(plain.headers.has('strict-transport-security'), 'no HSTS over plain HTTP');
  t.is(plain.headers.get('x-content-type-options'), 'nosniff');
});

test('security headers are configurable', async (t) => {
  const server = await startTestServer(t, { headers: { hstsMaxAge: 63_072_000, hstsIncludeSubDomains: true, frameOptions: 'SAMEORIGIN', referrerPolicy: 'no-referrer', contentSecurityPolicy: false } });
  const response = await curl(['--cacert', caFile(t), server.urls.https as string]);
  t.is(response.headers.get('strict-transport-security'), 'max-age=63072000; includeSubDomains');
  t.is(response.headers.get('x-frame-options'), 'SAMEORIGIN');
  t.is(response.headers.get('referrer-policy'), 'no-referrer');
  t.false(response.headers.has('content-security-policy'));
});

test('HEAD has the headers of GET and no body', async (t) => {
  const server = await startTestServer(t);
  const response = await curl(['--cacert', caFile(t), '-I', `${server.urls.https}style.css`]);
  t.is(response.status, 200);
  t.is(Number(response.headers.get('content-length')), file('style.css').length);
  t.is(response.headers.get('content-type'), 'text/css; charset=utf-8');
  t.is(response.body.length, 0);
});

test('ETag and Last-Modified give 304', async (t) => {
  const server = await startTestServer(t);
  const ca = caFile(t);
  const url = `${server.urls.https}style.css`;
  const first = await curl(['--cacert', ca, url]);
  const etag = first.headers.get('etag') as string;
  t.regex(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  const lastModified = first.headers.get('last-modified') as string;
  t.is(Date.parse(lastModified), Math.floor(statSync(join(SITE, 'style.css')).mtimeMs / 1000) * 1000);

  const byTag = await curl(['--cacert', ca, '-H', `If-None-Match: "other", ${etag}`, url]);
  t.is(byTag.status, 304);
  t.is(byTag.body.length, 0);
  t.is(byTag.headers.get('etag'), etag);
  const weak = await curl(['--cacert', ca, '-H', `If-None-Match: W/${etag}`, url]);
  t.is(weak.status, 304, 'weak comparison');
  const byDate = await curl(['--cacert', ca, '-H', `If-Modified-Since: ${lastModified}`, url]);
  t.is(byDate.status, 304);
  const changed = await curl(['--cacert', ca, '-H', 'If-None-Match: "nope"', url]);
  t.is(changed.status, 200);
  const older = await curl(['--cacert', ca, '-H', 'If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT', url]);
  t.is(older.status, 200);
});

test('single byte ranges get 206, unsatisfiable ones 416', async (t) => {
  const server = await startTestServer(t);
  const ca = caFile(t);
  const url = `${server.urls.https}style.css`;
  const css = file('style.css');
  const first = await curl(['--cacert', ca, '-r', '0-9', url]);
  t.is(first.status, 206);
  t.is(first.headers.get('content-range'), `bytes 0-9/${css.length}`);
  t.is(Number(first.headers.get('content-length')), 10);
  t.true(first.body.equals(css.subarray(0, 10)));
  const suffix = await curl(['--cacert', ca, '-H', 'Range: bytes=-20', url]);
  t.is(suffix.status, 206);
  t.true(suffix.body.equals(css.subarray(css.length - 20)));
  const open = await curl(['--cacert', ca, '-H', 'Range: bytes=100-', url]);
  t.true(open.body.equals(css.subarray(100)));
  const beyond = await curl(['--cacert', ca, '-H', 'Range: bytes=99999-', url]);
  t.is(beyond.status, 416);
  t.is(beyond.headers.get('content-range'), `bytes */${css.length}`);
  const stale = await curl(['--cacert', ca, '-H', 'Range: bytes=0-9', '-H', 'If-Range: "stale"', url]);
  t.is(stale.status, 200, 'If-Range that does not match sends the whole file');
  t.is(stale.body.length, css.length);
});

test('404, 405 with Allow, 301 to add a trailing slash, dotfiles refused', async (t) => {
  const root = tempDir(t);
  writeFileSync(join(root, 'index.html'), '<title>root</title>');
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs', 'index.html'), 'docs index');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  mkdirSync(join(root, '.well-known'));
  writeFileSync(join(root, '.well-known', 'acme.txt'), 'token');
  const server = await startTestServer(t, { root });
  const ca = caFile(t);
  const base = server.urls.https as string;
  t.is((await curl(['--cacert', ca, `${base}missing.html`])).status, 404);
  const post = await curl(['--cacert', ca, '-X', 'POST', base]);
  t.is(post.status, 405);
  t.is(post.headers.get('allow'), 'GET, HEAD');
  const moved = await curl(['--cacert', ca, `${base}docs?x=1`]);
  t.is(moved.status, 301);
  t.is(moved.headers.get('location'), '/docs/?x=1');
  const index = await curl(['--cacert', ca, `${base}docs/`]);
  t.is(index.body.toString(), 'docs index');
  t.is((await curl(['--cacert', ca, `${base}.env`])).status, 404);
  t.is((await curl(['--cacert', ca, `${base}.well-known/acme.txt`])).body.toString(), 'token');
});

test('HTTP redirects to HTTPS keeping path and query; curl -L follows it', async (t) => {
  const server = await startTestServer(t);
  const ca = caFile(t);
  const httpsPort = server.ports.https as number;
  const moved = await curl([`${server.urls.http}posts/the-phantom-gap.html?a=1&b=two`]);
  t.is(moved.status, 301);
  t.is(moved.headers.get('location'), `https://127.0.0.1:${httpsPort}/posts/the-phantom-gap.html?a=1&b=two`);
  const posted = await curl(['-X', 'POST', `${server.urls.http}guestbook`]);
  t.is(posted.status, 308, 'other methods keep their method');
  const followed = await curl(['--cacert', ca, '-L', `${server.urls.http}style.css`]);
  t.is(followed.status, 200);
  t.is(followed.headers.get('content-type'), 'text/css; charset=utf-8');
});

test('the redirect to HTTPS never goes to a host the Host header names unless it is one of the server\'s own names', async (t) => {
  const server = await startTestServer(t);
  const httpsPort = server.ports.https as number;
  const redirectFor = async (host: string): Promise<string | undefined> => {
    const { responses } = await exchange(t, server.ports.http as number, `GET /a?b=1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    t.is(responses[0]?.status, 301, host);
    return responses[0]?.headers.get('location');
  };
  // A name outside the certificate: the listening address instead.
  for (const evil of ['evil.example', 'evil.example:8080', 'localhost.evil.example', '10.0.0.1']) {
    t.is(await redirectFor(evil), `https://127.0.0.1:${httpsPort}/a?b=1`, `Host: ${evil}`);
  }
  // The certificate's own names (the development one: localhost, 127.0.0.1, ::1) are kept.
  t.is(await redirectFor('LOCALHOST:8080'), `https://LOCALHOST:${httpsPort}/a?b=1`);
  t.is(await redirectFor('[::1]'), `https://[::1]:${httpsPort}/a?b=1`);
});

test('canonicalHost: every redirect goes to it, with its port when it has one', async (t) => {
  const server = await startTestServer(t, { canonicalHost: 'www.example.org' });
  const { responses } = await exchange(t, server.ports.http as number, 'GET /x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
  t.is(responses[0]?.headers.get('location'), `https://www.example.org:${server.ports.https}/x`);
  const fixed = await startTestServer(t, { canonicalHost: 'www.example.org:443' });
  const other = await exchange(t, fixed.ports.http as number, 'GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  t.is(other.responses[0]?.headers.get('location'), 'https://www.example.org:443/x');
});

test('without HTTPS the HTTP listener serves the site', async (t) => {
  const server = await startTestServer(t, { httpsPort: false });
  t.is(server.urls.https, undefined);
  const response = await curl([server.urls.http as string]);
  t.is(response.status, 200);
  t.regex(response.body.toString(), /<title>SERAPHIM/);
});

test('a large file is streamed intact over HTTPS', async (t) => {
  const root = tempDir(t);
  const big = Buffer.alloc(5 * 1024 * 1024 + 123);
  for (let i = 0; i + 4 <= big.length; i += 4) big.writeUInt32LE(i, i);
  writeFileSync(join(root, 'big.bin'), big);
  const server = await startTestServer(t, { root });
  const response = await curl(['--cacert', caFile(t), `${server.urls.https}big.bin`]);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'application/octet-stream');
  t.is(Number(response.headers.get('content-length')), big.length);
  t.is(createHash('sha256').update(response.body).digest('hex'), createHash('sha256').update(big).digest('hex'));
});

test('path traversal: no encoding of the path reaches a secret next to the root', async (t) => {
  const base = tempDir(t);
  const root = join(base, 'site');
  mkdirSync(root);
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'index.html'), 'public index');
  writeFileSync(join(root, 'sub', 'page.html'), 'public page');
  writeFileSync(join(base, 'secret.txt'), 'TOP-SECRET-VALUE');
  mkdirSync(join(base, 'site-evil'));
  writeFileSync(join(base, 'site-evil', 'secret.txt'), 'TOP-SECRET-VALUE');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(base, join(root, 'up'));
  const server = await startTestServer(t, { root, httpsPort: false });
  const port = server.ports.http as number;
  const variants = [
    '/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/.%2e/secret.txt',
    '/%2e./secret.txt', '/%2e%2e%2fsecret.txt', '/sub%2f..%2f..%2fsecret.txt', '/%252e%252e/secret.txt',
    '/%252e%252e%252fsecret.txt', '/..%5csecret.txt', '/%5c..%5csecret.txt', '/sub\\..\\..\\secret.txt',
    '/..%255csecret.txt', '/%c0%ae%c0%ae/secret.txt', '/%uff0e%uff0e/secret.txt', '/..%00/secret.txt',
    '/secret.txt%00.html', '/%00../secret.txt', '//secret.txt', '/.//../secret.txt', '/./../secret.txt',
    '/sub/./../../secret.txt', '/..;/secret.txt', '/link.txt', '/up/secret.txt', '/up/site-evil/secret.txt',
    '/%2e%2e/site-evil/secret.txt', '/../site-evil/secret.txt', '/sub/%2e%2e/%2e%2e/secret.txt',
    `/${base.slice(1)}/secret.txt`, `/%2f${base.slice(1)}/secret.txt`, `http://x/../secret.txt`, '/%2e%2e%5c%2e%2e%5csecret.txt',
    '/....//secret.txt', '/..../secret.txt', '/.../secret.txt', '/sub/..%2f..%2fsecret.txt',
  ];
  t.true(variants.length >= 30);
  for (const path of variants) {
    const { responses } = await exchange(t, port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const response = responses[0];
    t.truthy(response, path);
    t.false(response?.body.toString('latin1').includes('TOP-SECRET'), `secret leaked for ${path}`);
    t.true(response?.status === 400 || response?.status === 404, `${path} -> ${response?.status}`);
  }
  const { responses } = await exchange(t, port, 'GET /sub/page.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.is(responses[0]?.body.toString(), 'public page', 'the site is still served');
});

/** GET `path` over plain HTTP on a fresh connection: status and body. */
async function get(t: ExecutionContext, port: number, path: string): Promise<{ status: number; body: string }> {
  const { responses } = await exchange(t, port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  const response = responses[0];
  if (response === undefined) throw new Error(`no response for ${path}`);
  return { status: response.status, body: response.body.toString('latin1') };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Replaces a file the way a deploy should: a new file renamed over the old one. */
function replaceFile(path: string, content: string | Buffer): void {
  writeFileSync(`${path}.new`, content);
  renameSync(`${path}.new`, path);
}

test('file cache: a changed file is served fresh once the cache window has passed; inside it, the old version whole', async (t) => {
  const root = tempDir(t);
  // Larger than the files the cache keeps in memory: these stream from a descriptor.
  const big = (c: string, extra: number): Buffer => Buffer.alloc(DEFAULT_MEMORY_FILE_SIZE + extra, c);
  const mid = (c: string): Buffer => Buffer.alloc(DEFAULT_SMALL_FILE_SIZE * 3, c);
  writeFileSync(join(root, 'page.html'), 'first version');
  writeFileSync(join(root, 'big.bin'), big('a', 1));
  writeFileSync(join(root, 'mid.bin'), mid('a'));
  // A long window: what is served inside it is certain, whatever the speed of the machine.
  const long = await startTestServer(t, { root, httpsPort: false, staticFiles: { cacheTtl: 60_000 } });
  const longPort = long.ports.http as number;
  // Larger files not kept open: each request opens the file and checks it with fstat.
  const unopened = await startTestServer(t, { root, httpsPort: false, staticFiles: { cacheTtl: 60_000, cacheMaxOpenFiles: 0 } });
  const unopenedPort = unopened.ports.http as number;
  for (const port of [longPort, unopenedPort]) {
    t.is((await get(t, port, '/page.html')).body, 'first version');
    t.is((await get(t, port, '/big.bin')).body, big('a', 1).toString('latin1'));
  }
  t.is((await get(t, longPort, '/mid.bin')).body, mid('a').toString('latin1'));
  replaceFile(join(root, 'page.html'), 'second version, longer');
  replaceFile(join(root, 'big.bin'), big('b', 2));
  replaceFile(join(root, 'mid.bin'), mid('b'));
  t.is((await get(t, longPort, '/page.html')).body, 'first version', 'inside the window: the small file from memory');
  t.is((await get(t, longPort, '/mid.bin')).body, mid('a').toString('latin1'), 'inside the window: the mid-size file from memory');
  t.is((await get(t, longPort, '/big.bin')).body, big('a', 1).toString('latin1'), 'inside the window: the large file from its open descriptor');
  t.is((await get(t, unopenedPort, '/big.bin')).body, big('b', 2).toString('latin1'), 'a large file opened per request is checked on every request');

  // The default window: served fresh once it has passed.
  replaceFile(join(root, 'page.html'), 'first version');
  const server = await startTestServer(t, { root, httpsPort: false });
  const port = server.ports.http as number;
  t.is((await get(t, port, '/page.html')).body, 'first version');
  t.is((await get(t, port, '/big.bin')).body, big('b', 2).toString('latin1'));
  t.is((await get(t, port, '/mid.bin')).body, mid('b').toString('latin1'));
  replaceFile(join(root, 'page.html'), 'third version');
  replaceFile(join(root, 'big.bin'), big('c', 3));
  replaceFile(join(root, 'mid.bin'), mid('c'));
  await sleep(DEFAULT_CACHE_TTL + 100);
  t.is((await get(t, port, '/page.html')).body, 'third version');
  t.is((await get(t, port, '/big.bin')).body, big('c', 3).toString('latin1'));
  t.is((await get(t, port, '/mid.bin')).body, mid('c').toString('latin1'));
  // Rewritten in place with the same size: the modification time tells.
  writeFileSync(join(root, 'page.html'), 'THIRD VERSION');
  utimesSync(join(root, 'page.html'), new Date(), new Date(Date.now() + 5_000));
  await sleep(DEFAULT_CACHE_TTL + 100);
  t.is((await get(t, port, '/page.html')).body, 'THIRD VERSION');
});

test('file cache: a file replaced by a symlink that leads out of the root is never served', async (t) => {
  const base = tempDir(t);
  const root = join(base, 'site');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(join(root, 'sub'));
  mkdirSync(outside);
  const secret = 'TOP-SECRET-VALUE';
  writeFileSync(join(outside, 'secret.txt'), secret);
  writeFileSync(join(outside, 'big.bin'), secret.repeat(DEFAULT_SMALL_FILE_SIZE / 8));
  writeFileSync(join(root, 'page.html'), 'public page');
  // Larger than the files the cache keeps in memory: served from a descriptor.
  writeFileSync(join(root, 'big.bin'), 'p'.repeat(DEFAULT_MEMORY_FILE_SIZE + 1));
  writeFileSync(join(root, 'sub', 'big.bin'), 'q'.repeat(DEFAULT_MEMORY_FILE_SIZE + 1));
  const short = 200;
  const server = await startTestServer(t, { root, httpsPort: false, staticFiles: { cacheTtl: short } });
  const port = server.ports.http as number;
  const long = await startTestServer(t, { root, httpsPort: false, staticFiles: { cacheTtl: 60_000 } });
  const longPort = long.ports.http as number;
  const unopened = await startTestServer(t, { root, httpsPort: false, staticFiles: { cacheTtl: 60_000, cacheMaxOpenFiles: 0 } });
  const unopenedPort = unopened.ports.http as number;
  for (const p of [port, longPort, unopenedPort]) {
    t.is((await get(t, p, '/page.html')).body, 'public page');
    t.is((await get(t, p, '/big.bin')).status, 200);
    t.is((await get(t, p, '/sub/big.bin')).status, 200);
  }

  // The file itself becomes a symlink, and a directory on the way becomes one.
  rmSync(join(root, 'page.html'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'page.html'));
  rmSync(join(root, 'big.bin'));
  symlinkSync(join(outside, 'big.bin'), join(root, 'big.bin'));
  rmSync(join(root, 'sub'), { recursive: true });
  symlinkSync(outside, join(root, 'sub'));

  // Inside the window: the old bytes (from memory, or from the descriptor opened when the file
  // was inside), or a 404, never the secret.
  for (const p of [longPort, unopenedPort]) {
    for (const path of ['/page.html', '/big.bin', '/sub/big.bin']) {
      const response = await get(t, p, path);
      t.false(response.body.includes(secret), `secret leaked for ${path} inside the window`);
    }
    t.is((await get(t, p, '/page.html')).body, 'public page');
  }
  t.is((await get(t, longPort, '/big.bin')).body[0], 'p');
  t.is((await get(t, longPort, '/sub/big.bin')).body[0], 'q');
  t.is((await get(t, unopenedPort, '/big.bin')).status, 404, 'a large file is opened without following a symlink');
  t.is((await get(t, unopenedPort, '/sub/big.bin')).status, 404, 'a large file reached through a new symlink is another file');

  // After the window: checked again, refused.
  await sleep(short + 100);
  for (const path of ['/page.html', '/big.bin', '/sub/big.bin', '/sub/secret.txt']) {
    const response = await get(t, port, path);
    t.false(response.body.includes(secret), `secret leaked for ${path}`);
    t.is(response.status, 404, path);
  }
});

test('file cache: an entry dropped while its path is checked again is not brought back uncounted', async (t) => {
  const root = tempDir(t);
  const size = DEFAULT_SMALL_FILE_SIZE * 3;
  writeFileSync(join(root, 'mid.bin'), Buffer.alloc(size, 5));
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(DEFAULT_MEMORY_FILE_SIZE + 1, 6));
  const files = await StaticFiles.create(root, { cacheTtl: 20 });
  for (const path of ['/mid.bin', '/big.bin']) {
    const first = await files.serve(getRequest(path));
    first.file?.release?.();
  }
  t.deepEqual(files.cacheSize, { entries: 2, bytes: size, openFiles: 1 });
  await sleep(40);
  // Both entries are past their window: each request looks its path up again, and while it
  // does, the cache is emptied (as close() does). What the requests keep afterwards is counted.
  const midServed = files.serve(getRequest('/mid.bin'));
  const bigServed = files.serve(getRequest('/big.bin'));
  files.clearCache();
  const mid = await midServed;
  const big = await bigServed;
  t.is(mid.body?.length, size);
  t.is(big.file?.length, DEFAULT_MEMORY_FILE_SIZE + 1);
  big.file?.release?.();
  t.deepEqual(files.cacheSize, { entries: 2, bytes: size, openFiles: 1 });
  files.close();
  t.deepEqual(files.cacheSize, { entries: 0, bytes: 0, openFiles: 0 });
});

// Serial, so that no other test of this file (their servers run in this process) holds up a
// check: one slower than the window leaves the waiting requests to look the path up themselves,
// and the counts below would be off (a 300 ms window running concurrently was, once).
test.serial('file cache: the requests that find an entry stale wait for one check of the disk, and all see what it found', async (t) => {
  const WINDOW = 1000;
  const root = tempDir(t);
  writeFileSync(join(root, 'page.html'), 'first version');
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(DEFAULT_MEMORY_FILE_SIZE + 1, 1));
  const files = await StaticFiles.create(root, { cacheTtl: WINDOW });
  t.teardown(() => files.close());
  const together = async (requests: SeraphimRequest[]) => {
    const responses = await Promise.all(requests.map((request) => files.serve(request)));
    for (const response of responses) response.file?.release?.();
    return responses;
  };
  const many = (path: string, count: number): SeraphimRequest[] => Array.from({ length: count }, () => getRequest(path));
  await together(many('/page.html', 1));
  await together(many('/big.bin', 1));
  t.is(files.diskLookups, 2);
  await sleep(WINDOW + 50);
  // Each waiting request is answered with its own method and conditions.
  const pages = await together([
    getRequest('/page.html'),
    seraphimRequest('HEAD', '/page.html'),
    seraphimRequest('GET', '/page.html', { headers: { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() } }),
    seraphimRequest('GET', '/page.html', { headers: { range: 'bytes=0-4' } }),
    ...many('/page.html', 12),
  ]);
  t.deepEqual(pages.map((response) => response.status).slice(0, 5), [200, 200, 304, 206, 200]);
  t.is(pages[3]?.body?.toString(), 'first');
  for (const response of [pages[0], ...pages.slice(4)]) t.is(response?.body?.toString(), 'first version');
  for (const response of await together(many('/big.bin', 16))) t.is(response.file?.length, DEFAULT_MEMORY_FILE_SIZE + 1);
  t.is(files.diskLookups, 4, 'one check a path for the 16 requests that found it stale');
  t.is(files.cacheSize.openFiles, 1, 'the large file kept open once, every response done with it');

  // A change is seen by every request that waited for the check that found it.
  writeFileSync(join(root, 'page.html'), 'second version, longer');
  await sleep(WINDOW + 50);
  for (const response of await together(many('/page.html', 16))) t.is(response.body?.toString(), 'second version, longer');
  t.is(files.diskLookups, 5);

  // Gone: the check forgets the entry, and the 7 requests that waited for it look the path up
  // once each, without waiting again.
  rmSync(join(root, 'page.html'));
  await sleep(WINDOW + 50);
  for (const response of await together(many('/page.html', 8))) t.is(response.status, 404);
  t.is(files.diskLookups, 13);
  t.is(files.cacheSize.entries, 1);
});

test('file cache: bounded by entries, bytes and open files; cacheTtl 0 turns it off', async (t) => {
  const root = tempDir(t);
  for (let i = 0; i < 10; i++) writeFileSync(join(root, `f${i}.txt`), String(i).repeat(1000));
  const files = await StaticFiles.create(root, { cacheMaxEntries: 4, cacheMaxBytes: 3000 });
  for (let i = 0; i < 10; i++) {
    const response = await files.serve(getRequest(`/f${i}.txt`));
    t.is(response.status, 200);
    t.is(response.body?.toString(), String(i).repeat(1000));
    t.true(files.cacheSize.entries <= 4);
    t.true(files.cacheSize.bytes <= 3000);
  }
  t.is(files.cacheSize.bytes, 3000);
  // A mid-size file is read once and kept in memory: every response shares its bytes. With the
  // cache off it is streamed, never read whole for one response.
  writeFileSync(join(root, 'mid.bin'), Buffer.alloc(DEFAULT_SMALL_FILE_SIZE * 3, 7));
  const mid = await StaticFiles.create(root);
  const first = await mid.serve(getRequest('/mid.bin'));
  t.is(first.body?.length, DEFAULT_SMALL_FILE_SIZE * 3);
  t.is((await mid.serve(getRequest('/mid.bin'))).body, first.body, 'the same bytes, not read again');
  t.deepEqual(mid.cacheSize, { entries: 1, bytes: DEFAULT_SMALL_FILE_SIZE * 3, openFiles: 0 });
  const streamed = await (await StaticFiles.create(root, { cacheTtl: 0 })).serve(getRequest('/mid.bin'));
  t.is(streamed.body, undefined);
  t.is(streamed.file?.length, DEFAULT_SMALL_FILE_SIZE * 3);
  await streamed.file?.handle.close();
  // Larger files are kept open, within cacheMaxOpenFiles; the rest are opened per request.
  for (let i = 0; i < 3; i++) writeFileSync(join(root, `big${i}.bin`), Buffer.alloc(DEFAULT_MEMORY_FILE_SIZE + 1, i));
  const big = await StaticFiles.create(root, { cacheMaxOpenFiles: 2 });
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 3; i++) {
      const { file } = await big.serve(getRequest(`/big${i}.bin`));
      t.is(file?.length, DEFAULT_MEMORY_FILE_SIZE + 1);
      if (file?.release !== undefined) file.release();
      else await file?.handle.close();
    }
  }
  t.is(big.cacheSize.openFiles, 2);
  big.clearCache();
  t.deepEqual(big.cacheSize, { entries: 0, bytes: 0, openFiles: 0 });
  // Closed (as the server does when it stops): nothing is kept open any more.
  const held = await big.serve(getRequest('/big0.bin'));
  t.is(big.cacheSize.openFiles, 1);
  big.close();
  t.is(big.cacheSize.openFiles, 0);
  const after = await big.serve(getRequest('/big1.bin'));
  t.is(after.file?.release, undefined, 'a file served after close() is its own handle');
  t.deepEqual(big.cacheSize, { entries: 0, bytes: 0, openFiles: 0 });
  await after.file?.handle.close();
  held.file?.release?.();

  const off = await StaticFiles.create(root, { cacheTtl: 0 });
  t.is((await off.serve(getRequest('/f1.txt'))).body?.toString(), '1'.repeat(1000));
  t.deepEqual(off.cacheSize, { entries: 0, bytes: 0, openFiles: 0 });
  await t.throwsAsync(StaticFiles.create(root, { cacheTtl: -1 }), { instanceOf: RangeError });
});

test('file cache: a file it holds in memory or open is answered at once, without a promise; anything else once looked up', async (t) => {
  const root = tempDir(t);
  writeFileSync(join(root, 'small.txt'), 'small');
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(DEFAULT_MEMORY_FILE_SIZE + 1, 3));
  const files = await StaticFiles.create(root, { cacheTtl: 60_000 });
  t.teardown(() => files.close());
  for (const path of ['/small.txt', '/big.bin']) {
    const first = files.serve(getRequest(path));
    t.true(first instanceof Promise, `${path}: looked up the first time`);
    (await first).file?.release?.();
    const again = files.serve(getRequest(path));
    t.false(again instanceof Promise, `${path}: from the cache`);
    const response = await again;
    t.is(response.status, 200);
    t.is(response.body?.toString() ?? response.file?.length, path === '/small.txt' ? 'small' : DEFAULT_MEMORY_FILE_SIZE + 1);
    response.file?.release?.();
  }
  const missing = files.serve(getRequest('/missing.txt'));
  t.true(missing instanceof Promise);
  t.is((await missing).status, 404);
});

test('the seraphim command: --help lists the options; an unknown option exits 2', async (t) => {
  const cli = fileURLToPath(new URL('../examples/seraphim/cli.ts', import.meta.url));
  const help = await run(process.execPath, ['--import', 'tsx', cli, '--help'], { timeout: 30_000 });
  for (const option of ['--root', '--host', '--http-port', '--https-port', '--cert', '--key', '--pfx', '--passphrase-file', '--workers', '--access-log', '--quiet']) {
    t.true(help.stdout.includes(option), option);
  }
  const error = await t.throwsAsync(run(process.execPath, ['--import', 'tsx', cli, '--no-such-option'], { timeout: 30_000 }));
  t.is((error as Error & { code?: number }).code, 2);
  t.regex((error as Error & { stderr?: string }).stderr ?? '', /no-such-option/);
  const bad = await t.throwsAsync(run(process.execPath, ['--import', 'tsx', cli, '--http-port', 'eighty'], { timeout: 30_000 }));
  t.is((bad as Error & { code?: number }).code, 2);
});
