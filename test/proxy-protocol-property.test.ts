// The PROXY header parser under fast-check: directly (round trips, prefixes, refusals that more
// bytes never undo), and fed random and mutated headers over real connections to a server
// socket: every connection ends, accepted with the client the parser saw or closed and counted,
// the server keeps accepting, and nothing escapes as an unhandled error; on a secure server
// socket, the bytes after a good header go to a TLS handshake that fails as garbage does.
import { once } from 'node:events';
import { connect, isIPv6 } from 'node:net';
import test from 'ava';
import fc from 'fast-check';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  readSocket,
  SKT$BLOCKING,
  setSocketMode,
  SKT$INFO_IP_ADDR,
  SKT$INFO_PEER_HANDSHAKE_RATE,
  SKT$INFO_PEER_HANDSHAKES,
  SKT$INFO_PORT,
  SKT$INFO_PROXY_REFUSED,
  SKT$INFO_QUEUED,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SocketError,
  socketInfo,
} from '../lib/index.js';
import { parseProxyHeader, PROXY_V1_MAX, PROXY_V2_MAX } from '../lib/proxy-header.js';
import { waitFor, withLimit } from './helpers/assertions.js';
import { withByteEdits } from './helpers/byte-edits.js';
import { addressBytes, tlv, v1, v2, v2Local, V2_SIGNATURE } from './helpers/proxy-headers.js';
import { watchUncaught } from './helpers/raw-peer.js';
import { serverContext } from './helpers/tls.js';

const port = fc.integer({ min: 0, max: 65535 });
const ipv4 = fc.ipV4();
const ipv6Bytes = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes));
/** IPv6 text as people and proxies write it: any case, `::` or not, leading zeros, an IPv4 tail. */
const ipv6Text = fc.oneof(fc.ipV6(), fc.ipV6().map((a) => a.toUpperCase()), ipv6Bytes.map((b) => (b.toString('hex').match(/..../g) as string[]).join(':')));
const tlvs = fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 })), { maxLength: 5 }).map((list) => Buffer.concat(list.map(([type, value]) => tlv(type, Buffer.from(value)))));
const trailing = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));

/** A valid header of either version, with the client it names (undefined: none). */
const validHeader = fc.oneof(
  fc.tuple(ipv4, port, ipv4, port).map(([s, sp, d, dp]) => ({ bytes: v1(s, sp, d, dp), client: { address: s, port: sp } })),
  fc.tuple(ipv4, port, ipv4, port, tlvs).map(([s, sp, d, dp, extra]) => ({ bytes: v2(s, sp, d, dp, extra), client: { address: s, port: sp } })),
  fc.tuple(ipv6Text, port, ipv6Text, port).map(([s, sp, d, dp]) => ({ bytes: v1(s, sp, d, dp), client: { bytes: addressBytes(s), port: sp } })),
  fc.tuple(ipv6Bytes, port, ipv6Bytes, port, tlvs).map(([s, sp, d, dp, extra]) => ({
    bytes: v2(s, sp, d, dp, extra),
    client: { bytes: s, port: sp },
  })),
  fc.constant({ bytes: Buffer.from('PROXY UNKNOWN\r\n'), client: undefined }),
  fc.constant({ bytes: v2Local(), client: undefined }),
);

/** A valid header with a few bytes replaced, inserted or removed: mostly near misses. */
const mutatedHeader = withByteEdits(
  validHeader.map(({ bytes }) => bytes),
  { bytes: [0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x2e, 0x30, 0x39, 0x41, 0x7f, 0xff, 0x21, 0x11], minEdits: 1, maxEdits: 4 },
);
const randomBytes = fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes));
/** Random bytes after a real signature: the parser's v2 path with garbage in every field. */
const randomAfterSignature = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.concat([V2_SIGNATURE, Buffer.from(bytes)]));

/** What a connection opens with in the fuzz tests over real connections: good, near and far misses. */
const openings = [
  fc.tuple(validHeader, trailing).map(([{ bytes }, after]) => Buffer.concat([bytes, after])),
  mutatedHeader,
  randomBytes,
  randomAfterSignature,
] as const;

