// Certificate checks on both sides: client certificates required by a server context, the
// client's verification of the server (trust, validity, host name), PKCS#12 bundles and the
// BASIC form of CREATE.SECURE.SERVER.SOCKET with certificate and key file paths.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  closeSocket,
  createCertificateAuthority,
  createDevelopmentCertificates,
  createSecureServerSocket,
  createTlsContext,
  ER$FAILED,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  ER$TLS_EXPIRED,
  ER$TLS_HANDSHAKE,
  ER$TLS_HOSTNAME,
  ER$TLS_PKCS12_PASSWORD,
  ER$TLS_UNTRUSTED,
  issueCertificate,
  openSecureSocket,
  readSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_HANDSHAKING,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_PEER_SUBJECT,
  SKT$INFO_TLS_PROTOCOL,
  SocketError,
  socketInfo,
  writeSecureSocket,
  type CertificateAndKey,
  type SecureServerSocket,
  type SecureSocket,
  type TlsContext,
} from '../lib/index.js';
import { expectSocketError, waitFor } from './helpers/assertions.js';
import { readExactly } from './helpers/raw-peer.js';
import { spawnPeer, tempDir, tempFiles } from './helpers/tls-peers.js';

const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1'] });
const otherCa = createCertificateAuthority('Some other CA');
const trustingDevCa = createTlsContext({ ca: dev.ca.cert });
const fingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256;

/** A secure server socket on a free loopback port with `context`, closed when the test ends. */
async function serve(t: ExecutionContext, context: TlsContext): Promise<{ server: SecureServerSocket; port: number }> {
  const server = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, context);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

async function open(t: ExecutionContext, port: number, context: TlsContext, host = 'localhost'): Promise<SecureSocket> {
  const skt = await openSecureSocket(host, port, SKT$BLOCKING, context);
  t.teardown(() => closeSocket(skt));
  return skt;
}

async function accept(t: ExecutionContext, server: SecureServerSocket): Promise<SecureSocket> {
  const skt = await acceptSecureSocket(server, 5000);
  t.teardown(() => closeSocket(skt));
  return skt;
}

/** A PING one way and a PONG the other: the connection really carries data. */
async function exchange(t: ExecutionContext, client: SecureSocket, server: SecureSocket): Promise<void> {
  await writeSecureSocket(client, 'PING', SKT$BLOCKING, 5000);
  t.is((await readExactly(server, 4, 5000)).toString('latin1'), 'PING');
  await writeSecureSocket(server, 'PONG', SKT$BLOCKING, 5000);
  t.is((await readExactly(client, 4, 5000)).toString('latin1'), 'PONG');
}

// ---- client certificates -------------------------------------------------------------------

/** A server context that requires a client certificate issued by the development CA. */
function mutualContext(): TlsContext {
  return createTlsContext({ cert: dev.server.cert, key: dev.server.key, ca: dev.ca.cert, requestCert: true, handshakeTimeout: 5000 });
}

function clientWith(cert: CertificateAndKey | undefined, maxVersion?: 'TLSv1.2'): TlsContext {
  return createTlsContext({ ca: dev.ca.cert, ...(cert ?? {}), ...(maxVersion ? { maxVersion } : {}) });
}

/**
 * Asserts the server refused the client: it never comes out of accept, the refusal is counted,
 * and the client gets no working connection. A refusal inside the handshake (TLS 1.2 without a
 * certificate: OpenSSL's own alert) fails openSecureSocket with ER$TLS_HANDSHAKE. A refusal the
 * server can only make once its side is done (TLS 1.3, where the client finishes first; a
 * certificate checked after the handshake) may come after the client finished: then the
 * client's first read fails instead.
 */
async function assertRefused(
  t: ExecutionContext,
  server: SecureServerSocket,
  port: number,
  client: TlsContext,
  refusedInHandshake: boolean,
): Promise<void> {
  const before = socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES);
  if (refusedInHandshake) {
    await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, client), ER$TLS_HANDSHAKE);
  } else {
    let skt: SecureSocket | undefined;
    try {
      skt = await open(t, port, client);
    } catch (err) {
      t.true(err instanceof SocketError && err.status === ER$TLS_HANDSHAKE, `handshake failure: ${String(err)}`);
    }
    if (skt !== undefined) {
      const err = await t.throwsAsync(readSecureSocket(skt, 1024, SKT$BLOCKING, 5000), { instanceOf: SocketError });
      t.true(err?.status === ER$FAILED || err?.status === ER$SKT_CLOSED, `read status ${err?.code}`);
    }
  }
  await expectSocketError(t, () => acceptSecureSocket(server, 300), ER$TIMEOUT);
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES) > before), 'the refusal is counted');
}

