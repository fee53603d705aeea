import { randomBytes, X509Certificate } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { connect as netConnect, createServer as netCreateServer, type Socket as NetSocket } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSecureSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  ER$CONNECT,
  ER$FAILED,
  ER$SKT_CLOSED,
  openSecureSocket,
  openSocket,
  readSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV4,
  SKT$INFO_FAMILY_IPV6,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_OPEN,
  SKT$INFO_PORT,
  SKT$INFO_TLS_ALPN,
  SKT$INFO_TLS_CIPHER,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_HANDSHAKING,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_PEER_SUBJECT,
  SKT$INFO_TLS_PROTOCOL,
  SKT$INFO_TLS_RESUMED,
  SKT$INFO_TLS_SNI,
  SocketError,
  socketInfo,
  startTls,
  issueCertificate,
  writeSecureSocket,
  writeSocket,
  type SecureSocket,
  type Socket,
} from '../lib/index.js';
import { expectSocketError, withLimit } from './helpers/assertions.js';
import { readExactly, sha256 } from './helpers/raw-peer.js';
import { connectedPair } from './helpers/sockets.js';
import { clientContext, devCertificates, renewedCertificate, secureAccept, secureConnect, secureListen, securePair, serverContext } from './helpers/tls.js';

const MiB = 1024 * 1024;

/**
 * Sends `size` random bytes each way between `a` and `b` at the same time (writes and reads run
 * concurrently, so neither side blocks the other) and checks both arrive intact by SHA-256.
 */
async function exchange(t: ExecutionContext, a: Socket, b: Socket, size: number, what: string): Promise<void> {
  const toB = randomBytes(size);
  const toA = randomBytes(size);
  const [wroteA, wroteB, atB, atA] = await Promise.all([
    writeSocket(a, toB, SKT$BLOCKING, 20_000),
    writeSocket(b, toA, SKT$BLOCKING, 20_000),
    readExactly(b, size, 20_000),
    readExactly(a, size, 20_000),
  ]);
  t.is(wroteA, size, `${what}: bytes written one way`);
  t.is(wroteB, size, `${what}: bytes written the other way`);
  t.is(sha256(atB), sha256(toB), `${what}: one way`);
  t.is(sha256(atA), sha256(toA), `${what}: the other way`);
}

/** The SHA-256 fingerprint of a PEM certificate, as CertificateDescription.fingerprint256 has it. */
function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

// ---------------------------------------------------------------------------------------------
// The original bug: closing the server socket must not break the connections it accepted
// ---------------------------------------------------------------------------------------------

test('closing a secure server socket leaves its 3 accepted clients fully usable (1 MiB each way), and a new server socket with the same context on the same port resumes their session', async (t) => {
  t.timeout(30_000);
  const context = serverContext();
  const clients = clientContext();
  const { server, port } = await secureListen(t, context);
  const pairs: { client: SecureSocket; accepted: SecureSocket }[] = [];
  for (let i = 0; i < 3; i++) pairs.push(await securePair(t, server, port, clients));
  // A fresh client context has no session to offer: the first handshake is a full one.
  t.false(socketInfo(pairs[0]!.client, SKT$INFO_TLS_RESUMED));
  t.false(socketInfo(pairs[0]!.accepted, SKT$INFO_TLS_RESUMED));

  // What ScarletDME's first secure sockets did wrong: this close freed the SSL context.
  await closeSocket(server);
  t.false(socketInfo(server, SKT$INFO_OPEN));
  // It really stopped listening.
  await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, clientContext()), ER$CONNECT, 'ECONNREFUSED');

  for (const { client, accepted } of pairs) {
    t.true(socketInfo(client, SKT$INFO_OPEN));
    t.true(socketInfo(accepted, SKT$INFO_OPEN));
  }
  // Each client exchanges 1 MiB both ways with its accepted socket, all three at once. This
  // also reads the TLS 1.3 session tickets, which the server sends after the handshake.
  await Promise.all(pairs.map(({ client, accepted }, i) => exchange(t, client, accepted, MiB, `pair ${i}`)));

  // A new server socket with the same context, on the same port, while the old connections live.
  const again = await createSecureServerSocket('127.0.0.1', port, SKT$BLOCKING, context);
  t.teardown(() => closeSocket(again));
  t.is(socketInfo(again, SKT$INFO_PORT), port);

  // A client of the old server socket (same client context) resumes its session on the new one:
  // the context's ticket keys, not the server socket, decide.
  const resumed = await securePair(t, again, port, clients);
  t.true(socketInfo(resumed.client, SKT$INFO_TLS_RESUMED), 'client side resumed');
  t.true(socketInfo(resumed.accepted, SKT$INFO_TLS_RESUMED), 'server side resumed');
  await exchange(t, resumed.client, resumed.accepted, 64 * 1024, 'resumed pair');

  // And it accepts new clients too (a fresh context: a full handshake).
  const fresh = await securePair(t, again, port, clientContext());
  t.false(socketInfo(fresh.client, SKT$INFO_TLS_RESUMED));
  await exchange(t, fresh.client, fresh.accepted, 64 * 1024, 'new client');

  // The old connections still go on with the new server socket in place.
  await Promise.all(pairs.map(({ client, accepted }, i) => exchange(t, client, accepted, 64 * 1024, `old pair ${i} again`)));
  t.is(socketInfo(again, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0);
});

