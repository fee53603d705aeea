import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import test from 'ava';
import type { SeraphimRequest, SeraphimResponse } from '../examples/seraphim/http/types.js';
import { HttpError } from '../examples/seraphim/routes/http-error.js';
import { parseCookies, type RouteRequest, type UploadedFile } from '../examples/seraphim/routes/request-body.js';
import { escapeHtml, json, redirect } from '../examples/seraphim/routes/responses.js';
import { createRouter, type RouteTable, type RouterOptions } from '../examples/seraphim/routes/router.js';
import { createSampleHandler, GUESTBOOK_SIZE, POSTS } from '../examples/seraphim/routes/sample-routes.js';
import { seraphimRequest } from './helpers/seraphim.js';

/** Routes that record the request each handler got. */
function recording(patterns: string[], options?: RouterOptions) {
  const seen: { pattern: string; request: RouteRequest }[] = [];
  const table: Record<string, (r: RouteRequest) => SeraphimResponse> = {};
  for (const pattern of patterns) {
    table[pattern] = (r) => {
      seen.push({ pattern, request: r });
      return json({ pattern });
    };
  }
  return { seen, handle: createRouter(table, options) };
}

/** A route table whose one handler returns what the callback returns (awaited), as JSON. */
function echo(pattern: string, read: (r: RouteRequest) => unknown, options?: RouterOptions) {
  return createRouter({ [pattern]: async (r) => json(await read(r)) }, options);
}

function bodyText(response: SeraphimResponse | undefined): string {
  const body = response?.body;
  return body === undefined ? '' : typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}

function bodyJson(response: SeraphimResponse | undefined): any {
  return JSON.parse(bodyText(response));
}

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer | string;
}

const BOUNDARY = '----seraphim-test-7d1f0c9a2b';

