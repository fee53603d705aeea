import { isIP, type Socket as NetSocket, type TcpSocketConnectOpts } from 'node:net';
import { connect as tlsConnect, TLSSocket, type ConnectionOptions } from 'node:tls';
import type { DirectReader } from './direct-reader.js';
import { FIRST_BYTE_TIMEOUT } from './constants.js';
import { ER$TLS_EXPIRED, ER$TLS_HANDSHAKE, ER$TLS_HOSTNAME, ER$TLS_NO_CERT, ER$TLS_UNTRUSTED } from './tls-status.js';
import { osErrorOf, SocketError } from './errors.js';
import { endpointsOf, type Endpoints } from './stream-socket.js';
import { startTimer } from './timer.js';
import { contextForName, describeCertificate, type Material, type SavedSession, type TlsContext } from './tls-context.js';
import type { CertificateDescription } from '../types/tls-context.js';

/** OpenSSL verification results that mean "not signed by anyone trusted". */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** The SocketError for a failed handshake, with the status that says why. */
export function handshakeError(err: Error, op: string): SocketError {
  const code = osErrorOf(err) ?? '';
  if (UNTRUSTED.has(code)) return new SocketError(ER$TLS_UNTRUSTED, `${op}: the peer's certificate is not trusted (${code})`, err);
  if (EXPIRED.has(code)) return new SocketError(ER$TLS_EXPIRED, `${op}: the peer's certificate is expired or not yet valid (${code})`, err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new SocketError(ER$TLS_HOSTNAME, `${op}: the certificate is not for this host name: ${err.message}`, err);
  }
  return new SocketError(ER$TLS_HANDSHAKE, `${op}: the TLS handshake failed: ${err.message}`, err);
}

/** Why a server handshake ended without a usable connection. */
export type HandshakeOutcome = 'failed' | 'timeout';

/**
 * Runs the server side of a handshake on an accepted connection, in the background. The
 * context's material is taken now, so a reload affects only later handshakes. A connection
 * that sends nothing within FIRST_BYTE_TIMEOUT (when the handshake timeout is longer, or 0: no
 * limit) is cut off then, as a timeout (the `headerLength` bytes of a PROXY header read before
 * do not count as the client's first byte). Exactly one of `onSecure` and `onFailed` is called;
 * on failure the connection is already destroyed, never left half-open. A client certificate,
 * when the context requires one, is checked here, since a TLSSocket made outside tls.Server
 * does not refuse an unauthorized client by itself.
 */
export function serverHandshake(
  raw: NetSocket,
  context: TlsContext,
  onSecure: (tls: TLSSocket) => void,
  onFailed: (outcome: HandshakeOutcome) => void,
  headerLength = 0,
): void {
  const material = context.current();
  const { requestCert = false, ALPNProtocols } = material.options;
  const tls = new TLSSocket(raw, {
    isServer: true,
    secureContext: material.secureContext,
    // Only a context with SNI certificates needs OpenSSL to call back into JavaScript per hello.
    SNICallback: material.sniContexts.size === 0 ? undefined : (name, done) => done(null, contextForName(material, name)),
    requestCert,
    rejectUnauthorized: requestCert,
    ALPNProtocols: ALPNProtocols as string[] | undefined,
  });
  // Until control is released (below), Node does not pass errors of the TCP socket under the
  // TLS one on as 'error' events, so the handshake takes them here.
  const onRawError = (err: Error): void => {
    tls.destroy(err);
  };
  raw.on('error', onRawError);
  let settled = false;
  const finish = (outcome: HandshakeOutcome | TLSSocket): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (outcome instanceof TLSSocket) {
      // The secure socket's owner listens from here on.
      tls.off('error', onError);
      tls.off('end', onClose);
      raw.off('close', onClose);
      raw.off('error', onRawError);
      releaseControl(tls);
      onSecure(outcome);
    } else {
      // The listeners stay: a late error of a failed handshake must find one, or it would crash
      // the process. They do nothing more once settled.
      tls.destroy();
      raw.destroy();
      onFailed(outcome);
    }
  };
  const onError = (): void => finish('failed');
  const onClose = (): void => finish('failed');
  // One timer, first for the first byte (when that deadline is the shorter), then for the rest
  // of the whole handshake. The TCP socket counts the bytes its TLS wrap reads from it.
  // A handshake timeout of 0 (no limit) still has the first-byte deadline: a peer that sends
  // nothing must not keep its slot for as long as it likes.
  const whole = context.handshakeTimeout;
  const firstByte = whole === 0 || whole > FIRST_BYTE_TIMEOUT ? FIRST_BYTE_TIMEOUT : whole;
  let timer = startTimer(firstByte, () => {
    if (firstByte === whole || raw.bytesRead <= headerLength) finish('timeout');
    else if (whole !== 0) timer = startTimer(whole - firstByte, () => finish('timeout'));
  });
  tls.on('error', onError);
  // Sockets are half-open capable, so a client that hangs up mid-handshake only ends.
  tls.on('end', onClose);
  raw.on('close', onClose);
  tls.once('secure', () => finish(requestCert && !clientCertificateVerified(tls) ? 'failed' : tls));
}