for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
  const tls12 = version === 'TLSv1.2';

  test(`${version}: a client without a certificate is refused when the context requires one`, async (t) => {
    const { server, port } = await serve(t, mutualContext());
    await assertRefused(t, server, port, clientWith(undefined, tls12 ? 'TLSv1.2' : undefined), tls12);
  });

  test(`${version}: a client whose certificate another CA issued is refused`, async (t) => {
    const { server, port } = await serve(t, mutualContext());
    const mallory = issueCertificate(otherCa, { client: true, commonName: 'mallory' });
    await assertRefused(t, server, port, clientWith(mallory, tls12 ? 'TLSv1.2' : undefined), false);
  });

  // A TLSSocket made outside tls.Server never sets `authorized`: the library must check the
  // verification result itself, or it would refuse this valid certificate too.
  test(`${version}: a client with a certificate from the CA is accepted and socketInfo names it`, async (t) => {
    const { server, port } = await serve(t, mutualContext());
    const alice = issueCertificate(dev.ca, { client: true, commonName: 'alice' });
    const client = await open(t, port, clientWith(alice, tls12 ? 'TLSv1.2' : undefined));
    const accepted = await accept(t, server);
    t.is(socketInfo(accepted, SKT$INFO_TLS_PROTOCOL), version);
    t.is(socketInfo(accepted, SKT$INFO_TLS_PEER_SUBJECT), 'CN=alice');
    t.is(socketInfo(accepted, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, fingerprintOf(alice.cert));
    t.is(socketInfo(client, SKT$INFO_TLS_PEER_SUBJECT), 'CN=localhost');
    await exchange(t, client, accepted);
    t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0);
  });
}

// ---- the client verifies the server --------------------------------------------------------

/** A server with `cert`, a client that trusts only the development CA: openSecureSocket fails with `status`. */
async function assertClientRefuses(t: ExecutionContext, cert: CertificateAndKey, status: number, host = 'localhost'): Promise<void> {
  const { server, port } = await serve(t, createTlsContext({ cert: cert.cert, key: cert.key, handshakeTimeout: 2000 }));
  await expectSocketError(t, () => openSecureSocket(host, port, SKT$BLOCKING, trustingDevCa), status);
  // Nothing reached the server's accept either: the client aborted the handshake.
  await expectSocketError(t, () => acceptSecureSocket(server, 200), ER$TIMEOUT);
}

test('openSecureSocket refuses a certificate from an untrusted CA: ER$TLS_UNTRUSTED (7101)', async (t) => {
  t.is(ER$TLS_UNTRUSTED, 7101);
  await assertClientRefuses(t, issueCertificate(otherCa, { hosts: ['localhost'] }), ER$TLS_UNTRUSTED);
});

test('openSecureSocket refuses a self-signed server certificate: ER$TLS_UNTRUSTED (7101)', async (t) => {
  // A self-signed leaf, as `openssl req -x509` makes one for a quick server.
  const dir = tempDir(t);
  const [keyFile, certFile] = [join(dir, 'self.key'), join(dir, 'self.crt')];
  const req = spawnPeer(t, 'openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
  ]);
  t.is((await req.exited(20_000)).code, 0, req.stderr());
  await assertClientRefuses(t, { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }, ER$TLS_UNTRUSTED);
});

test('openSecureSocket refuses an expired certificate: ER$TLS_EXPIRED (7102)', async (t) => {
  t.is(ER$TLS_EXPIRED, 7102);
  const expired = issueCertificate(dev.ca, { hosts: ['localhost'], notBefore: new Date(Date.now() - 10 * 86_400_000), days: 1 });
  await assertClientRefuses(t, expired, ER$TLS_EXPIRED);
});

test('openSecureSocket refuses a certificate that is not valid yet: ER$TLS_EXPIRED (7102)', async (t) => {
  const future = issueCertificate(dev.ca, { hosts: ['localhost'], notBefore: new Date(Date.now() + 10 * 86_400_000), days: 30 });
  await assertClientRefuses(t, future, ER$TLS_EXPIRED);
});

test('openSecureSocket refuses a certificate for another host name: ER$TLS_HOSTNAME (7103)', async (t) => {
  t.is(ER$TLS_HOSTNAME, 7103);
  await assertClientRefuses(t, issueCertificate(dev.ca, { hosts: ['other.test'] }), ER$TLS_HOSTNAME);
});

test('openSecureSocket checks an IP address against the certificate too: ER$TLS_HOSTNAME (7103)', async (t) => {
  await assertClientRefuses(t, issueCertificate(dev.ca, { hosts: ['localhost'] }), ER$TLS_HOSTNAME, '127.0.0.1');
});

