// Trust kept across reconnects and reloads: sessions resume with client certificates, only while
// the trust settings they were verified with are in force, on both sides; a client never keeps
// offering a session a server refused; a context that requires client certificates names the
// CAs that issue them.
import { once } from 'node:events';
import { createServer as netCreateServer, type Socket as NetSocket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  closeSocket,
  createCertificateAuthority,
  createTlsContext,
  ER$TIMEOUT,
  ER$TLS_HANDSHAKE,
  ER$TLS_NO_CA,
  ER$TLS_UNTRUSTED,
  issueCertificate,
  openSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_PEER_SUBJECT,
  SKT$INFO_TLS_RESUMED,
  socketInfo,
  writeSecureSocket,
  type CertificateAndKey,
  type SecureServerSocket,
  type SecureSocket,
  type TlsContext,
  type TlsContextOptions,
} from '../lib/index.js';
import { expectSocketError, waitFor } from './helpers/assertions.js';
import { readExactly } from './helpers/raw-peer.js';
import { devCertificates, secureListen } from './helpers/tls.js';

const dev = devCertificates();
const otherCa = createCertificateAuthority('Some other CA');
const alice = issueCertificate(dev.ca, { client: true, commonName: 'alice' });
const VERSIONS = ['TLSv1.3', 'TLSv1.2'] as const;

/** Server options that require a client certificate issued by `ca` (the development CA by default). */
function mutualOptions(ca: CertificateAndKey = dev.ca): TlsContextOptions {
  return { cert: dev.server.cert, key: dev.server.key, ca: ca.cert, requestCert: true, handshakeTimeout: 5000 };
}

/** A client context with alice's certificate that trusts the development CA, at most `maxVersion`. */
function aliceContext(maxVersion: 'TLSv1.2' | 'TLSv1.3'): TlsContext {
  return createTlsContext({ ca: dev.ca.cert, cert: alice.cert, key: alice.key, maxVersion });
}

/**
 * Connects `client` to the library's server, accepts it, and has the server send a few bytes
 * that the client reads: the tickets the server sends after the handshake come before them, so
 * once they are read the client context has saved its session. Both ends are closed after.
 */
async function roundTrip(server: SecureServerSocket, port: number, client: TlsContext): Promise<{ resumed: boolean; peer: string }> {
  const [skt, accepted] = await Promise.all([openSecureSocket('localhost', port, SKT$BLOCKING, client), acceptSecureSocket(server, 10_000)]);
  try {
    await writeSecureSocket(accepted, 'OK', SKT$BLOCKING, 5000);
    await readExactly(skt, 2, 5000);
    return { resumed: socketInfo(skt, SKT$INFO_TLS_RESUMED), peer: socketInfo(accepted, SKT$INFO_TLS_PEER_SUBJECT) };
  } finally {
    await closeSocket(skt);
    await closeSocket(accepted);
  }
}

/**
 * A client that the server refuses: the refusal is counted and nothing reaches accept. Under
 * TLS 1.3 the client finishes before the server has checked its certificate, so the refusal
 * may reach it after openSecureSocket resolved: then its first read fails.
 */
async function assertRefused(t: ExecutionContext, server: SecureServerSocket, port: number, client: TlsContext): Promise<void> {
  const before = socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES);
  let skt: SecureSocket | undefined;
  try {
    skt = await openSecureSocket('localhost', port, SKT$BLOCKING, client);
  } catch (err) {
    t.is((err as { status?: number }).status, ER$TLS_HANDSHAKE, String(err));
  }
  if (skt !== undefined) {
    const refused = skt;
    t.teardown(() => closeSocket(refused));
    await t.throwsAsync(readExactly(refused, 1, 5000), undefined, 'the refused client cannot read');
  }
  await expectSocketError(t, () => acceptSecureSocket(server, 300), ER$TIMEOUT);
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES) > before), 'the refusal is counted');
}

// ---- the server: a session id context derived from the trust settings ---------------------