// ---------------------------------------------------------------------------------------------
// One context, several server sockets at once
// ---------------------------------------------------------------------------------------------

test('two secure server sockets (127.0.0.1 and ::1) share one context at the same time', async (t) => {
  t.timeout(30_000);
  const context = serverContext();
  const v4 = await secureListen(t, context, '127.0.0.1');
  const v6 = await secureListen(t, context, '::1');
  t.is(socketInfo(v4.server, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV4);
  t.is(socketInfo(v6.server, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV6);
  const fingerprint = context.describe()?.fingerprint256;
  t.is(fingerprint, fingerprintOf(devCertificates().server.cert));

  // Three clients of each, connected interleaved, all open together; the certificate covers both
  // addresses, so the client verifies the IP address itself. Each client has its own context,
  // so every handshake is a full one that presents the shared context's certificate.
  const pairs: { client: SecureSocket; accepted: SecureSocket; family: 1 | 2; addr: string }[] = [];
  for (let i = 0; i < 3; i++) {
    pairs.push({ ...(await securePair(t, v4.server, v4.port, clientContext(), '127.0.0.1')), family: SKT$INFO_FAMILY_IPV4, addr: '127.0.0.1' });
    pairs.push({ ...(await securePair(t, v6.server, v6.port, clientContext(), '::1')), family: SKT$INFO_FAMILY_IPV6, addr: '::1' });
  }
  for (const { client, accepted, family, addr } of pairs) {
    t.is(socketInfo(accepted, SKT$INFO_FAMILY), family);
    t.is(socketInfo(accepted, SKT$INFO_LOCAL_ADDR), addr);
    t.is(socketInfo(client, SKT$INFO_TLS_PROTOCOL), 'TLSv1.3');
    t.is(socketInfo(accepted, SKT$INFO_TLS_PROTOCOL), 'TLSv1.3');
    t.is(socketInfo(client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, fingerprint);
  }
  await Promise.all(pairs.map(({ client, accepted, addr }, i) => exchange(t, client, accepted, 256 * 1024, `${addr} pair ${i}`)));
  for (const { server } of [v4, v6]) {
    t.true(socketInfo(server, SKT$INFO_OPEN));
    t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0);
  }
});

// ---------------------------------------------------------------------------------------------
// Reload under traffic
// ---------------------------------------------------------------------------------------------

/** Counts the round trips of each client and lets the test wait for a number of them. */
class Progress extends EventEmitter {
  readonly rounds: number[];
  constructor(clients: number) {
    super();
    this.rounds = new Array<number>(clients).fill(0);
  }
  tick(i: number): void {
    this.rounds[i] = (this.rounds[i] ?? 0) + 1;
    this.emit('round');
  }
  /** Resolves once every client i has done at least `targets[i]` rounds (or a loop ended); bounded. */
  async until(targets: readonly number[], ended: () => boolean, limitMs: number): Promise<void> {
    const done = (): boolean => ended() || this.rounds.every((n, i) => n >= (targets[i] ?? 0));
    const deadline = performance.now() + limitMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`rounds ${this.rounds.join(',')} short of ${targets.join(',')} within ${limitMs} ms`);
      await withLimit(once(this, 'round'), left, 'no round trip').catch(() => undefined);
    }
  }
}