/** Does a parsed client match what the header was written with? */
function sameClient(parsed: { address: string; port: number } | undefined, written: { address?: string; bytes?: Buffer; port: number } | undefined): boolean {
  if (parsed === undefined || written === undefined) return parsed === written;
  if (parsed.port !== written.port) return false;
  if (written.address !== undefined) return parsed.address === written.address;
  return isIPv6(parsed.address) && addressBytes(parsed.address).equals(written.bytes as Buffer);
}

test('a valid header parses whole, with the client it was written with, whatever follows it', (t) => {
  fc.assert(
    fc.property(validHeader, trailing, ({ bytes, client }, after) => {
      const result = parseProxyHeader(Buffer.concat([bytes, after]));
      return result.state === 'complete' && result.length === bytes.length && sameClient(result.source, client);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('an IPv6 client has one text, whichever version named it and however it was written', (t) => {
  fc.assert(
    fc.property(ipv6Text, port, (address, p) => {
      const one = parseProxyHeader(v1(address, p, '::1', 1));
      const two = parseProxyHeader(v2(addressBytes(address), p, Buffer.alloc(16), 1));
      return one.state === 'complete' && two.state === 'complete' && one.source?.address === two.source?.address && one.source?.address === one.source?.address.toLowerCase();
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('every proper prefix of a valid header is incomplete: never refused, never taken for a whole one', (t) => {
  fc.assert(
    fc.property(validHeader, fc.nat(), ({ bytes }, cut) => parseProxyHeader(bytes.subarray(0, cut % bytes.length)).state === 'incomplete'),
    { numRuns: 2000 },
  );
  t.pass();
});

test('any bytes: no throw, a whole header within the protocol bounds, and more bytes never undo an answer', (t) => {
  fc.assert(
    fc.property(fc.oneof(randomBytes, mutatedHeader, randomAfterSignature), trailing, (bytes, more) => {
      const first = parseProxyHeader(bytes);
      const later = parseProxyHeader(Buffer.concat([bytes, more]));
      if (first.state === 'complete') {
        const bound = bytes[0] === 0x50 ? PROXY_V1_MAX : PROXY_V2_MAX;
        return first.length <= bytes.length && first.length <= bound && later.state === 'complete' && later.length === first.length && sameClient(later.source, first.source);
      }
      if (first.state === 'refused') return later.state === 'refused' && later.problem === first.problem;
      return bytes.length < PROXY_V2_MAX;
    }),
    { numRuns: 5000 },
  );
  t.pass();
});

/** What the server must do with one connection's bytes, by the parser's own answer. */
type Expected = { accepted: true; address: string; port: number; after: Buffer } | { accepted: false };

test('fuzzed over real connections: each one is accepted with the parsed client and the bytes after the header, or closed and counted; the server keeps accepting', async (t) => {
  t.timeout(240_000);
  const uncaught = watchUncaught(t);
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, { proxyProtocol: { trusted: ['127.0.0.1'], headerTimeout: 2000 } });
  t.teardown(() => closeSocket(server));
  const serverPort = socketInfo(server, SKT$INFO_PORT);
  let refusedExpected = 0;
  let acceptedCount = 0;
  const cases = fc.oneof(
    ...openings,
    // Cut short: the connection half-closes before its header is whole.
    fc.tuple(validHeader, fc.nat()).map(([{ bytes }, cut]) => bytes.subarray(0, cut % bytes.length)),
  );
  await fc.assert(
    fc.asyncProperty(cases, fc.integer({ min: 1, max: 4 }), async (bytes, pieces) => {
      const parsed = parseProxyHeader(bytes);
      const expected: Expected =
        parsed.state === 'complete'
          ? {
              accepted: true,
              address: parsed.source?.address ?? '127.0.0.1',
              port: parsed.source?.port ?? -1,
              after: bytes.subarray(parsed.length),
            }
          : { accepted: false };
      const socket = connect({ host: '127.0.0.1', port: serverPort, noDelay: true, allowHalfOpen: true });
      socket.on('error', () => undefined); // a refused connection may be reset
      // Not events.once: it would reject on the 'error' of a connection the server resets.
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.resume();
      await once(socket, 'connect');
      const step = Math.max(1, Math.ceil(bytes.length / pieces));
      for (let at = 0; at < bytes.length; at += step) {
        socket.write(bytes.subarray(at, at + step));
        await new Promise((resolve) => setImmediate(resolve));
      }
      socket.end();
      if (!expected.accepted) {
        // A header cut short by the half-close is a peer that left: closed, not counted.
        if (parsed.state === 'refused') refusedExpected++;
        await withLimit(closed, 10_000, 'a refused connection was never closed');
        return socketInfo(server, SKT$INFO_QUEUED) === 0;
      }
      const skt = await acceptSocket(server, 10_000);
      acceptedCount++;
      try {
        if (socketInfo(skt, SKT$INFO_IP_ADDR) !== expected.address) return false;
        if (expected.port >= 0 && socketInfo(skt, SKT$INFO_PORT) !== expected.port) return false;
        let got = '';
        for (;;) {
          try {
            got += await readSocket(skt, 4096, SKT$BLOCKING, 10_000);
          } catch (err) {
            if (err instanceof SocketError && err.code === 'ER$SKT_CLOSED') break;
            throw err;
          }
        }
        return got === expected.after.toString('latin1');
      } finally {
        await closeSocket(skt);
        await withLimit(closed, 10_000, 'an accepted connection did not end');
      }
    }),
    { numRuns: 500 },
  );
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_PROXY_REFUSED) === refusedExpected, 10_000), `refused ${socketInfo(server, SKT$INFO_PROXY_REFUSED)}, expected ${refusedExpected}`);
  t.log(`${acceptedCount} accepted, ${refusedExpected} refused, the rest cut short`);
  t.true(acceptedCount > 20 && refusedExpected > 20, 'both outcomes were exercised');
  t.deepEqual(uncaught.errors, []);
});

test('fuzzed over real connections to a secure server socket: refused headers are counted as refusals, the rest go to a handshake that fails on the bytes after them, and nothing is accepted or thrown', async (t) => {
  t.timeout(240_000);
  const uncaught = watchUncaught(t);
  const server = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext({ handshakeTimeout: 3000 }), {
    proxyProtocol: { trusted: ['127.0.0.1'], headerTimeout: 2000 },
  });
  t.teardown(() => closeSocket(server));
  const serverPort = socketInfo(server, SKT$INFO_PORT);
  // The handshake limits per client would drop some of the many connections one client makes.
  setSocketMode(server, SKT$INFO_PEER_HANDSHAKES, 0);
  setSocketMode(server, SKT$INFO_PEER_HANDSHAKE_RATE, 0);
  let refused = 0;
  let handshakes = 0;
  const cases = fc.oneof(...openings);
  await fc.assert(
    fc.asyncProperty(cases, async (bytes) => {
      const state = parseProxyHeader(bytes).state;
      if (state === 'complete') handshakes++;
      // A header cut short by the half-close is a peer that left: closed, not counted.
      else if (state === 'refused') refused++;
      const socket = connect({ host: '127.0.0.1', port: serverPort, allowHalfOpen: true });
      socket.on('error', () => undefined); // a refused connection may be reset
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.resume();
      await once(socket, 'connect');
      socket.end(bytes);
      await withLimit(closed, 10_000, 'a connection was never closed');
      return socketInfo(server, SKT$INFO_QUEUED) === 0;
    }),
    { numRuns: 200 },
  );
  const failed = (): number => socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES) + socketInfo(server, SKT$INFO_TLS_HANDSHAKE_TIMEOUTS);
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_PROXY_REFUSED) === refused && failed() === handshakes, 10_000), `refused ${socketInfo(server, SKT$INFO_PROXY_REFUSED)} of ${refused}, failed handshakes ${failed()} of ${handshakes}`);
  t.log(`${handshakes} handshakes, ${refused} refused`);
  t.true(handshakes > 10 && refused > 10, 'both outcomes were exercised');
  await t.throwsAsync(() => acceptSecureSocket(server, 100), { instanceOf: SocketError });
  t.deepEqual(uncaught.errors, []);
});