/** A multipart/form-data body built by hand, byte for byte. */
function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.type !== undefined) head += `Content-Type: ${part.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function multipartRequest(target: string, parts: Part[]): SeraphimRequest {
  return seraphimRequest('POST', target, {
    headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: multipart(parts),
  });
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

// --- routing -------------------------------------------------------------------------------

test('a slug matches one segment, percent-decoded once, and the query reaches the handler', async (t) => {
  const { seen, handle } = recording(['GET /api/items/{id}/parts/{part}']);
  const response = await handle(seraphimRequest('GET', '/api/items/a%2Fb%20c/parts/%25252e?x=1&x=2&y=%C3%A9'));
  t.is(response?.status, 200);
  t.is(seen.length, 1);
  const got = seen[0]!.request;
  t.deepEqual({ ...got.slugs }, { id: 'a/b c', part: '%252e' });
  t.deepEqual(got.query.getAll('x'), ['1', '2']);
  t.is(got.query.get('y'), 'é');
  t.is(got.method, 'GET');
  t.is(got.remoteAddress, '127.0.0.1');
});

test('no route for the path answers undefined, so the static files answer', async (t) => {
  const { seen, handle } = recording(['GET /api/posts/{slug}', 'POST /guestbook']);
  t.is(await handle(seraphimRequest('GET', '/index.html')), undefined);
  t.is(await handle(seraphimRequest('GET', '/api/posts')), undefined);
  t.is(await handle(seraphimRequest('GET', '/api/posts/a/b')), undefined);
  t.is(await handle(seraphimRequest('GET', '/api/posts/')), undefined, 'a slug never matches an empty segment');
  t.is(await handle(seraphimRequest('GET', '/guestbook/')), undefined);
  t.is(await handle(seraphimRequest('GET', '/api/posts/%zz')), undefined, 'malformed percent-encoding');
  t.is(seen.length, 0);
});

test('a literal segment wins over a slug whatever the table order', async (t) => {
  const { seen, handle } = recording(['GET /api/posts/{slug}', 'GET /api/posts/latest', 'GET /{a}/{b}/{c}']);
  await handle(seraphimRequest('GET', '/api/posts/latest'));
  await handle(seraphimRequest('GET', '/api/posts/other'));
  await handle(seraphimRequest('GET', '/x/posts/other'));
  t.deepEqual(seen.map((s) => s.pattern), ['GET /api/posts/latest', 'GET /api/posts/{slug}', 'GET /{a}/{b}/{c}']);
});

test('the root and trailing-slash patterns match exactly', async (t) => {
  const { seen, handle } = recording(['GET /', 'GET /docs/']);
  t.is((await handle(seraphimRequest('GET', '/?q=1')))?.status, 200);
  t.is((await handle(seraphimRequest('GET', '/docs/')))?.status, 200);
  t.is(await handle(seraphimRequest('GET', '/docs')), undefined);
  t.deepEqual(seen.map((s) => s.pattern), ['GET /', 'GET /docs/']);
});

test('a path matched for other methods answers 405 with Allow, and no handler runs', async (t) => {
  const { seen, handle } = recording(['GET /api/items/{id}', 'PUT /api/items/{id}', 'DELETE /api/items/{id}']);
  for (const method of ['POST', 'PATCH', 'TRACE', 'PROPFIND']) {
    const response = await handle(seraphimRequest(method, '/api/items/7'));
    t.is(response?.status, 405, method);
    t.is(response?.headers?.Allow, 'GET, HEAD, PUT, DELETE, OPTIONS', method);
  }
  t.is(seen.length, 0);
});

test('OPTIONS on a matched path answers 204 with Allow and no body; elsewhere undefined', async (t) => {
  const { seen, handle } = recording(['POST /guestbook', 'GET /guestbook', 'PATCH /api/{x}']);
  const response = await handle(seraphimRequest('OPTIONS', '/guestbook'));
  t.is(response?.status, 204);
  t.is(response?.headers?.Allow, 'GET, HEAD, POST, OPTIONS');
  t.is(response?.body, undefined);
  t.is((await handle(seraphimRequest('OPTIONS', '/api/1')))?.headers?.Allow, 'PATCH, OPTIONS');
  t.is(await handle(seraphimRequest('OPTIONS', '/elsewhere')), undefined);
  t.is(await handle(seraphimRequest('OPTIONS', '*')), undefined);
  t.is(seen.length, 0);
});

test('HEAD falls back to the GET route and answers what GET answers (the core sends no body for HEAD)', async (t) => {
  const methods: string[] = [];
  const handle = createRouter({
    'GET /page': (r) => {
      methods.push(r.method);
      return { status: 200, headers: { 'X-Method': r.method }, contentType: 'text/plain', body: 'héllo' };
    },
  });
  const get = await handle(seraphimRequest('GET', '/page'));
  const head = await handle(seraphimRequest('HEAD', '/page'));
  t.deepEqual(methods, ['GET', 'HEAD']);
  t.is(head?.status, 200);
  t.is(head?.contentType, 'text/plain');
  t.is(head?.headers?.['X-Method'], 'HEAD');
  t.is(head?.body, get?.body, 'the body stays so that the core sends GET\'s Content-Length');
  t.is(await handle(seraphimRequest('HEAD', '/other')), undefined);
});

test('an explicit HEAD route wins over GET; HEAD without GET is 405', async (t) => {
  const handle = createRouter({
    'GET /a': () => ({ status: 200, body: 'get' }),
    'HEAD /a': () => ({ status: 200, headers: { 'X-Head': '1' }, body: 'head' }),
    'POST /b': () => ({ status: 200 }),
  });
  const head = await handle(seraphimRequest('HEAD', '/a'));
  t.is(head?.headers?.['X-Head'], '1');
  t.is(head?.body, 'head');
  const refused = await handle(seraphimRequest('HEAD', '/b'));
  t.is(refused?.status, 405);
  t.is(refused?.headers?.Allow, 'POST, OPTIONS');
});

test('a handler that throws rejects with its error for the core to answer 500', async (t) => {
  const boom = new Error('boom');
  const handle = createRouter({
    'GET /boom': () => {
      throw boom;
    },
    'GET /async-boom': async () => {
      await Promise.resolve();
      throw boom;
    },
    'GET /nothing': () => undefined as unknown as SeraphimResponse,
  });
  t.is(await t.throwsAsync(async () => handle(seraphimRequest('GET', '/boom'))), boom);
  t.is(await t.throwsAsync(async () => handle(seraphimRequest('GET', '/async-boom'))), boom);
  await t.throwsAsync(async () => handle(seraphimRequest('GET', '/nothing')), { instanceOf: TypeError });
});

test('an HttpError thrown by a handler becomes its status, as JSON when JSON is accepted', async (t) => {
  const handle = createRouter({
    'GET /teapot': () => {
      throw new HttpError(418, 'short and stout', { 'X-Why': 'tea' });
    },
  });
  const plain = await handle(seraphimRequest('GET', '/teapot'));
  t.is(plain?.status, 418);
  t.is(plain?.headers?.['X-Why'], 'tea');
  t.is(bodyText(plain), 'short and stout\n');
  const asJson = await handle(seraphimRequest('GET', '/teapot', { headers: { Accept: 'application/json' } }));
  t.deepEqual(bodyJson(asJson), { error: 'short and stout' });
  t.throws(() => new HttpError(200, 'no'), { instanceOf: TypeError });
});

test('bad patterns and handlers are refused when the router is made', (t) => {
  const ok = () => ({ status: 200 });
  const bad: RouteTable[] = [
    { 'FETCH /a': ok },
    { 'get /a': ok },
    { 'OPTIONS /a': ok },
    { 'GET  /a': ok },
    { 'GET a': ok },
    { '/a': ok },
    { 'GET /a?x=1': ok },
    { 'GET /a/{slug': ok },
    { 'GET /a/{}': ok },
    { 'GET /a/x{slug}': ok },
    { 'GET /a/{1x}': ok },
    { 'GET /{id}/{id}': ok },
    { 'GET /a//b': ok },
    { 'GET /a/../b': ok },
    { 'GET /a/%2e': ok },
    { 'GET /a/{x}': ok, 'GET /a/{y}': ok },
    { 'GET /a': 'not a function' as unknown as () => SeraphimResponse },
  ];
  for (const table of bad) {
    t.throws(() => createRouter(table), { instanceOf: TypeError }, JSON.stringify(Object.keys(table)));
  }
  t.throws(() => createRouter({}, { limits: { maxFiles: -1 } }), { instanceOf: TypeError });
  t.throws(() => createRouter({}, { limits: { maxFlies: 1 } as never }), { instanceOf: TypeError });
  t.notThrows(() => createRouter({ 'GET /a/{x}': ok, 'POST /a/{y}': ok, 'GET /a/b': ok }));
});

// --- cookies and bodies ----------------------------------------------------------------------

test('cookies are parsed leniently and safely', async (t) => {
  const handle = echo('GET /c', (r) => ({ ...r.cookies }));
  const header = 'sid=abc123; theme="dark"; name=J%C3%B6rg; bad=%E0%A4%A; =nameless; noequals; sid=second; __proto__=x; a b=1; empty=';
  const cookies = bodyJson(await handle(seraphimRequest('GET', '/c', { headers: { Cookie: header } })));
  t.deepEqual(cookies, { sid: 'abc123', theme: 'dark', name: 'Jörg', bad: '%E0%A4%A', ['__proto__']: 'x', empty: '' });
  t.is(Object.getPrototypeOf(parseCookies('__proto__=x')), null);
  t.is(parseCookies('__proto__=x')['__proto__' as string], 'x');
  t.deepEqual({ ...parseCookies('a=1, b=2') }, { a: '1', b: '2' }, 'two Cookie headers joined by the core');
  t.deepEqual({ ...parseCookies(undefined) }, {});
});

test('a urlencoded form reaches the handler, repeated names as arrays', async (t) => {
  const handle = echo('POST /form', async (r) => ({ ...(await r.form()) }));
  const response = await handle(seraphimRequest('POST', '/form', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    body: 'name=Ada+Lovelace&tag=a&tag=b&msg=%3Cb%3E%20%E2%9C%93&empty=&__proto__=p',
  }));
  t.is(response?.status, 200);
  t.deepEqual(bodyJson(response), { name: 'Ada Lovelace', tag: ['a', 'b'], msg: '<b> ✓', empty: '', ['__proto__']: 'p' });
});

test('form(): a wrong Content-Type is 415, too many fields 413', async (t) => {
  const handle = echo('POST /form', (r) => r.form(), { limits: { maxFields: 3 } });
  const wrong = await handle(seraphimRequest('POST', '/form', { headers: { 'Content-Type': 'application/json' }, body: 'a=1' }));
  t.is(wrong?.status, 415);
  t.is(wrong?.headers?.Accept, 'application/x-www-form-urlencoded');
  t.is((await handle(seraphimRequest('POST', '/form', { body: 'a=1' })))?.status, 415, 'no Content-Type');
  const latin1 = { 'Content-Type': 'application/x-www-form-urlencoded; charset=iso-8859-1' };
  t.is((await handle(seraphimRequest('POST', '/form', { headers: latin1, body: 'a=1' })))?.status, 415);
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  t.is((await handle(seraphimRequest('POST', '/form', { headers: form, body: 'a=1&b=2&c=3' })))?.status, 200);
  t.is((await handle(seraphimRequest('POST', '/form', { headers: form, body: 'a=1&b=2&c=3&d=4' })))?.status, 413);
});

test('a JSON body reaches the handler; each helper parses once', async (t) => {
  let same = false;
  const handle = echo('PUT /api/items/{id}', async (r) => {
    const first = await r.json<{ n: number }>();
    same = first === (await r.json());
    return { id: r.slugs.id, got: first };
  });
  const value = { n: 1, s: 'é\u0000', list: [true, null, 2.5], nested: { deep: ['x'] } };
  const response = await handle(seraphimRequest('PUT', '/api/items/42', {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  }));
  t.deepEqual(bodyJson(response), { id: '42', got: value });
  t.true(same);
  const patch = await handle(seraphimRequest('PUT', '/api/items/1', { headers: { 'Content-Type': 'application/merge-patch+json' }, body: '[1]' }));
  t.deepEqual(bodyJson(patch), { id: '1', got: [1] });
});

test('bad JSON is 400, a non-JSON Content-Type 415', async (t) => {
  const handle = echo('POST /api/j', (r) => r.json());
  const headers = { 'Content-Type': 'application/json' };
  for (const body of ['{"a":', '', "{'a':1}", 'undefined', Buffer.from([0x22, 0xff, 0x22])]) {
    const response = await handle(seraphimRequest('POST', '/api/j', { headers, body }));
    t.is(response?.status, 400, String(body));
  }
  const asJson = await handle(seraphimRequest('POST', '/api/j', { headers: { ...headers, Accept: 'application/json' }, body: '{' }));
  t.is(asJson?.status, 400);
  t.is(typeof bodyJson(asJson).error, 'string');
  t.is((await handle(seraphimRequest('POST', '/api/j', { headers: { 'Content-Type': 'text/plain' }, body: '{}' })))?.status, 415);
  t.is((await handle(seraphimRequest('POST', '/api/j', { body: '{}' })))?.status, 415);
  t.is((await handle(seraphimRequest('POST', '/api/j', { headers, body: '{"ok":true}' })))?.status, 200);
});

test('a multipart upload: a binary file arrives byte for byte, with fields and file names', async (t) => {
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const random = randomBytes(200_000);
  const crlfLike = Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}\r\n\r\n--`);
  let got: { fields: Record<string, string | string[]>; files: readonly UploadedFile[] } | undefined;
  const handle = createRouter({
    'POST /upload': async (r) => {
      got = await r.multipart();
      t.is(await r.files(), got.files);
      return { status: 204 };
    },
  });
  const response = await handle(multipartRequest('/upload', [
    { name: 'title', data: 'Grüße' },
    { name: 'all', filename: 'all-bytes.bin', type: 'application/octet-stream', data: allBytes },
    { name: 'tag', data: 'x' },
    { name: 'random', filename: 'dir/ränd om.dat', type: 'image/png', data: random },
    { name: 'tag', data: 'y' },
    { name: 'tricky', filename: 'tricky.bin', data: crlfLike },
    { name: 'empty', filename: 'empty.txt', type: 'text/plain', data: '' },
  ]));
  t.is(response?.status, 204);
  t.deepEqual({ ...got!.fields }, { title: 'Grüße', tag: ['x', 'y'] });
  const files = got!.files;
  t.deepEqual(files.map((f) => [f.name, f.filename, f.mimeType, f.bytes.length]), [
    ['all', 'all-bytes.bin', 'application/octet-stream', 256],
    ['random', 'ränd om.dat', 'image/png', random.length],
    ['tricky', 'tricky.bin', 'text/plain', crlfLike.length],
    ['empty', 'empty.txt', 'text/plain', 0],
  ]);
  t.true(files[0]!.bytes.equals(allBytes));
  t.true(files[1]!.bytes.equals(random));
  t.true(files[2]!.bytes.equals(crlfLike));
});