/** Echoes everything back until the peer closes; any other end is an error. */
async function echo(skt: SecureSocket): Promise<number> {
  let bytes = 0;
  try {
    // Bounded: far more reads than the clients' bounded rounds need.
    for (let reads = 0; reads < 1_000_000; reads++) {
      const data = await readSecureSocket(skt, 65_536, SKT$BLOCKING, 20_000);
      bytes += await writeSecureSocket(skt, data, SKT$BLOCKING, 20_000);
    }
  } catch (err) {
    if (!(err instanceof SocketError && err.code === 'ER$SKT_CLOSED')) throw err;
  } finally {
    await closeSocket(skt);
  }
  return bytes;
}

const RELOAD_CLIENTS = 20;
const ROUND_BYTES = 8 * 1024;
const MAX_ROUNDS = 2000;

test('reload under traffic: 20 clients keep exchanging data without an error while the certificate is renewed; new handshakes present the new one', async (t) => {
  t.timeout(60_000);
  const context = serverContext();
  const oldFingerprint = fingerprintOf(devCertificates().server.cert);
  const renewed = renewedCertificate();
  const newFingerprint = fingerprintOf(renewed.cert);
  t.not(newFingerprint, oldFingerprint);
  const { server, port } = await secureListen(t, context);

  // The server: every accepted connection gets its own echo loop.
  const echoes: Promise<number>[] = [];
  const accepting = (async () => {
    for (let i = 0; i < RELOAD_CLIENTS; i++) echoes.push(echo(await acceptSecureSocket(server, 20_000)));
  })();
  // One client context each: full handshakes, so each connection reports the certificate it saw.
  const sockets = await Promise.all(Array.from({ length: RELOAD_CLIENTS }, () => secureConnect(t, port, clientContext())));
  await withLimit(accepting, 20_000, 'the 20 clients were not all accepted');
  for (const skt of sockets) t.is(socketInfo(skt, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, oldFingerprint);

  // Each client: write a random block, read it back, compare; bounded by MAX_ROUNDS and `stop`.
  const progress = new Progress(RELOAD_CLIENTS);
  const errors: unknown[] = [];
  let corrupt = 0;
  let stop = false;
  const deadline = performance.now() + 40_000;
  const loops = sockets.map(async (skt, i) => {
    try {
      while (!stop && progress.rounds[i]! < MAX_ROUNDS && performance.now() < deadline) {
        const block = randomBytes(ROUND_BYTES);
        const [, back] = await Promise.all([writeSecureSocket(skt, block, SKT$BLOCKING, 10_000), readExactly(skt, ROUND_BYTES, 10_000)]);
        if (!back.equals(block)) corrupt++;
        progress.tick(i);
      }
    } catch (err) {
      errors.push(err);
    }
  });
  const anyEnded = (): boolean => errors.length > 0;

  // Traffic flows on every connection, then the certificate is renewed in the middle of it.
  await progress.until(new Array<number>(RELOAD_CLIENTS).fill(5), anyEnded, 20_000);
  const atReload = [...progress.rounds];
  context.reload({ cert: renewed.cert, key: renewed.key });
  t.is(context.describe()?.fingerprint256, newFingerprint);

  // New handshakes (fresh client contexts, so full handshakes, not resumptions of an old session)
  // present the new certificate, while the old connections keep going.
  for (let i = 0; i < 3; i++) {
    const { client, accepted } = await securePair(t, server, port, clientContext());
    t.false(socketInfo(client, SKT$INFO_TLS_RESUMED));
    t.is(socketInfo(client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, newFingerprint, 'a new handshake shows the new certificate');
    await exchange(t, client, accepted, 16 * 1024, `new client ${i}`);
  }

  // Every old connection goes on: at least 5 more round trips each after the reload.
  await progress.until(atReload.map((n) => n + 5), anyEnded, 20_000);
  stop = true;
  await withLimit(Promise.all(loops), 20_000, 'the client loops did not end');
  await Promise.all(sockets.map((skt) => closeSecureSocket(skt)));
  const echoed = await withLimit(Promise.all(echoes), 20_000, 'the echo loops did not end');

  t.deepEqual(errors, [], 'no client saw an error');
  t.is(corrupt, 0, 'round trips that came back different');
  progress.rounds.forEach((n, i) => t.true(n >= atReload[i]! + 5, `client ${i}: ${atReload[i]} rounds before the reload, ${n} in all`));
  echoed.forEach((bytes, i) => t.true(bytes > 0, `echo ${i}`));
  // The old connections were made before the reload: their peer certificate is the old one.
  for (const skt of sockets) t.is(socketInfo(skt, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, oldFingerprint);
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0);
  t.log(`rounds per client before the reload: ${Math.min(...atReload)}..${Math.max(...atReload)}; in all: ${Math.min(...progress.rounds)}..${Math.max(...progress.rounds)}`);
});

// ---------------------------------------------------------------------------------------------
// socketInfo TLS keys
// ---------------------------------------------------------------------------------------------

test('socketInfo tells the TLS facts on both sides: protocol, cipher, SNI, ALPN, peer certificate, resumption', async (t) => {
  const context = serverContext({ ALPNProtocols: ['http/1.1'] });
  const { server, port } = await secureListen(t, context);
  const { client, accepted } = await securePair(t, server, port, clientContext({ ALPNProtocols: ['http/1.1'] }));

  for (const skt of [client, accepted]) {
    t.is(socketInfo(skt, SKT$INFO_TLS_PROTOCOL), 'TLSv1.3');
    t.is(socketInfo(skt, SKT$INFO_TLS_ALPN), 'http/1.1');
    t.false(socketInfo(skt, SKT$INFO_TLS_RESUMED));
  }
  const cipher = socketInfo(client, SKT$INFO_TLS_CIPHER);
  t.regex(cipher, /^TLS_\w+$/);
  t.is(socketInfo(accepted, SKT$INFO_TLS_CIPHER), cipher);
  // The name the client asked for, as the accepted side got it; and as the client sent it.
  t.is(socketInfo(accepted, SKT$INFO_TLS_SNI), 'localhost');
  t.is(socketInfo(client, SKT$INFO_TLS_SNI), 'localhost');
  // The client sees the server's certificate; the server saw no client certificate.
  const peer = socketInfo(client, SKT$INFO_TLS_PEER_CERT);
  t.is(peer?.fingerprint256, context.describe()?.fingerprint256);
  t.is(peer?.subject, 'CN=localhost');
  t.is(socketInfo(client, SKT$INFO_TLS_PEER_SUBJECT), 'CN=localhost');
  t.is(socketInfo(accepted, SKT$INFO_TLS_PEER_CERT), undefined);
  t.is(socketInfo(accepted, SKT$INFO_TLS_PEER_SUBJECT), '');
  // The server socket's counters.
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0);
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_TIMEOUTS), 0);
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKING), 0);
});

