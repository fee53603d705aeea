// The request-head parser reads unread bytes that end a head as one string (its fast path) and
// bytes that do not end one yet line by line: a head must be decided alike, byte for byte, on
// valid heads, near misses and limits, whichever way its bytes came. Each head is parsed once whole and once fed in drawn pieces, as reads
// deliver it, and the two outcomes are compared.
import test from 'ava';
import fc from 'fast-check';
import { DEFAULT_LIMITS, HeadParser, HttpError, type RequestLimits } from '../examples/seraphim/http/request-parser.js';
import { withByteEdits } from './helpers/byte-edits.js';

/** Small limits, so that near misses cross them too. */
const LIMITS: RequestLimits = { ...DEFAULT_LIMITS, maxRequestLine: 40, maxHeaderBytes: 120, maxHeaderLines: 4 };

const VALID = [
  'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
  '\r\nGET /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n',
  'HEAD /index.html HTTP/1.0\r\n\r\n',
  'GET /x HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nAccept: text/html\r\nUser-Agent: t\r\n\r\n',
  // A body, or a next request, after the head, ending in CRLF CRLF as a head does.
  'POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n',
  // Blank lines before the request line, up to the four a head may have.
  '\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
];

/** What a parser made of some bytes: the head and its length, the status it refused them with, or a wait for more. */
function outcome(parse: () => ReturnType<HeadParser['parse']>): string {
  try {
    const parsed = parse();
    if (parsed === undefined) return 'more';
    const { head, consumed } = parsed;
    return JSON.stringify({ ...head, query: head.query.toString(), headers: [...head.headers], consumed });
  } catch (err) {
    if (err instanceof HttpError) return `refused ${err.status}`;
    throw err;
  }
}

/** `bytes` fed to one parser in pieces cut at `cuts`, each call with everything so far, as the connection does. */
function inPieces(bytes: Buffer, cuts: number[]): string {
  const parser = new HeadParser(LIMITS);
  const ends = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  ends.push(bytes.length);
  let last = 'more';
  for (const end of ends) {
    last = outcome(() => parser.parse(bytes.subarray(0, end)));
    if (last !== 'more') return last;
  }
  return last;
}

const near = withByteEdits(
  fc.constantFrom(...VALID).map((head) => Buffer.from(head, 'latin1')),
  { bytes: [0x0d, 0x0a, 0x20, 0x3a, 0x09, 0x00, 0x41], maxEdits: 4 },
);
/** Heads with lines long or many enough to meet the limits. */
const large = fc
  .tuple(fc.integer({ min: 1, max: 60 }), fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 7 }))
  .map(([target, fields]) => Buffer.from(`GET /${'t'.repeat(target)} HTTP/1.1\r\nHost: x\r\n${fields.map((n, i) => `F${i}: ${'v'.repeat(n)}\r\n`).join('')}\r\n`, 'latin1'));

test('a head parsed whole and the same head fed in pieces come out alike', (t) => {
  let heads = 0;
  fc.assert(
    fc.property(fc.oneof(near, large), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (bytes, cuts) => {
      const whole = outcome(() => new HeadParser(LIMITS).parse(bytes));
      const pieces = inPieces(bytes, cuts);
      if (whole !== pieces) throw new Error(`${JSON.stringify(bytes.toString('latin1'))}: whole ${whole}, in pieces ${pieces}`);
      if (whole.startsWith('{')) heads++;
    }),
    { numRuns: 2000 },
  );
  t.true(heads > 200, `only ${heads} of 2000 heads were complete and valid`);
});

test('a line both over its limit and with a bare CR is refused for its size, whole or in pieces', (t) => {
  // Found by the property above: whole, the line's bare CR was refused first (400); in pieces,
  // its length while it still arrived (414).
  const cases: [string, string][] = [
    [`\r\n\rGET /a?b=1 HTTP/1.1\rHost: x\rConnection: keep-alive\r\n\r\n`, 'refused 414'],
    [`GET / HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(120)}\rb\r\n\r\n`, 'refused 431'],
  ];
  for (const [head, expected] of cases) {
    const bytes = Buffer.from(head, 'latin1');
    t.is(outcome(() => new HeadParser(LIMITS).parse(bytes)), expected, `whole: ${JSON.stringify(head)}`);
    for (const cut of [1, 20, 44, bytes.length - 3]) t.is(inPieces(bytes, [cut]), expected, `cut at ${cut}: ${JSON.stringify(head)}`);
  }
});

test('one byte at a time decides as the whole head does, limits included', (t) => {
  for (const head of [...VALID, 'GET / HTTP/1.1\r\nHost: x\n\r\n', 'GET / HTTP/1.1\r\nHo\rst: x\r\n\r\n', `GET /${'a'.repeat(60)} HTTP/1.1\r\n\r\n`]) {
    const bytes = Buffer.from(head, 'latin1');
    const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
    t.is(inPieces(bytes, everyByte), outcome(() => new HeadParser(LIMITS).parse(bytes)), JSON.stringify(head));
  }
});

test('blank lines alone wait for more, whole or in pieces; a fifth is refused; a request after them is read', (t) => {
  for (const count of [1, 2, 3, 4]) {
    const blank = Buffer.from('\r\n'.repeat(count), 'latin1');
    t.is(outcome(() => new HeadParser(LIMITS).parse(blank)), 'more', `${count} blank lines`);
    const parser = new HeadParser(LIMITS);
    t.is(outcome(() => parser.parse(blank)), 'more');
    const then = Buffer.concat([blank, Buffer.from('GET /after HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')]);
    t.is(parser.parse(then)?.head.target, '/after', `a request after ${count} blank lines`);
  }
  t.is(outcome(() => new HeadParser(LIMITS).parse(Buffer.from('\r\n'.repeat(5), 'latin1'))), 'refused 400');
});

test('a head that came whole ends at its first empty line: what follows is left for later', (t) => {
  const parsed = new HeadParser(DEFAULT_LIMITS).parse(Buffer.from(VALID[5] as string, 'latin1'));
  t.is(parsed?.head.target, '/a');
  t.is(parsed?.consumed, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'.length);
  const body = new HeadParser(DEFAULT_LIMITS).parse(Buffer.from(VALID[4] as string, 'latin1'));
  t.is(body?.head.chunked, true);
  t.is(body?.consumed, (VALID[4] as string).indexOf('5\r\nhello'));
});