for (const version of VERSIONS) {
  // Before: no session id context, so OpenSSL answered the resumption with internal_error and
  // every connection after the first failed with ER$TLS_HANDSHAKE.
  test(`${version}: with client certificates required, one client context reconnects 4 times, resuming, and the server still knows the client`, async (t) => {
    const { server, port } = await secureListen(t, createTlsContext(mutualOptions()));
    const client = aliceContext(version);
    const first = await roundTrip(server, port, client);
    t.deepEqual(first, { resumed: false, peer: 'CN=alice' });
    for (let i = 1; i < 4; i++) t.deepEqual(await roundTrip(server, port, client), { resumed: true, peer: 'CN=alice' }, `connection ${i + 1}`);
    t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0);
  });

  test(`${version}: a server reloaded to trust another CA refuses the client its old CA issued, instead of resuming its session`, async (t) => {
    const context = createTlsContext(mutualOptions());
    const { server, port } = await secureListen(t, context);
    const client = aliceContext(version);
    t.is((await roundTrip(server, port, client)).resumed, false);
    t.is((await roundTrip(server, port, client)).resumed, true, 'resumed while the trust settings are unchanged');
    context.reload(mutualOptions(otherCa));
    await assertRefused(t, server, port, client);
  });

  test(`${version}: a server reloaded with a renewed certificate and the same CA still resumes its clients' sessions`, async (t) => {
    const context = createTlsContext(mutualOptions());
    const { server, port } = await secureListen(t, context);
    const client = aliceContext(version);
    t.is((await roundTrip(server, port, client)).resumed, false);
    const renewed = issueCertificate(dev.ca, { hosts: ['localhost'] });
    context.reload({ ...mutualOptions(), cert: renewed.cert, key: renewed.key });
    t.deepEqual(await roundTrip(server, port, client), { resumed: true, peer: 'CN=alice' });
  });

  test(`${version}: a server reloaded to require client certificates does not resume a session made without one`, async (t) => {
    const context = createTlsContext({ cert: dev.server.cert, key: dev.server.key, ca: dev.ca.cert });
    const { server, port } = await secureListen(t, context);
    const anonymous = createTlsContext({ ca: dev.ca.cert, maxVersion: version });
    t.is((await roundTrip(server, port, anonymous)).resumed, false);
    t.is((await roundTrip(server, port, anonymous)).resumed, true);
    context.reload(mutualOptions());
    await assertRefused(t, server, port, anonymous);
  });
}

// ---- the client: sessions that must not be offered again ----------------------------------

/**
 * A TLS server made the way the library made its own before it set a session id context: a
 * TLSSocket wrapped by hand around each accepted connection, asking for client certificates.
 * OpenSSL answers every resumption attempt on it with an internal_error alert. It sends `OK`
 * to each client it accepts.
 */