test('a resumed connection still tells the server certificate it was verified with (SKT$INFO_TLS_PEER_CERT, _PEER_SUBJECT)', async (t) => {
  const context = serverContext();
  const { server, port } = await secureListen(t, context);
  const clients = clientContext();
  const first = await securePair(t, server, port, clients);
  // Reading after the handshake receives the TLS 1.3 session tickets.
  await exchange(t, first.client, first.accepted, 1024, 'first connection');
  const second = await securePair(t, server, port, clients);
  t.true(socketInfo(second.client, SKT$INFO_TLS_RESUMED), 'the second connection resumed');
  // The session was authenticated by this certificate in the first handshake; resuming it does
  // not make the server anonymous.
  t.is(socketInfo(second.client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, context.describe()?.fingerprint256);
  t.is(socketInfo(second.client, SKT$INFO_TLS_PEER_SUBJECT), 'CN=localhost');
});

test('socketInfo: no ALPN when the client offers none, no SNI when the client connects by IP address', async (t) => {
  const { server, port } = await secureListen(t, serverContext({ ALPNProtocols: ['http/1.1'] }));
  const { client, accepted } = await securePair(t, server, port, clientContext(), '127.0.0.1');
  t.is(socketInfo(client, SKT$INFO_TLS_ALPN), '');
  t.is(socketInfo(accepted, SKT$INFO_TLS_ALPN), '');
  t.is(socketInfo(accepted, SKT$INFO_TLS_SNI), '');
  t.is(socketInfo(client, SKT$INFO_TLS_PROTOCOL), 'TLSv1.3');
});

// ---------------------------------------------------------------------------------------------
// OpenQM's fourth argument, and the secure functions' argument check
// ---------------------------------------------------------------------------------------------

test('createServerSocket and openSocket with a TlsContext as fourth argument make secure sockets', async (t) => {
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext());
  t.teardown(() => closeSocket(server));
  t.true(server.secure);
  const port = socketInfo(server, SKT$INFO_PORT);

  const client = await openSocket('localhost', port, SKT$BLOCKING, clientContext());
  t.teardown(() => closeSocket(client));
  t.true(client.secure);
  const accepted = await acceptSecureSocket(server, 10_000);
  t.teardown(() => closeSocket(accepted));
  t.true(accepted.secure);
  t.is(socketInfo(client, SKT$INFO_TLS_PROTOCOL), 'TLSv1.3');
  t.is(socketInfo(accepted, SKT$INFO_TLS_SNI), 'localhost');
  await exchange(t, client, accepted, 64 * 1024, 'fourth-argument pair');

  // The plain accept takes the secure server socket and hands out secure sockets too.
  const second = await openSocket('localhost', port, SKT$BLOCKING, clientContext());
  t.teardown(() => closeSocket(second));
  const acceptedPlainly = await acceptSocket(server, 10_000);
  t.teardown(() => closeSocket(acceptedPlainly));
  t.true(acceptedPlainly.secure);
  await exchange(t, second, acceptedPlainly, 1024, 'accepted by acceptSocket');

  // Without a context they stay plain.
  const { client: plain, accepted: plainAccepted, server: plainServer } = await connectedPair(t);
  t.false(plainServer.secure);
  t.false(plain.secure);
  t.false(plainAccepted.secure);
});

