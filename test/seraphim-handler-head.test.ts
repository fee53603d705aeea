// The head SERAPHIM sends for a handler's response, read raw off the wire: its Content-Type is a
// field serialized once per type and kept (examples/seraphim/http/headers.ts, contentTypeBlock),
// and must still be exactly one field, replaceable by the handler's own headers, and checked.
import test, { type ExecutionContext } from 'ava';
import type { SeraphimHandler } from '../examples/seraphim/server.js';
import { exchange, startTestServer, type RawResponse } from './helpers/seraphim.js';

const handler: SeraphimHandler = (request) => {
  const type = request.query.get('type') ?? undefined;
  switch (request.path) {
    case '/typed':
      return { status: 200, contentType: type, body: 'typed\n' };
    case '/override':
      // The handler's own header names the type again, in another case: it wins, once.
      return { status: 200, contentType: 'text/plain', headers: { 'content-TYPE': 'application/json', 'X-Frame-Options': 'SAMEORIGIN' }, body: '{}' };
    case '/bad':
      return { status: 200, contentType: 'text/plain\r\nSet-Cookie: stolen=1', body: 'never sent' };
    case '/none':
      return { status: 204, contentType: 'text/plain' };
    default:
      return undefined;
  }
};

/** The raw heads and parsed responses of GETs of `targets`, sent on one keep-alive connection, the last closing it. */
async function heads(t: ExecutionContext, port: number, targets: readonly string[]): Promise<{ heads: string[]; responses: RawResponse[] }> {
  const request = targets.map((target, i) => `GET ${target} HTTP/1.1\r\nHost: x\r\n${i === targets.length - 1 ? 'Connection: close\r\n' : ''}\r\n`).join('');
  const { bytes, responses } = await exchange(t, port, request);
  const found = [...bytes.toString('latin1').matchAll(/HTTP\/1\.1 [^]*?\r\n\r\n/g)].map((m) => m[0]);
  return { heads: found, responses };
}

const fields = (head: string, name: string): string[] =>
  head.split('\r\n').filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`)).map((line) => line.slice(line.indexOf(':') + 1).trim());

test("a handler's Content-Type is one field, the same on every response, and each of many types is its own", async (t) => {
  const server = await startTestServer(t, { httpsPort: false, handler });
  const port = server.ports.http as number;
  // 70 distinct types: more than are kept (64), so the kept ones start over on the way; then
  // types made before and after that again.
  const types = Array.from({ length: 70 }, (_, i) => `text/x-kind-${i}; charset=utf-8`);
  const sent = [...types, types[0], types[69], types[0]] as string[];
  const targets = sent.map((type) => `/typed?type=${encodeURIComponent(type)}`);
  const { heads: got, responses } = await heads(t, port, targets);
  t.is(got.length, targets.length);
  got.forEach((head, i) => {
    t.deepEqual(fields(head, 'Content-Type'), [sent[i] as string], `response ${i}`);
    t.deepEqual(fields(head, 'Content-Length'), ['6']);
    // The handler's field comes before the server's defaults, as any handler field does.
    t.true(head.indexOf('Content-Type:') < head.indexOf('X-Content-Type-Options:'), `response ${i}: field order`);
  });
  t.true(responses.every((r) => r.body.toString() === 'typed\n'));
  // Without a type, a string body is HTML.
  const { heads: plain } = await heads(t, port, ['/typed']);
  t.deepEqual(fields(plain[0] as string, 'Content-Type'), ['text/html; charset=utf-8']);
});

test("a handler's own Content-Type header replaces its contentType, once, in any case; its defaults replaced as well", async (t) => {
  const server = await startTestServer(t, { httpsPort: false, handler });
  const { heads: got } = await heads(t, server.ports.http as number, ['/override', '/override']);
  t.is(got.length, 2, 'both responses came');
  for (const head of got) {
    t.deepEqual(fields(head, 'Content-Type'), ['application/json']);
    t.deepEqual(fields(head, 'X-Frame-Options'), ['SAMEORIGIN']);
  }
});

test('a Content-Type with CR LF is refused with 500 and sends nothing of it; the connection serves on', async (t) => {
  const errors: unknown[] = [];
  const server = await startTestServer(t, { httpsPort: false, handler, onError: (err) => errors.push(err) });
  const { heads: got, responses } = await heads(t, server.ports.http as number, ['/bad', '/typed?type=text/plain', '/bad']);
  t.deepEqual(responses.map((r) => r.status), [500, 200, 500]);
  t.is(got.length, 3);
  t.false(got.some((head) => /stolen/i.test(head)));
  t.deepEqual(fields(got[1] as string, 'Content-Type'), ['text/plain']);
  t.is(errors.length, 2);
  t.regex(String(errors[0]), /invalid value for header Content-Type/);
});

test('a response without a body (204) has no Content-Type even when the handler names one', async (t) => {
  const server = await startTestServer(t, { httpsPort: false, handler });
  const { heads: got } = await heads(t, server.ports.http as number, ['/none']);
  t.is(got.length, 1);
  t.regex(got[0] as string, /^HTTP\/1\.1 204 /);
  t.deepEqual(fields(got[0] as string, 'Content-Type'), []);
});