async function serverRefusingResumption(t: ExecutionContext, maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<number> {
  const secureContext = createSecureContext({ cert: dev.server.cert, key: dev.server.key, ca: dev.ca.cert, maxVersion });
  const sockets: NetSocket[] = [];
  const server = netCreateServer((raw) => {
    sockets.push(raw);
    const tls = new TLSSocket(raw, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: true });
    // The refused resumptions fail here on purpose; the client's side of them is what is tested.
    const destroy = (): void => {
      tls.destroy();
      raw.destroy();
    };
    raw.on('error', destroy);
    tls.on('error', destroy);
    tls.on('secure', () => tls.write('OK'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(async () => {
    for (const raw of sockets) raw.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}

for (const version of VERSIONS) {
  // Before: the client kept offering the session the server had refused, so every connection
  // after the first failed.
  test(`${version}: a client whose resumption failed drops the session; its next connection makes a full handshake and succeeds`, async (t) => {
    const port = await serverRefusingResumption(t, version);
    const client = aliceContext(version);
    const connectAndRead = async (): Promise<boolean> => {
      const skt = await openSecureSocket('localhost', port, SKT$BLOCKING, client);
      try {
        t.is((await readExactly(skt, 2, 5000)).toString('latin1'), 'OK');
        return socketInfo(skt, SKT$INFO_TLS_RESUMED);
      } finally {
        await closeSocket(skt);
      }
    };
    t.false(await connectAndRead(), 'the first connection makes a full handshake and saves a session');
    await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, client), ER$TLS_HANDSHAKE);
    t.false(await connectAndRead(), 'the next one offers no session');
    await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, client), ER$TLS_HANDSHAKE);
    t.false(await connectAndRead(), 'and so on: one failure per session the server refuses, never two in a row');
  });

  // Before: the session saved under the old trust settings resumed, and a resumed session is
  // not verified again, so the server the client no longer trusted was let in.
  test(`${version}: a client context reloaded to stop trusting a CA does not resume a session with a server that CA signed`, async (t) => {
    const { server, port } = await secureListen(t, createTlsContext({ cert: dev.server.cert, key: dev.server.key }));
    const client = createTlsContext({ ca: dev.ca.cert, maxVersion: version });
    t.is((await roundTrip(server, port, client)).resumed, false);
    t.is((await roundTrip(server, port, client)).resumed, true, 'resumed before the reload');
    client.reload({ ca: otherCa.cert, maxVersion: version });
    await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, client), ER$TLS_UNTRUSTED);
  });

  test(`${version}: a session a connection gets after its context was reloaded is not saved`, async (t) => {
    const { server, port } = await secureListen(t, createTlsContext({ cert: dev.server.cert, key: dev.server.key }));
    const client = createTlsContext({ ca: dev.ca.cert, maxVersion: version });
    // This connection starts with the old trust settings and gets its session once the reload
    // below has happened: that session was verified against the CA the client no longer trusts.
    const started = roundTrip(server, port, client);
    client.reload({ ca: otherCa.cert, maxVersion: version });
    t.is((await started).resumed, false);
    await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, client), ER$TLS_UNTRUSTED);
  });
}

for (const version of VERSIONS) {
  test(`${version}: a connection started before its context was reloaded offers none of the sessions saved after the reload`, async (t) => {
    const { server, port } = await secureListen(t, createTlsContext({ cert: dev.server.cert, key: dev.server.key }));
    const widened = { ca: [dev.ca.cert, otherCa.cert], maxVersion: version };
    // A session made with the trust settings the context is about to be reloaded to.
    const other = createTlsContext(widened);
    await roundTrip(server, port, other);
    const session = other.sessionFor(`localhost:${port}`);
    if (session === undefined) throw new Error('no session saved');
    const client = createTlsContext({ ca: dev.ca.cert, maxVersion: version });
    // Started with the old settings; its ClientHello goes out once TCP has connected, after the
    // reload and after a session of the new settings was saved.
    const started = roundTrip(server, port, client);
    client.reload(widened);
    client.saveSession(`localhost:${port}`, session, client.current());
    t.deepEqual(await started, { resumed: false, peer: '' }, 'a full handshake, not a failed resumption');
    t.is((await roundTrip(server, port, client)).resumed, true, 'the next connection resumes the saved session');
  });
}

// ---- requestCert names its CAs -----------------------------------------------------------

test('requestCert without ca is refused with ER$TLS_NO_CA (7108): it would accept client certificates from any public CA', async (t) => {
  t.is(ER$TLS_NO_CA, 7108);
  const { cert, key } = dev.server;
  await expectSocketError(t, () => createTlsContext({ cert, key, requestCert: true }), ER$TLS_NO_CA);
  await expectSocketError(t, () => createTlsContext({ cert, key, requestCert: true, ca: [] }), ER$TLS_NO_CA);
  t.notThrows(() => createTlsContext({ cert, key, requestCert: false }), 'no client certificates: no CA needed');
});

test('a reload to requestCert without ca is refused and the context keeps requiring certificates from its CA', async (t) => {
  const context = createTlsContext(mutualOptions());
  const { server, port } = await secureListen(t, context);
  await expectSocketError(t, () => context.reload({ cert: dev.server.cert, key: dev.server.key, requestCert: true }), ER$TLS_NO_CA);
  t.deepEqual(await roundTrip(server, port, aliceContext('TLSv1.3')), { resumed: false, peer: 'CN=alice' });
  const mallory = issueCertificate(otherCa, { client: true, commonName: 'mallory' });
  await assertRefused(t, server, port, createTlsContext({ ca: dev.ca.cert, cert: mallory.cert, key: mallory.key }));
});
