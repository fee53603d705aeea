// startTls: a plain conversation upgraded to TLS in place, as SMTP/IMAP/LDAP do (STARTTLS).
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { connect as netConnect, createServer, type Socket as NetSocket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSocket,
  closeSocket,
  createDevelopmentCertificates,
  createServerSocket,
  createTlsContext,
  ER$SKT_CLOSED,
  openSocket,
  readSecureSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$INFO_OPEN,
  SKT$INFO_PORT,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_PROTOCOL,
  SKT$INFO_TLS_SNI,
  socketInfo,
  startTls,
  writeSecureSocket,
  writeSocket,
  type ServerSocket,
} from '../lib/index.js';
import { expectSocketError, withLimit } from './helpers/assertions.js';
import { readUntil } from './helpers/tls-peers.js';

const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1'] });
const serverContext = createTlsContext({ cert: dev.server.cert, key: dev.server.key, handshakeTimeout: 5000 });
const clientContext = createTlsContext({ ca: dev.ca.cert, handshakeTimeout: 5000 });
const serverFingerprint = new X509Certificate(dev.server.cert).fingerprint256;
const SECRET = 'AUTH PLAIN c2VjcmV0LXBhc3N3b3Jk';

/** A plain server socket on a free loopback port, closed when the test ends. */
async function plainServer(t: ExecutionContext): Promise<{ server: ServerSocket; port: number }> {
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

/**
 * A TCP relay between the client and the server that records every byte the client sends, to
 * show what crossed the wire in the clear and what did not.
 */
async function recordingRelay(t: ExecutionContext, port: number): Promise<{ port: number; fromClient: () => Buffer }> {
  const chunks: Buffer[] = [];
  const sockets: NetSocket[] = [];
  const relay = createServer((inbound) => {
    const outbound = netConnect(port, '127.0.0.1');
    sockets.push(inbound, outbound);
    inbound.on('error', () => undefined);
    outbound.on('error', () => undefined);
    inbound.on('data', (chunk: Buffer) => chunks.push(chunk));
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  t.teardown(async () => {
    for (const skt of sockets) skt.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  return { port: address.port, fromClient: () => Buffer.concat(chunks) };
}

test('plain exchange, startTls on both sides, encrypted exchange; the old plain sockets read ER$SKT_CLOSED', async (t) => {
  const { server, port } = await plainServer(t);
  const relay = await recordingRelay(t, port);
  const client = await openSocket('127.0.0.1', relay.port, SKT$BLOCKING);
  t.teardown(() => closeSocket(client));
  const accepted = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));

  // The plain part of the conversation.
  await writeSocket(client, 'EHLO client.test\r\n', SKT$BLOCKING, 5000);
  t.is(await readUntil(accepted, '\r\n'), 'EHLO client.test\r\n');
  await writeSocket(accepted, '250 STARTTLS\r\n', SKT$BLOCKING, 5000);
  t.is(await readUntil(client, '\r\n'), '250 STARTTLS\r\n');
  await writeSocket(client, 'STARTTLS\r\n', SKT$BLOCKING, 5000);
  t.is(await readUntil(accepted, '\r\n'), 'STARTTLS\r\n');

  // The server's last plain line goes out right before its upgrade, in the same tick.
  await writeSocket(accepted, '220 2.0.0 Ready to start TLS\r\n', SKT$BLOCKING, 5000);
  const serverSide = startTls(accepted, serverContext);
  t.is(await readUntil(client, '\r\n'), '220 2.0.0 Ready to start TLS\r\n'); // intact, in the clear
  const clientSide = startTls(client, clientContext, { role: 'client', servername: 'localhost' });
  const [secureServer, secureClient] = await withLimit(Promise.all([serverSide, clientSide]), 10_000, 'both upgrades');
  t.teardown(() => closeSocket(secureServer));
  t.teardown(() => closeSocket(secureClient));

  for (const skt of [secureServer, secureClient]) t.regex(socketInfo(skt, SKT$INFO_TLS_PROTOCOL), /^TLSv1\.[23]$/);
  t.is(socketInfo(secureClient, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, serverFingerprint);
  t.is(socketInfo(secureClient, SKT$INFO_TLS_SNI), 'localhost');
  t.is(socketInfo(secureServer, SKT$INFO_TLS_SNI), 'localhost');

  // The encrypted part, both ways.
  await writeSecureSocket(secureClient, `${SECRET}\r\n`, SKT$BLOCKING, 5000);
  t.is(await readUntil(secureServer, '\r\n'), `${SECRET}\r\n`);
  await writeSecureSocket(secureServer, '235 2.7.0 Authentication successful\r\n', SKT$BLOCKING, 5000);
  t.is(await readUntil(secureClient, '\r\n'), '235 2.7.0 Authentication successful\r\n');

  // On the wire: the plain lines in the clear, then a TLS handshake record, and never the secret.
  const wire = relay.fromClient();
  const upgradeAt = wire.indexOf('STARTTLS\r\n') + 'STARTTLS\r\n'.length;
  t.is(wire.subarray(0, upgradeAt).toString('latin1'), 'EHLO client.test\r\nSTARTTLS\r\n');
  t.is(wire[upgradeAt], 0x16, 'a TLS handshake record follows STARTTLS');
  t.is(wire[upgradeAt + 1], 0x03);
  t.is(wire.indexOf(SECRET), -1, 'the secret never crossed the wire in the clear');

  // The plain sockets are spent: they read ER$SKT_CLOSED, and the secure ones carry on.
  t.false(socketInfo(accepted, SKT$INFO_OPEN));
  t.false(socketInfo(client, SKT$INFO_OPEN));
  await expectSocketError(t, () => readSocket(accepted, 1024, SKT$BLOCKING, 1000), ER$SKT_CLOSED);
  await expectSocketError(t, () => readSocket(client, 1024, SKT$BLOCKING, 1000), ER$SKT_CLOSED);
  await writeSecureSocket(secureClient, 'QUIT\r\n', SKT$BLOCKING, 5000);
  t.is(await readUntil(secureServer, '\r\n'), 'QUIT\r\n');
});

test('a ClientHello that arrives with the STARTTLS line, before the server upgrades, is not lost or misread', async (t) => {
  const { server, port } = await plainServer(t);
  // An eager client on raw node:net and node:tls, as a mail client is written: it sends its
  // STARTTLS line and starts the TLS handshake at once, without waiting for a reply. The line and
  // the ClientHello leave in one write (one TCP segment), so they reach the server together and
  // the ClientHello is in the plain socket's buffer before the server has even read the line.
  const raw = netConnect(port, '127.0.0.1');
  t.teardown(() => raw.destroy());
  raw.on('error', () => undefined);
  await once(raw, 'connect');
  const accepted = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));

  raw.write('EHLO eager.test\r\n');
  t.is(await readUntil(accepted, '\r\n'), 'EHLO eager.test\r\n');
  await writeSocket(accepted, '250 STARTTLS\r\n', SKT$BLOCKING, 5000);
  const [greeting] = (await once(raw, 'data')) as [Buffer];
  t.is(greeting.toString('latin1'), '250 STARTTLS\r\n');

  // The TLS client's transport: the raw socket, with 'STARTTLS\r\n' put in front of the first
  // bytes TLS writes (its ClientHello).
  let line: Buffer | undefined = Buffer.from('STARTTLS\r\n', 'latin1');
  const wire = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      const bytes = line === undefined ? chunk : Buffer.concat([line, chunk]);
      line = undefined;
      raw.write(bytes, done);
    },
    final(done) {
      raw.end(done);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    if (!wire.push(chunk)) raw.pause();
  });
  raw.on('end', () => wire.push(null));
  const tls = tlsConnect({ socket: wire, servername: 'localhost', ca: dev.ca.cert });
  t.teardown(() => tls.destroy());
  tls.on('error', () => undefined);
  const clientSecure = withLimit(once(tls, 'secureConnect'), 10_000, 'client handshake');

  // The server reads exactly its line, as a line-reading server does, then upgrades.
  t.is(await readUntil(accepted, '\r\n'), 'STARTTLS\r\n');
  t.true(line === undefined, 'the ClientHello went out with the STARTTLS line');
  const secure = await withLimit(startTls(accepted, serverContext), 10_000, 'server upgrade');
  t.teardown(() => closeSocket(secure));
  await clientSecure;
  t.true(tls.authorized);
  t.is(tls.getPeerX509Certificate()?.fingerprint256, serverFingerprint);
  t.is(socketInfo(secure, SKT$INFO_TLS_PROTOCOL), tls.getProtocol() ?? 'none');
  t.is(socketInfo(secure, SKT$INFO_TLS_SNI), 'localhost');

  tls.write(`${SECRET}\r\n`);
  t.is(await readUntil(secure, '\r\n'), `${SECRET}\r\n`);
  await writeSecureSocket(secure, '235 ok\r\n', SKT$BLOCKING, 5000);
  const [reply] = (await once(tls, 'data')) as [Buffer];
  t.is(reply.toString('latin1'), '235 ok\r\n');

  await expectSocketError(t, () => readSocket(accepted, 1024, SKT$BLOCKING, 1000), ER$SKT_CLOSED);
  // A clean TLS close from the client reaches the secure socket as ER$SKT_CLOSED.
  tls.end();
  await expectSocketError(t, () => readSecureSocket(secure, 1024, SKT$BLOCKING, 5000), ER$SKT_CLOSED);
});