test('multipart: too many files or a file too large is 413; malformed is 400; wrong type 415', async (t) => {
  const handle = echo('POST /upload', async (r) => (await r.files()).length, { limits: { maxFiles: 2, maxFileSize: 1024 } });
  const file = (name: string, size: number): Part => ({ name, filename: `${name}.bin`, data: randomBytes(size) });
  t.deepEqual(bodyJson(await handle(multipartRequest('/upload', [file('a', 1024), file('b', 10)]))), 2);
  t.is((await handle(multipartRequest('/upload', [file('a', 1), file('b', 1), file('c', 1)])))?.status, 413);
  t.is((await handle(multipartRequest('/upload', [file('a', 1025)])))?.status, 413);
  t.is((await handle(multipartRequest('/upload', [file('a', 10), file('b', 5000)])))?.status, 413);
  const truncated = multipart([file('a', 100)]).subarray(0, 80);
  const headers = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };
  t.is((await handle(seraphimRequest('POST', '/upload', { headers, body: truncated })))?.status, 400);
  t.is((await handle(seraphimRequest('POST', '/upload', { headers, body: '' })))?.status, 400);
  const noBoundary = { 'Content-Type': 'multipart/form-data' };
  t.is((await handle(seraphimRequest('POST', '/upload', { headers: noBoundary, body: multipart([file('a', 1)]) })))?.status, 400);
  const urlencoded = { 'Content-Type': 'application/x-www-form-urlencoded' };
  t.is((await handle(seraphimRequest('POST', '/upload', { headers: urlencoded, body: 'a=1' })))?.status, 415);
});