/**
 * Lets a server TLSSocket made outside tls.Server report errors after its handshake. Node hands
 * such a socket's TLS errors (a forged or corrupt record, an alert) only to an internal event
 * until "control is released", which tls.Server does on 'secure' and tls.connect at once; kept
 * as it was, the connection would hang silently. test/secure-socket.test.ts has a corrupt
 * record after the handshake fail the read.
 */
function releaseControl(tls: TLSSocket): void {
  (tls as TLSSocket & { _releaseControl(): boolean })._releaseControl();
}

/**
 * Did the client send a certificate that verified against the context's CAs? A TLSSocket made
 * outside tls.Server never sets `authorized`, so this asks OpenSSL's verification result the
 * way tls.Server does.
 */
function clientCertificateVerified(tls: TLSSocket): boolean {
  const handle = (tls as unknown as { _handle: { verifyError(): Error | null } | null })._handle;
  return handle !== null && handle.verifyError() === null && tls.getPeerX509Certificate() !== undefined;
}

/** A TLS client socket before its handshake, and the session it offers to resume. */
export interface TlsClient {
  readonly tls: TLSSocket;
  /** Where its tickets are saved: `host:port`. */
  readonly server: string;
  /** The key material it verifies the server with: its sessions are saved only while it is in force. */
  readonly material: Material;
  /** The saved session offered, with the certificate it was made with; set when it is offered. */
  saved: SavedSession | undefined;
  /** The plain socket under it, for STARTTLS. */
  readonly raw?: NetSocket;
  /** Both ends, taken when TCP connects. */
  endpoints: Endpoints | undefined;
}

/** The tls.connect options shared by both kinds of client: verification, SNI for names, ALPN. */
function clientOptions(host: string, material: Material): ConnectionOptions {
  const { ALPNProtocols, rejectUnauthorized = true } = material.options;
  return {
    host,
    servername: isIP(host) === 0 ? host : undefined,
    secureContext: material.secureContext,
    ALPNProtocols: ALPNProtocols as string[] | undefined,
    rejectUnauthorized,
  };
}

/** Starts TLS as a client over a connected plain socket (STARTTLS). */
export function clientOverSocket(raw: NetSocket, host: string, context: TlsContext): TlsClient {
  const server = `${host}:${raw.remotePort ?? 0}`;
  const saved = context.sessionFor(server);
  const material = context.current();
  // tls.connect releases control at once, so errors of `raw` come out as the TLS socket's.
  const tls = tlsConnect({ ...clientOptions(host, material), socket: raw, session: saved?.session });
  return { tls, server, material, saved, raw, endpoints: undefined };
}

/**
 * Starts connecting a TLS client to `host:port` whose plaintext goes to `reader` (tls.connect
 * takes `onread` only when it makes the TCP connection itself). The saved session is looked up
 * when TCP connects, just before the ClientHello, so a ticket that reached an earlier
 * connection while this one was connecting is offered.
 */