// A client that abandons the handshake with a FIN (as Node's client does when it rejects the
// certificate) only makes the half-open-capable TLSSocket emit 'end': the server must notice
// that at once rather than wait for the handshake timeout.
test('a client that rejects the certificate and hangs up ends the server handshake at once, counted as a failure', async (t) => {
  const untrusted = issueCertificate(otherCa, { hosts: ['localhost'] });
  const { server, port } = await serve(t, createTlsContext({ cert: untrusted.cert, key: untrusted.key, handshakeTimeout: 3000 }));
  await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, trustingDevCa), ER$TLS_UNTRUSTED);
  t.true(await waitFor(() => socketInfo(server, SKT$INFO_TLS_HANDSHAKING) === 0, 1500), 'the handshake is over well before its timeout');
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 1);
  t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_TIMEOUTS), 0);
});

test('a valid certificate for the name connected to is accepted (the positive twin of the refusals)', async (t) => {
  const { server, port } = await serve(t, createTlsContext({ cert: dev.server.cert, key: dev.server.key }));
  const client = await open(t, port, trustingDevCa);
  const accepted = await accept(t, server);
  t.is(socketInfo(client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, fingerprintOf(dev.server.cert));
  await exchange(t, client, accepted);
});

test('a CA made with permittedHosts: its certificate for a permitted name is accepted, one for another name refused', async (t) => {
  const constrained = createCertificateAuthority('constrained CA', { permittedHosts: ['localhost', '127.0.0.1'] });
  const trusting = createTlsContext({ ca: constrained.cert });
  const { server, port } = await serve(t, createTlsContext(issueCertificate(constrained, { hosts: ['localhost'] })));
  const client = await open(t, port, trusting);
  await exchange(t, client, await accept(t, server));
  // Signed by the same CA for a name outside its constraints (the host name checked is allowed: the constraint refuses it).
  const outside = issueCertificate(constrained, { hosts: ['localhost', 'bank.example'] });
  const other = await serve(t, createTlsContext({ cert: outside.cert, key: outside.key, handshakeTimeout: 2000 }));
  // OpenSSL's "permitted subtree violation" has no status of its own: a failed handshake.
  await expectSocketError(t, () => openSecureSocket('localhost', other.port, SKT$BLOCKING, trusting), ER$TLS_HANDSHAKE);
});

test('rejectUnauthorized: false (UNSAFE, documented so) connects to an untrusted server', async (t) => {
  const untrusted = issueCertificate(otherCa, { hosts: ['other.test'] });
  const { server, port } = await serve(t, createTlsContext({ cert: untrusted.cert, key: untrusted.key, handshakeTimeout: 5000 }));
  // The same server is refused by a verifying client...
  await expectSocketError(t, () => openSecureSocket('localhost', port, SKT$BLOCKING, trustingDevCa), ER$TLS_UNTRUSTED);
  // ...and reached by one that turned verification off, which still sees what it talks to.
  const client = await open(t, port, createTlsContext({ rejectUnauthorized: false }));
  const accepted = await accept(t, server);
  t.is(socketInfo(client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, fingerprintOf(untrusted.cert));
  await exchange(t, client, accepted);
});

// ---- PKCS#12 and certificate files ---------------------------------------------------------

test('a PKCS#12 bundle saved with savePkcs12 loads with its password and serves its certificate', async (t) => {
  const path = join(tempDir(t), 'site.p12');
  createTlsContext({ cert: dev.server.cert, key: dev.server.key }).savePkcs12(path, 'correct horse battery');
  const loaded = createTlsContext({ pfx: path, passphrase: 'correct horse battery' });
  t.is(loaded.describe()?.fingerprint256, fingerprintOf(dev.server.cert));
  const { server, port } = await serve(t, loaded);
  const client = await open(t, port, trustingDevCa);
  const accepted = await accept(t, server);
  t.is(socketInfo(client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, fingerprintOf(dev.server.cert));
  await exchange(t, client, accepted);
});

test('a PKCS#12 bundle with the wrong password gives ER$TLS_PKCS12_PASSWORD (7105)', async (t) => {
  const path = join(tempDir(t), 'site.p12');
  createTlsContext({ cert: dev.server.cert, key: dev.server.key }).savePkcs12(path, 'correct horse battery');
  t.is(ER$TLS_PKCS12_PASSWORD, 7105);
  await expectSocketError(t, () => createTlsContext({ pfx: path, passphrase: 'wrong' }), ER$TLS_PKCS12_PASSWORD);
  await expectSocketError(t, () => createTlsContext({ pfx: path }), ER$TLS_PKCS12_PASSWORD);
});

test('createSecureServerSocket(addr, port, flags, certPath, keyPath) serves a handshake', async (t) => {
  const files = tempFiles(t, { 'site.crt': dev.server.cert, 'site.key': dev.server.key });
  const server = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, files['site.crt'], files['site.key']);
  t.teardown(() => closeSocket(server));
  const client = await open(t, socketInfo(server, SKT$INFO_PORT), trustingDevCa);
  const accepted = await accept(t, server);
  t.is(socketInfo(client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, fingerprintOf(dev.server.cert));
  await exchange(t, client, accepted);
});