test('multipart: too many or too large fields are 413', async (t) => {
  const handle = echo('POST /upload', async (r) => (await r.multipart()).fields, { limits: { maxFields: 2, maxFieldSize: 16 } });
  t.is((await handle(multipartRequest('/upload', [{ name: 'a', data: '1' }, { name: 'b', data: '2' }])))?.status, 200);
  t.is((await handle(multipartRequest('/upload', [{ name: 'a', data: '1' }, { name: 'b', data: '2' }, { name: 'c', data: '3' }])))?.status, 413);
  t.is((await handle(multipartRequest('/upload', [{ name: 'a', data: 'x'.repeat(16) }])))?.status, 200);
  t.is((await handle(multipartRequest('/upload', [{ name: 'a', data: 'x'.repeat(17) }])))?.status, 413);
});

// --- responses ---------------------------------------------------------------------------------

test('response helpers set status, content type and Location, and refuse header injection', (t) => {
  t.deepEqual(json({ a: 1 }, 201), { status: 201, contentType: 'application/json; charset=utf-8', body: '{"a":1}' });
  const moved = redirect('/guestbook');
  t.is(moved.status, 303);
  t.is(moved.headers?.Location, '/guestbook');
  t.is(redirect('https://example.org/', 308).status, 308);
  t.throws(() => redirect('/x\r\nSet-Cookie: a=b'), { instanceOf: TypeError });
  t.throws(() => redirect('/x', 200), { instanceOf: TypeError });
  t.throws(() => json(undefined), { instanceOf: TypeError });
  t.is(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
});

// --- the sample site ---------------------------------------------------------------------------

test('sample: the posts API lists the posts and answers one by slug, 404 JSON for another', async (t) => {
  const handle = createSampleHandler();
  const list = bodyJson(await handle(seraphimRequest('GET', '/api/posts')));
  t.deepEqual(list.posts.map((p: { slug: string }) => p.slug), ['the-phantom-gap', 'porting-read-socket', 'renewing-certificates']);
  const one = await handle(seraphimRequest('GET', '/api/posts/renewing-certificates'));
  t.is(one?.status, 200);
  t.is(one?.contentType, 'application/json; charset=utf-8');
  t.deepEqual(bodyJson(one), POSTS[2]);
  const missing = await handle(seraphimRequest('GET', '/api/posts/no-such-post'));
  t.is(missing?.status, 404);
  t.is(bodyJson(missing).slug, 'no-such-post');
  t.is((await handle(seraphimRequest('DELETE', '/api/posts/the-phantom-gap')))?.status, 405);
  t.is(await handle(seraphimRequest('GET', '/index.html')), undefined);
});

test('sample: each post of the API is a page of the sample site, with its title and date', async (t) => {
  for (const post of POSTS) {
    const page = await readFile(new URL(`../examples/seraphim/site${post.url}`, import.meta.url), 'utf8');
    t.true(page.includes(`<h2>${post.title}</h2>`), post.slug);
    t.true(page.includes(`<time datetime="${post.date}">`), post.slug);
  }
});

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const sign = (name: string, message: string): SeraphimRequest =>
  seraphimRequest('POST', '/guestbook', { headers: FORM, body: new URLSearchParams({ name, message }).toString() });

test('sample: a guestbook entry is stored, 303 back, and shown HTML-escaped', async (t) => {
  const handle = createSampleHandler();
  const evil = `<script>alert("x")</script>`;
  const posted = await handle(sign(`Mallory "<b>" & co`, `${evil}\nsecond line`));
  t.is(posted?.status, 303);
  t.is(posted?.headers?.Location, '/guestbook');
  t.regex(posted?.headers?.['Set-Cookie'] ?? '', /^guestbook-name=Mallory%20%22%3Cb%3E%22%20%26%20co; Path=\/guestbook;.*HttpOnly/);
  const page = await handle(seraphimRequest('GET', '/guestbook', { headers: { Cookie: 'guestbook-name=Mallory' } }));
  t.is(page?.status, 200);
  t.is(page?.contentType, 'text/html; charset=utf-8');
  const body = bodyText(page);
  t.false(body.includes(evil));
  t.false(body.includes('<b>'));
  t.true(body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>second line'));
  t.true(body.includes('Mallory &quot;&lt;b&gt;&quot; &amp; co'));
  t.true(body.includes('value="Mallory"'), 'the name cookie fills the form');
  t.false(bodyText(await createSampleHandler()(seraphimRequest('GET', '/guestbook'))).includes('Mallory'), 'each handler has its own guestbook');
});

test('sample: a browser POST from another site (Origin, Sec-Fetch-Site) is 403 and changes nothing; the site\'s own pages and non-browsers may post', async (t) => {
  const handle = createSampleHandler();
  const post = (name: string, headers: Record<string, string>) =>
    handle(seraphimRequest('POST', '/guestbook', { secure: true, headers: { ...FORM, Host: '127.0.0.1:8443', ...headers }, body: new URLSearchParams({ name, message: 'hi' }).toString() }));
  for (const [label, headers] of [
    ['cross-site Origin', { Origin: 'https://evil.example' }],
    ['same host over http', { Origin: 'http://127.0.0.1:8443' }],
    ['opaque Origin', { Origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://127.0.0.1:8443' }],
    ['Sec-Fetch-Site same-site', { 'Sec-Fetch-Site': 'same-site' }],
  ] as const) {
    const answer = await post(`forged ${label}`, headers);
    t.is(answer?.status, 403, label);
  }
  const upload = await handle(seraphimRequest('POST', '/api/upload', { headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, Origin: 'https://evil.example', Host: 'x' }, body: multipart([{ name: 'f', filename: 'a.txt', data: 'a' }]) }));
  t.is(upload?.status, 403, 'the upload too');
  t.false(bodyText(await handle(seraphimRequest('GET', '/guestbook'))).includes('forged'), 'no forged entry stored');

  for (const [label, headers] of [
    ['same Origin', { Origin: 'https://127.0.0.1:8443' }],
    ['Sec-Fetch-Site same-origin', { 'Sec-Fetch-Site': 'same-origin', Origin: 'https://127.0.0.1:8443' }],
    ['Sec-Fetch-Site none', { 'Sec-Fetch-Site': 'none' }],
    ['no browser headers (curl)', {}],
  ] as const) {
    t.is((await post(`own ${label}`, headers))?.status, 303, label);
  }
});

test('sample: an invalid guestbook entry is 400 and not stored; the book keeps the last 100', async (t) => {
  const handle = createSampleHandler();
  for (const [name, message] of [['', 'hi'], ['  ', 'hi'], ['x'.repeat(81), 'hi'], ['ok', ''], ['ok', 'm'.repeat(2001)], ['a\u0000b', 'hi']]) {
    const response = await handle(sign(name!, message!));
    t.is(response?.status, 400, JSON.stringify([name, message]));
  }
  const repeated = seraphimRequest('POST', '/guestbook', { headers: FORM, body: 'name=a&name=b&message=m' });
  t.is((await handle(repeated))?.status, 400);
  t.is((await handle(seraphimRequest('POST', '/guestbook', { headers: { 'Content-Type': 'text/plain' }, body: 'x' })))?.status, 415);
  t.true(bodyText(await handle(seraphimRequest('GET', '/guestbook'))).includes('No entries yet'));
  for (let i = 0; i < GUESTBOOK_SIZE + 5; i++) {
    t.is((await handle(sign(`guest${i}`, `message ${i}`)))?.status, 303);
  }
  const page = bodyText(await handle(seraphimRequest('GET', '/guestbook')));
  t.is(page.match(/<li>/g)?.length, GUESTBOOK_SIZE);
  t.false(page.includes('>guest4<'));
  t.true(page.includes('>guest5<'));
  t.true(page.indexOf('>guest104<') < page.indexOf('>guest5<'), 'newest first');
});

test('sample: an upload echoes each file name, size and SHA-256', async (t) => {
  const handle = createSampleHandler();
  const a = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(4096)]);
  const b = randomBytes(100_000);
  const response = await handle(multipartRequest('/api/upload', [
    { name: 'first', filename: 'a.bin', type: 'application/octet-stream', data: a },
    { name: 'note', data: 'not a file' },
    { name: 'second', filename: 'b.png', type: 'image/png', data: b },
  ]));
  t.is(response?.status, 200);
  t.deepEqual(bodyJson(response), {
    files: [
      { field: 'first', name: 'a.bin', mimeType: 'application/octet-stream', size: a.length, sha256: sha256(a) },
      { field: 'second', name: 'b.png', mimeType: 'image/png', size: b.length, sha256: sha256(b) },
    ],
  });
  t.is((await handle(multipartRequest('/api/upload', [{ name: 'note', data: 'x' }])))?.status, 400);
});