export function openTlsClient(host: string, port: number, context: TlsContext, reader: DirectReader): TlsClient {
  // allowHalfOpen and onread are passed on by tls.connect (Node 20) but missing from its types.
  const material = context.current();
  const options: ConnectionOptions & Pick<TcpSocketConnectOpts, 'onread'> & { allowHalfOpen: boolean } = {
    ...clientOptions(host, material),
    port,
    allowHalfOpen: true,
    onread: reader.option,
  };
  const tls = tlsConnect(options);
  const client: TlsClient = { tls, server: `${host}:${port}`, material, saved: undefined, endpoints: undefined };
  // Runs before the 'connect' listener of tls.connect that sends the ClientHello.
  tls.prependOnceListener('connect', () => {
    client.endpoints = endpointsOf(tls);
    // After a reload, the sessions saved are the new material's: they belong to the client
    // contexts made from it (OpenSSL refuses to resume one in another), so none is offered.
    client.saved = context.current() === material ? context.sessionFor(client.server) : undefined;
    // TLSSocket#setSession is what tls.connect's `session` option calls; it is not in the types.
    if (client.saved !== undefined) (tls as TLSSocket & { setSession(session: Buffer): void }).setSession(client.saved.session);
  });
  return client;
}

/**
 * Runs the client side of a handshake: verifies the server's chain against the context's CAs
 * (or the system's) and its name, and saves the tickets the server sends for later resumption.
 * Resolves with the server's certificate: seen now, or remembered with a resumed session.
 */
export async function clientHandshake(client: TlsClient, context: TlsContext, op: string): Promise<CertificateDescription | undefined> {
  const { tls, server } = client;
  // The server's certificate is known once the handshake is done; tickets can come before
  // that, so the last one waits.
  let peer: CertificateDescription | undefined;
  let handshakeDone = false;
  let lastTicket: Buffer | undefined;
  const remember = (): void => {
    if (handshakeDone && lastTicket !== undefined) context.saveSession(server, { session: lastTicket, peer }, client.material);
  };
  // TLS 1.3 sends tickets after the handshake; each one replaces the saved session.
  tls.on('session', (session: Buffer) => {
    lastTicket = session;
    remember();
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      clearTimeout(timer);
      // Offered again, a session the server refused to resume would fail every later
      // connection the same way; without it the next one makes a full handshake.
      if (client.saved !== undefined) context.forgetSession(server, client.saved);
      tls.destroy();
      client.raw?.destroy();
      reject(handshakeError(err, op));
    };
    const timer = startTimer(context.handshakeTimeout, () =>
      fail(Object.assign(new Error(`no handshake within ${context.handshakeTimeout} ms`), { code: 'ETIMEDOUT' })),
    );
    // `on`, not `once`: a second error of a failed handshake must still find a listener.
    tls.on('error', fail);
    tls.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = tls.getPeerX509Certificate();
      const reused = tls.isSessionReused();
      peer = cert !== undefined ? describeCertificate(cert) : reused ? client.saved?.peer : undefined;
      // The server would not resume the offered session: no use offering it again.
      if (!reused && client.saved !== undefined) context.forgetSession(server, client.saved);
      handshakeDone = true;
      remember();
      tls.off('error', fail);
      // The secure socket that will listen is made a few microtasks from now; an error in
      // between (a record the server sent right behind its Finished) must not go unheard.
      tls.on('error', destroyOnError);
      resolve();
    });
  });
  return peer;
}

/** Keeps a failed TLS socket's error on it (destroyed, `errored`) for whoever looks next. */
function destroyOnError(this: TLSSocket, err: Error): void {
  if (!this.destroyed) this.destroy(err);
}

/** The secure socket listens to `tls` from now on: the stand-in listener of clientHandshake goes. */
export function handOver(tls: TLSSocket): void {
  tls.off('error', destroyOnError);
}

/** The check of a context that must serve TLS. */
export function requireCertificate(context: TlsContext, op: string): void {
  if (!context.hasCertificate) {
    throw new SocketError(ER$TLS_NO_CERT, `${op}: the TlsContext has no certificate and key, so it cannot serve TLS`);
  }
}