test('the secure functions reject a plain socket at run time with a TypeError, and leave it usable', async (t) => {
  const { client, accepted } = await connectedPair(t);
  // The types forbid this; ported or untyped code can still do it.
  const plain = client as unknown as SecureSocket;
  await t.throwsAsync(() => readSecureSocket(plain, 10, SKT$BLOCKING, 1000), { instanceOf: TypeError });
  await t.throwsAsync(() => writeSecureSocket(plain, 'x', SKT$BLOCKING, 1000), { instanceOf: TypeError });
  await t.throwsAsync(() => closeSecureSocket(plain), { instanceOf: TypeError });
  t.true(socketInfo(client, SKT$INFO_OPEN));
  await exchange(t, client, accepted, 1024, 'plain pair after the refusals');
});

// ---------------------------------------------------------------------------------------------
// closeSecureSocket: close_notify, then FIN
// ---------------------------------------------------------------------------------------------

/** TLS record content types. */
const ALERT = 21;
const APPLICATION_DATA = 23;

/** The content types of the TLS records in `bytes`, and how many bytes were left over. */
function recordTypes(bytes: Buffer): { types: number[]; rest: number } {
  const types: number[] = [];
  let at = 0;
  while (at + 5 <= bytes.length) {
    const length = bytes.readUInt16BE(at + 3);
    if (at + 5 + length > bytes.length) break;
    types.push(bytes[at]!);
    at += 5 + length;
  }
  return { types, rest: bytes.length - at };
}

/**
 * A TCP relay on a free loopback port in front of `target`, recording the bytes of its one
 * connection each way and when each side ended (sent FIN); it can also slip bytes of its own
 * into either direction.
 */
