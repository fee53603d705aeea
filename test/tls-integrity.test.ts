// Integrity over TLS: 64 MiB of random bytes each way at the same time, read with random maxLen.
import { createHash, randomBytes } from 'node:crypto';
import test from 'ava';
import {
  acceptSecureSocket,
  closeSocket,
  createDevelopmentCertificates,
  createSecureServerSocket,
  createTlsContext,
  ER$SKT_CLOSED,
  openSecureSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  SKT$INFO_TLS_PROTOCOL,
  socketInfo,
  writeSecureSocket,
  type SecureSocket,
} from '../lib/index.js';
import { expectSocketError, withLimit } from './helpers/assertions.js';

const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1'] });
const TOTAL = 64 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const MAX_READ = 256 * 1024;
/** Each blocking call may take this long; the whole exchange is bounded separately. */
const STEP_TIMEOUT = 30_000;

/** A small seeded PRNG (mulberry32), so a failing run's read sizes can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Sends `TOTAL` random bytes in 1 MiB blocking writes; resolves with their SHA-256. */
async function send(skt: SecureSocket): Promise<string> {
  const hash = createHash('sha256');
  for (let sent = 0; sent < TOTAL; sent += CHUNK) {
    const chunk = randomBytes(CHUNK);
    hash.update(chunk);
    const written = await writeSecureSocket(skt, chunk, SKT$BLOCKING, STEP_TIMEOUT);
    if (written !== CHUNK) throw new Error(`write returned ${written}, not ${CHUNK}`);
  }
  return hash.digest('hex');
}

/** Receives `TOTAL` bytes with reads of random maxLen (1 to 256 KiB); resolves with their SHA-256 and the read count. */
async function receive(skt: SecureSocket, random: () => number): Promise<{ digest: string; reads: number; oversized: number }> {
  const hash = createHash('sha256');
  let received = 0;
  let reads = 0;
  let oversized = 0;
  // Bounded: every read returns at least one byte or throws.
  while (received < TOTAL) {
    const maxLen = 1 + Math.floor(random() * MAX_READ);
    const chunk = await readSocketBuffer(skt, maxLen, SKT$BLOCKING, STEP_TIMEOUT);
    if (chunk.length < 1 || chunk.length > maxLen) oversized++;
    hash.update(chunk);
    received += chunk.length;
    reads++;
  }
  if (received !== TOTAL) throw new Error(`received ${received} bytes, not ${TOTAL}`);
  return { digest: hash.digest('hex'), reads, oversized };
}

test('64 MiB of random bytes each way at once over TLS, random maxLen reads: SHA-256 equal on both sides', async (t) => {
  t.timeout(90_000);
  const context = createTlsContext({ cert: dev.server.cert, key: dev.server.key });
  const server = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, context);
  t.teardown(() => closeSocket(server));
  const client = await openSecureSocket('localhost', socketInfo(server, SKT$INFO_PORT), SKT$BLOCKING, createTlsContext({ ca: dev.ca.cert }));
  t.teardown(() => closeSocket(client));
  const accepted = await acceptSecureSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));
  t.is(socketInfo(client, SKT$INFO_TLS_PROTOCOL), socketInfo(accepted, SKT$INFO_TLS_PROTOCOL));

  const seed = randomBytes(4).readUInt32BE(0);
  t.log(`read sizes seed: ${seed}`);
  const started = performance.now();
  const [upSent, downSent, upReceived, downReceived] = await withLimit(
    Promise.all([send(client), send(accepted), receive(accepted, prng(seed)), receive(client, prng(seed ^ 0x5eed))]),
    60_000,
    '64 MiB each way',
  );
  const seconds = (performance.now() - started) / 1000;
  t.log(`${seconds.toFixed(1)} s; ${upReceived.reads} reads up, ${downReceived.reads} reads down`);

  t.is(upReceived.digest, upSent, 'client -> server');
  t.is(downReceived.digest, downSent, 'server -> client');
  t.is(upReceived.oversized + downReceived.oversized, 0, 'no read returned more than maxLen');
  // Random sizes averaging 128 KiB: far more reads than 1 MiB writes, so reads split writes.
  t.true(upReceived.reads > TOTAL / CHUNK && downReceived.reads > TOTAL / CHUNK);

  // Nothing more than was sent: after the close, the other side reads ER$SKT_CLOSED.
  await closeSocket(client);
  await expectSocketError(t, () => readSocketBuffer(accepted, MAX_READ, SKT$BLOCKING, 5000), ER$SKT_CLOSED);
});
