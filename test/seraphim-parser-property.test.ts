// SERAPHIM's request parsing fed random and mutated requests over a real connection (fast-check):
// the server never throws, never hangs (each connection ends, answered or closed, within a
// bound), and every answer it writes is well-formed HTTP/1.1.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import { withByteEdits } from './helpers/byte-edits.js';
import { startTestServer, tempDir } from './helpers/seraphim.js';

/** How long one exchange may take before the server counts as hanging (the head timeout is 1 s). */
const EXCHANGE_LIMIT_MS = 8000;
const STATUS_LINE = /^HTTP\/1\.1 [1-5]\d\d [^\r\n]*$/;
const HEADER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+: [^\r\n]*$/;

const VALID = [
  'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /index.html?a=1&b=%20 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nIf-None-Match: "abc"\r\n\r\n',
  'HEAD /index.html HTTP/1.0\r\n\r\n',
  'POST /nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello',
  'POST /nothing HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  'GET /a HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n',
];

/** A valid request with a few bytes replaced, inserted or removed (often a near miss). */
const mutated = withByteEdits(
  fc.constantFrom(...VALID).map((request) => Buffer.from(request, 'latin1')),
  { bytes: [0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x2e, 0x2f, 0x25, 0x7f, 0xff, 0x41], maxEdits: 6 },
);
const random = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes));

/** Sends `request`, half-closes, and collects what the server writes until it closes (or the limit passes: a hang). */
async function exchangeRaw(port: number, request: Buffer): Promise<{ bytes: Buffer; ended: boolean }> {
  const socket = connect(port, '127.0.0.1');
  const parts: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => parts.push(chunk));
  socket.on('error', () => undefined); // a reset is one way for the server to end: judged below by 'close'
  await once(socket, 'connect');
  socket.end(request);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    socket.destroy();
  }, EXCHANGE_LIMIT_MS);
  await once(socket, 'close');
  clearTimeout(timer);
  return { bytes: Buffer.concat(parts), ended: !hung };
}

/** Checks that `bytes` begins with well-formed responses; returns a problem, or undefined. */
function problemIn(bytes: Buffer, headRequest: boolean): string | undefined {
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) return `an incomplete response head: ${JSON.stringify(bytes.subarray(at, at + 120).toString('latin1'))}`;
    const [statusLine = '', ...headers] = bytes.subarray(at, end).toString('latin1').split('\r\n');
    if (!STATUS_LINE.test(statusLine)) return `a bad status line: ${JSON.stringify(statusLine)}`;
    const bad = headers.find((line) => !HEADER_LINE.test(line));
    if (bad !== undefined) return `a bad header line: ${JSON.stringify(bad)}`;
    const status = Number(statusLine.slice(9, 12));
    const lengthLine = headers.find((line) => /^content-length:/i.test(line));
    const length = headRequest || status === 304 || status < 200 || lengthLine === undefined ? 0 : Number(lengthLine.slice(15).trim());
    if (!Number.isInteger(length) || length < 0) return `a bad Content-Length: ${lengthLine}`;
    if (end + 4 + length > bytes.length) return `a body shorter than its Content-Length (${length})`;
    at = end + 4 + length;
    // A HEAD answer's Content-Length counts a body it does not carry: nothing after it can be framed.
    if (headRequest) break;
  }
  return undefined;
}

test('random and mutated requests: no throw, no hang, every answer well-formed HTTP', async (t) => {
  t.timeout(5 * 60_000);
  const root = tempDir(t);
  writeFileSync(join(root, 'index.html'), '<!doctype html><p>hi</p>');
  writeFileSync(join(root, 'a'), 'abcdefgh');
  const errors: unknown[] = [];
  const server = await startTestServer(t, { root, httpsPort: false, timeouts: { head: 1000, idle: 500, body: 1000 }, onError: (err) => errors.push(err) });
  const port = server.ports.http as number;
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated, mutated, random), async (request) => {
      const { bytes, ended } = await exchangeRaw(port, request);
      if (!ended) throw new Error(`no end within ${EXCHANGE_LIMIT_MS} ms`);
      const problem = problemIn(bytes, /^\s*HEAD /.test(request.toString('latin1')));
      if (problem !== undefined) throw new Error(problem);
      if (bytes.length > 0) answered++;
    }),
    { numRuns: 250 },
  );
  t.deepEqual(errors, [], 'the server reported no error');
  t.true(answered > 50, `only ${answered} of 250 requests were answered`);
  // And it still serves a plain request afterwards.
  const after = await exchangeRaw(port, Buffer.from('GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
  t.regex(after.bytes.toString('latin1'), /^HTTP\/1\.1 200 /);
});