async function recordingRelay(t: ExecutionContext, target: number) {
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const sockets: NetSocket[] = [];
  let clientEnded!: () => void;
  let serverEnded!: () => void;
  const clientEnd = new Promise<void>((resolve) => (clientEnded = resolve));
  const serverEnd = new Promise<void>((resolve) => (serverEnded = resolve));
  const relay = netCreateServer({ allowHalfOpen: true }, (down) => {
    const up = netConnect({ host: '127.0.0.1', port: target, allowHalfOpen: true });
    sockets.push(down, up);
    for (const s of [down, up]) s.on('error', () => undefined);
    down.on('data', (chunk: Buffer) => {
      toServer.push(chunk);
      up.write(chunk);
    });
    up.on('data', (chunk: Buffer) => {
      toClient.push(chunk);
      down.write(chunk);
    });
    down.on('end', () => {
      up.end();
      clientEnded();
    });
    up.on('end', () => {
      down.end();
      serverEnded();
    });
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  return {
    port: address.port,
    clientEnd,
    serverEnd,
    toServer: () => Buffer.concat(toServer),
    toClient: () => Buffer.concat(toClient),
    injectToServer: (bytes: Buffer) => sockets[1]?.write(bytes),
    injectToClient: (bytes: Buffer) => sockets[0]?.write(bytes),
  };
}

/** An application-data record that no key decrypts: what a forger or a corrupting path sends. */
const FORGED_RECORD = Buffer.concat([Buffer.from([APPLICATION_DATA, 0x03, 0x03, 0x00, 0x20]), randomBytes(32)]);

for (const side of ['accepted', 'opened'] as const) {
  test(`a forged record after the handshake fails the ${side} socket's read at once (ER$FAILED), after the bytes before it, and closes the connection`, async (t) => {
    const { server, port } = await secureListen(t, serverContext());
    const relay = await recordingRelay(t, port);
    const [client, accepted] = await Promise.all([secureConnect(t, relay.port, clientContext()), secureAccept(t, server)]);
    const [victim, peer] = side === 'accepted' ? [accepted, client] : [client, accepted];
    await writeSecureSocket(peer, 'genuine', SKT$BLOCKING, 5000);
    t.is((await readExactly(victim, 7, 5000)).toString('latin1'), 'genuine');
    if (side === 'accepted') relay.injectToServer(FORGED_RECORD);
    else relay.injectToClient(FORGED_RECORD);
    // A blocking read without a timeout. Node used to keep an accepted socket's TLS error to
    // itself: the read then only ended when the peer hung up (ER$SKT_CLOSED), or never.
    const err = await expectSocketError(t, () => withLimit(readSecureSocket(victim, 100, SKT$BLOCKING, 0), 5000, 'the read hung'), ER$FAILED);
    t.regex(err?.message ?? '', /bad record mac|decrypt/i);
    // The failed end hung up: its peer sees the connection end.
    const ended = await expectSocketErrorOf(() => withLimit(readSecureSocket(peer, 100, SKT$BLOCKING, 0), 5000, 'the peer was left hanging'));
    t.true(ended === ER$SKT_CLOSED || ended === ER$FAILED, `the peer's read ended with status ${ended}`);
  });
}

test('a gathered write over TLS goes out as one record, where the same pieces written one by one make a record each', async (t) => {
  // TLS 1.2: no session tickets follow the handshake, so every application-data record the
  // relay sees from the server is one of these writes.
  const { server, port } = await secureListen(t, serverContext({ maxVersion: 'TLSv1.2' }));
  const relay = await recordingRelay(t, port);
  const [client, accepted] = await Promise.all([secureConnect(t, relay.port, clientContext()), secureAccept(t, server)]);
  const head = 'HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n';
  const body = randomBytes(4000);
  const whole = Buffer.concat([Buffer.from(head, 'latin1'), body]);
  const dataRecords = (): number => recordTypes(relay.toClient()).types.filter((type) => type === APPLICATION_DATA).length;
  t.is(dataRecords(), 0);

  t.is(await writeSecureSocket(accepted, [head, body], SKT$BLOCKING, 5000), whole.length);
  t.true((await readExactly(client, whole.length, 5000)).equals(whole));
  t.is(dataRecords(), 1, 'the head and the body share one record');

  await writeSecureSocket(accepted, head, SKT$BLOCKING, 5000);
  await writeSecureSocket(accepted, body, SKT$BLOCKING, 5000);
  t.true((await readExactly(client, whole.length, 5000)).equals(whole));
  t.is(dataRecords(), 3, 'written one by one, they take a record each');
});

/** The status of the SocketError `run` rejects with. */
async function expectSocketErrorOf(run: () => Promise<unknown>): Promise<number> {
  try {
    await run();
  } catch (err) {
    if (err instanceof SocketError) return err.status;
    throw err;
  }
  throw new Error('expected a SocketError, but the call succeeded');
}

test('closeSecureSocket sends close_notify before FIN: the peer reads the last bytes, then ER$SKT_CLOSED', async (t) => {
  // TLS 1.2 here, where an alert travels in a record of type alert (TLS 1.3 hides it inside
  // application data), so the relay can see the close_notify.
  const { server, port } = await secureListen(t, serverContext({ maxVersion: 'TLSv1.2' }));
  const relay = await recordingRelay(t, port);
  const [client, accepted] = await Promise.all([
    secureConnect(t, relay.port, clientContext()),
    secureAccept(t, server),
  ]);
  t.is(socketInfo(client, SKT$INFO_TLS_PROTOCOL), 'TLSv1.2');

  // The client's last words, then its close at once: the bytes arrive first, then the close.
  await writeSecureSocket(client, 'last words', SKT$BLOCKING, 5000);
  await closeSecureSocket(client);
  t.false(socketInfo(client, SKT$INFO_OPEN));
  t.is((await readExactly(accepted, 10, 5000)).toString('latin1'), 'last words');
  await expectSocketError(t, () => readSecureSocket(accepted, 100, SKT$BLOCKING, 5000), ER$SKT_CLOSED);
  await withLimit(relay.clientEnd, 5000, 'the client sent no FIN');
  const fromClient = recordTypes(relay.toServer());
  t.is(fromClient.rest, 0, 'the client stream ends on a record boundary');
  t.deepEqual(fromClient.types.slice(-2), [APPLICATION_DATA, ALERT], 'the client sent its data, then an alert (close_notify), then FIN');

  // The other way round: the accepted side closes, and its close_notify comes last too.
  await closeSecureSocket(accepted);
  await withLimit(relay.serverEnd, 5000, 'the server sent no FIN');
  const fromServer = recordTypes(relay.toClient());
  t.is(fromServer.rest, 0);
  t.is(fromServer.types.at(-1), ALERT, 'the accepted side sent close_notify before FIN');
});

test('over TLS 1.3 too, the peer of a closeSecureSocket reads the bytes sent before it, then ER$SKT_CLOSED (not ER$FAILED)', async (t) => {
  const { server, port } = await secureListen(t, serverContext());
  const { client, accepted } = await securePair(t, server, port, clientContext());
  await writeSecureSocket(accepted, 'bye', SKT$BLOCKING, 5000);
  await closeSecureSocket(accepted);
  t.is((await readExactly(client, 3, 5000)).toString('latin1'), 'bye');
  await expectSocketError(t, () => readSecureSocket(client, 100, SKT$BLOCKING, 5000), ER$SKT_CLOSED);
  // Closing twice is a no-op.
  await t.notThrowsAsync(() => closeSecureSocket(accepted));
});

test('SNI: a client asking for a name the context has a certificate for gets that one; other names get the default', async (t) => {
  const blog = issueCertificate(devCertificates().ca, { hosts: ['blog.test'] });
  const context = serverContext({ sni: { 'blog.test': blog } });
  const trusting = clientContext();
  // startTls lets the client name a server (SNI and verification) other than the address it
  // connected to, without a DNS entry for blog.test.
  async function handshakeAs(servername: string): Promise<string | undefined> {
    const { client, accepted } = await connectedPair(t);
    const [secureClient, secureAccepted] = await Promise.all([
      startTls(client, trusting, { servername }),
      startTls(accepted, context),
    ]);
    t.teardown(() => closeSocket(secureClient));
    t.teardown(() => closeSocket(secureAccepted));
    t.is(socketInfo(secureAccepted, SKT$INFO_TLS_SNI), servername);
    return socketInfo(secureClient, SKT$INFO_TLS_PEER_CERT)?.fingerprint256;
  }
  t.is(await handshakeAs('blog.test'), new X509Certificate(blog.cert).fingerprint256);
  t.is(await handshakeAs('localhost'), context.describe()?.fingerprint256);
});
