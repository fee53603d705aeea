import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { listenArguments, openArguments } from './arguments.js';
import { connected } from './connect.js';
import { ER$SKT_CLOSED, SKT$INFO_IP_ADDR, SKT$INFO_KEEP_ALIVE, SKT$INFO_NO_DELAY, SKT$INFO_TYPE_INCOMING, SKT$INFO_TYPE_OUTGOING } from './constants.js';
import { SocketError } from './errors.js';
import { SecureServerSocket } from './secure-server-socket.js';
import { SecureStreamSocket } from './secure-stream-socket.js';
import { asSocket } from './socket-base.js';
import { closeSocket, readSocket, writeSocket } from './socket.js';
import { StreamSocket } from './stream-socket.js';
import { asServer, listenTcp } from './tcp-server-socket.js';
import { createTlsContext, TlsContext } from './tls-context.js';
import { ER$TLS_HANDSHAKE } from './tls-status.js';
import { DirectReader } from './direct-reader.js';
import { clientHandshake, clientOverSocket, openTlsClient, requireCertificate, serverHandshake } from './tls-handshake.js';
import { checkTimeout } from './validation.js';
import { checkServerOptions } from './proxy-trust.js';
import type { ServerSocketOptions } from '../types/server-options.js';
import type { CertificateDescription } from '../types/tls-context.js';
import type { AcceptSocket, CloseSocket, ReadSocket, SecureServerSocket as SecureServer, SecureSocket, Socket, WriteData, WriteSocket } from '../types/socket.js';

/** The context of clients that pass none: the system's trusted CAs, full verification. */
let systemContext: TlsContext | undefined;

/**
 * Creates a server socket whose accepted connections speak TLS: the BASIC
 * `CREATE.SECURE.SERVER.SOCKET(addr, port, flags, cert, key)`. Pass a {@link TlsContext} you
 * own (the recommended form: it outlives the server socket and can be reloaded), or the paths
 * of a PEM certificate and key, from which a context is made. (The secure calls come from a
 * ScarletDME fork, Krowemoh/ScarletDME, which had them from 2023 to 2025; upstream ScarletDME
 * has none.)
 *
 * Handshakes run in the background, each bounded by the context's handshake timeout; only
 * completed ones reach `acceptSecureSocket`. Closing this socket stops listening and nothing
 * else: the connections it accepted and the context stay fully usable.
 *
 * Extension: a last argument takes {@link ServerSocketOptions}: with `proxyProtocol`, each
 * connection's PROXY header is read before its TLS handshake, and the handshake limits per
 * address count the client the header names, never the proxy.
 *
 * @param addr - local address to bind, `''` for all
 * @param port - port to listen on, 0 for any free one
 * @param flags - `SKT$BLOCKING` makes accepted sockets blocking by default
 * @param context - the TlsContext (with a certificate)
 * @param options - the PROXY protocol, for a server socket behind a proxy
 * @returns the listening secure server socket
 * @throws SocketError as `createServerSocket`; `ER$TLS_NO_CERT` (7107) for a context without
 *   a certificate; `ER$TLS_BAD_CERT` / `ER$TLS_KEY_MISMATCH` for bad files
 * @throws TypeError for arguments of the wrong type and options that are not valid
 *
 * @example
 * ```ts
 * const context = createTlsContext({ cert: 'site.crt', key: 'site.key' });
 * const srvr = await createSecureServerSocket('', 8443, SKT$BLOCKING, context);
 * const skt = await acceptSecureSocket(srvr);
 * // BASIC style, with file paths:
 * const srvr2 = await createSecureServerSocket('', 8444, SKT$BLOCKING, 'site.crt', 'site.key');
 * // Behind a load balancer that sends PROXY headers from 10.0.0.0/8:
 * const srvr3 = await createSecureServerSocket('', 8445, SKT$BLOCKING, context, { proxyProtocol: { trusted: ['10.0.0.0/8'] } });
 * ```
 *
 * @summary Creates a server socket whose accepted connections speak TLS: the BASIC
 *   `CREATE.SECURE.SERVER.SOCKET(addr, port, flags, cert, key)`.
 * @group Secure calls
 */
export async function createSecureServerSocket(
  addr: string,
  port: number,
  flags: number | undefined,
  context: TlsContext,
  options?: ServerSocketOptions,
): Promise<SecureServer>;
/**
 * {@link createSecureServerSocket} with the paths of a PEM certificate and its key, as the
 * BASIC call takes them; both are needed.
 *
 * @param addr - local address to bind, `''` for all
 * @param port - port to listen on, 0 for any free one
 * @param flags - `SKT$BLOCKING` makes accepted sockets blocking by default
 * @param certPath - the PEM certificate file's path
 * @param keyPath - the PEM key file's path
 * @param options - the PROXY protocol, for a server socket behind a proxy
 * @returns the listening secure server socket
 *
 * @example
 * ```ts
 * // SRVR = CREATE.SECURE.SERVER.SOCKET("", 8443, 0, "site.crt", "site.key")
 * const srvr = await createSecureServerSocket('', 8443, 0, 'site.crt', 'site.key');
 * ```
 *
 * @group Secure calls
 */
export async function createSecureServerSocket(
  addr: string,
  port: number,
  flags: number | undefined,
  certPath: string,
  keyPath: string,
  options?: ServerSocketOptions,
): Promise<SecureServer>;
export async function createSecureServerSocket(
  addr: string,
  port: number,
  flags: number | undefined,
  context: TlsContext | string,
  keyPathOrOptions?: string | ServerSocketOptions,
  pathFormOptions?: ServerSocketOptions,
): Promise<SecureServer> {
  const op = 'createSecureServerSocket';
  const args = listenArguments(addr, port, flags, op, true);
  // The options come after the key path in the path form, right after the context otherwise.
  const byPath = typeof context === 'string';
  const tlsContext = contextArgument(context, byPath ? keyPathOrOptions : undefined, op);
  const proxy = checkServerOptions(byPath ? pathFormOptions : keyPathOrOptions, op);
  requireCertificate(tlsContext, op);
  return new SecureServerSocket(await listenTcp(args.host, args.port, op), args.blocking, tlsContext, proxy);
}

function contextArgument(context: unknown, keyPath: unknown, op: string): TlsContext {
  if (context instanceof TlsContext) return context;
  if (typeof context === 'string' && typeof keyPath === 'string') return createTlsContext({ cert: context, key: keyPath });
  throw new TypeError(`${op}: pass a TlsContext, or a certificate path and a key path`);
}

/**
 * Waits for a connection on a secure server socket and returns it once its TLS handshake has
 * completed: the BASIC `ACCEPT.SECURE.SOCKET.CONNECTION(srvr, timeout)`. Connections whose
 * handshake fails or times out never come out of it (the server socket counts them:
 * `SKT$INFO_TLS_HANDSHAKE_FAILURES`, `SKT$INFO_TLS_HANDSHAKE_TIMEOUTS`); the others are returned
 * oldest first. Its type is {@link AcceptSocket} narrowed to secure sockets.
 *
 * @param server - a secure server socket from {@link createSecureServerSocket} (or from
 *   `createServerSocket` with a TlsContext)
 * @param timeout - milliseconds to wait; 0 or omitted waits without limit
 * @returns the accepted secure socket, its handshake done
 * @throws SocketError `ER$TIMEOUT` (1011) when no connection completed its handshake in time;
 *   `ER$SKT_CLOSED` (7013) when the server socket is or gets closed
 * @throws TypeError when `server` is not a secure server socket (use `acceptSocket` for a
 *   plain one)
 *
 * @example
 * ```ts
 * // BASIC: SKT = ACCEPT.SECURE.SOCKET.CONNECTION(SRVR, 10000)
 * const skt = await acceptSecureSocket(srvr, 10_000);
 * console.log(socketInfo(skt, SKT$INFO_TLS_PROTOCOL)); // 'TLSv1.3'
 * ```
 *
 * @summary Waits for a connection on a secure server socket and returns it once its TLS handshake
 *   has completed: the BASIC `ACCEPT.SECURE.SOCKET.CONNECTION(srvr, timeout)`.
 * @group Secure calls
 */
export async function acceptSecureSocket(server: SecureServer, timeout?: number): Promise<SecureSocket> {
  const srvr = asServer(server, 'acceptSecureSocket');
  if (!(srvr instanceof SecureServerSocket)) throw new TypeError('server is not a secure server socket; use acceptSocket');
  return (await srvr.accept(checkTimeout(timeout))) as SecureStreamSocket;
}

/**
 * Opens a TLS connection: `openSocket` plus a handshake that verifies the server's certificate
 * chain (against the context's `ca`, or the system's trusted CAs when there is no context) and
 * its host name, sending the name as SNI. A context with `rejectUnauthorized: false` skips the
 * verification: UNSAFE, for tests against servers you control only.
 *
 * @param addr - the server's address or host name (checked against its certificate)
 * @param port - the server's port
 * @param flags - `SKT$BLOCKING` or `SKT$NON_BLOCKING` (default)
 * @param context - CAs to trust, client certificate, ALPN; default: the system's CAs
 * @param connectTimeout - seconds to wait for the TCP connection; default 30; 0 leaves it to the system
 * @returns the connected secure socket
 * @throws SocketError as `openSocket`; `ER$TLS_UNTRUSTED` (7101), `ER$TLS_EXPIRED` (7102),
 *   `ER$TLS_HOSTNAME` (7103) when verification fails; `ER$TLS_HANDSHAKE` (7100) otherwise
 *
 * @example
 * ```ts
 * const context = createTlsContext({ ca: 'dev-ca.pem' });
 * const skt = await openSecureSocket('localhost', 8443, SKT$BLOCKING, context);
 * await writeSecureSocket(skt, 'GET / HTTP/1.0\r\n\r\n');
 * ```
 *
 * @summary Opens a TLS connection: `openSocket` plus a handshake that verifies the server's
 *   certificate chain (against the context's `ca`, or the system's trusted CAs when there is no
 *   context) and its host name, sending the name as SNI.
 * @group Secure calls
 */
export async function openSecureSocket(
  addr: string,
  port: number,
  flags?: number,
  context?: TlsContext,
  connectTimeout?: number,
): Promise<SecureSocket> {
  const op = 'openSecureSocket';
  const args = openArguments(addr, port, flags, connectTimeout, op, true);
  if (context !== undefined && !(context instanceof TlsContext)) throw new TypeError(`${op}: context must be a TlsContext`);
  const tlsContext = context ?? (systemContext ??= createTlsContext());
  const reader = new DirectReader();
  const client = openTlsClient(args.host, args.port, tlsContext, reader);
  await connected(client.tls, args.host, args.port, args.connectMs, op);
  const peer = await clientHandshake(client, tlsContext, op);
  return new SecureStreamSocket(client.tls, SKT$INFO_TYPE_OUTGOING, args.blocking, tlsContext, { sni: sniOf(args.host), peer, reader, endpoints: client.endpoints });
}

function sniOf(host: string): string {
  return isIP(host) === 0 ? host : '';
}

/** The argument check of the secure functions (a secure server socket can be closed too). */
export function asSecure(value: unknown, orServer = false): SecureStreamSocket | SecureServerSocket {
  const skt = asSocket(value);
  if (skt instanceof SecureStreamSocket || (orServer && skt instanceof SecureServerSocket)) return skt;
  throw new TypeError('skt is not a secure socket; use the plain function, or startTls first');
}

/**
 * Reads from a secure socket: the BASIC `READ.SECURE.SOCKET(skt, max.len, flags, timeout)`.
 * `readSocket` narrowed to secure sockets (its type is {@link ReadSocket} of
 * {@link SecureSocket}): the same parameters, result and errors, and the bytes come decrypted.
 * A plain socket is refused, by the compiler and at run time.
 *
 * @param skt - a connected secure socket
 * @param maxLen - the most bytes to return (a positive integer)
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's default
 * @param timeout - milliseconds a blocking read waits; 0 or omitted waits without limit
 * @returns between 1 and `maxLen` bytes as a Pick byte string (one character per byte, latin1)
 * @throws SocketError `ER$TIMEOUT` (1011) when nothing came within the timeout, or at once for a
 *   non-blocking read with nothing buffered; `ER$SKT_CLOSED` (7013) when the peer closed and
 *   every byte it sent has been read; `ER$FAILED` (1008) when the connection failed
 * @throws TypeError (as a rejection) when `skt` is not a secure socket
 *
 * @example
 * ```ts
 * // BASIC: DATA = READ.SECURE.SOCKET(SKT, 1024, SKT$BLOCKING, 5000)
 * const line = await readSecureSocket(skt, 1024, SKT$BLOCKING, 5000);
 * ```
 *
 * @summary Reads from a secure socket: the BASIC `READ.SECURE.SOCKET(skt, max.len, flags,
 *   timeout)`.
 * @group Secure calls
 */
export function readSecureSocket(skt: SecureSocket, maxLen: number, flags?: number, timeout?: number): Promise<string> {
  try {
    return readSocket(asSecure(skt), maxLen, flags, timeout);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Writes to a secure socket: the BASIC `WRITE.SECURE.SOCKET(skt, data, flags, timeout)`.
 * `writeSocket` narrowed to secure sockets (its type is {@link WriteSocket} of
 * {@link SecureSocket}): the same parameters, result and errors, and the bytes go out
 * encrypted. A plain socket is refused.
 *
 * @param skt - a connected secure socket
 * @param data - the bytes: a Pick byte string (characters U+0000 to U+00FF) or a Uint8Array, or
 *   an array of them sent as one gathered write
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's default
 * @param timeout - milliseconds a blocking write waits for the peer to drain; 0 or omitted
 *   waits without limit
 * @returns the number of bytes written (before encryption)
 * @throws SocketError `ER$TIMEOUT` (1011) when the peer did not drain in time; `ER$SKT_CLOSED`
 *   (7013) when the socket was closed here; `ER$FAILED` (1008) when the peer is gone
 * @throws TypeError (as a rejection) when `skt` is not a secure socket or `data` is not bytes
 *
 * @example
 * ```ts
 * // BASIC: N = WRITE.SECURE.SOCKET(SKT, "HELLO":CHAR(13):CHAR(10), SKT$BLOCKING, 5000)
 * const n = await writeSecureSocket(skt, 'HELLO\r\n', SKT$BLOCKING, 5000); // 7
 * ```
 *
 * @summary Writes to a secure socket: the BASIC `WRITE.SECURE.SOCKET(skt, data, flags, timeout)`.
 * @group Secure calls
 */
export function writeSecureSocket(skt: SecureSocket, data: WriteData, flags?: number, timeout?: number): Promise<number> {
  try {
    return writeSocket(asSecure(skt), data, flags, timeout);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Closes a secure socket: the BASIC `CLOSE.SECURE.SOCKET(skt)`. Flushes queued writes, sends
 * the TLS close_notify, then FIN. The socket's TlsContext is not touched. Given a secure server
 * socket, it stops listening, as `closeSocket` does; the sockets it accepted stay open. Its type
 * is {@link CloseSocket} of {@link SecureSocket}.
 *
 * @param skt - a secure socket, or a secure server socket
 * @returns once the socket is closed; closing a closed socket resolves too
 * @throws TypeError (as a rejection) when `skt` is not a secure socket
 *
 * @example
 * ```ts
 * // BASIC: CLOSE.SECURE.SOCKET SKT
 * await closeSecureSocket(skt);
 * ```
 *
 * @summary Closes a secure socket: the BASIC `CLOSE.SECURE.SOCKET(skt)`.
 * @group Secure calls
 */
export async function closeSecureSocket(skt: SecureSocket): Promise<void> {
  await closeSocket(asSecure(skt, true));
}

/**
 * Options of {@link startTls}.
 *
 * @example
 * ```ts
 * const options: StartTlsOptions = { role: 'client', servername: 'mail.example' };
 * ```
 *
 * @group Secure calls
 */
export interface StartTlsOptions {
  /** Which side of the handshake this end plays. Default: `'server'` for an accepted socket, `'client'` for an opened one. */
  readonly role?: 'server' | 'client';
  /** Client: the host name to verify and send as SNI. Default: the address the socket is connected to. */
  readonly servername?: string;
}

/**
 * Upgrades an open plain socket to TLS in place (STARTTLS): after a plain exchange, both ends
 * call it and go on over TLS. Bytes that had already arrived on the plain socket (a client
 * that sends its handshake right after the STARTTLS line) go into the handshake, not lost. The
 * plain socket is spent afterwards: use the returned secure socket.
 *
 * @param skt - an open, connected plain socket
 * @param context - the TlsContext: with a certificate for the server side
 * @param options - role and server name
 * @returns the secure socket over the same connection
 * @throws SocketError `ER$TLS_HANDSHAKE` (7100) and the verification statuses of
 *   `openSecureSocket`; `ER$SKT_CLOSED` (7013) for a closed socket
 *
 * @example
 * ```ts
 * await writeSocket(skt, '220 ready for TLS\r\n');
 * const secure = await startTls(skt, serverContext); // accepted socket: server side
 * const line = await readSecureSocket(secure, 1024, SKT$BLOCKING);
 * ```
 *
 * @summary Upgrades an open plain socket to TLS in place (STARTTLS): after a plain exchange, both
 *   ends call it and go on over TLS.
 * @group Secure calls
 */
export async function startTls(skt: Socket, context: TlsContext, options: StartTlsOptions = {}): Promise<SecureSocket> {
  const op = 'startTls';
  const plain = asSocket(skt);
  if (!(plain instanceof StreamSocket) || plain instanceof SecureStreamSocket) {
    throw new TypeError(`${op}: skt must be a connected plain TCP socket`);
  }
  if (!(context instanceof TlsContext)) throw new TypeError(`${op}: context must be a TlsContext`);
  if (plain.closed) throw new SocketError(ER$SKT_CLOSED, `${op}: the socket is closed`);
  const role = options.role ?? (plain.type === SKT$INFO_TYPE_INCOMING ? 'server' : 'client');
  if (role === 'server') requireCertificate(context, op);
  const { type, blocking } = plain;
  const host = options.servername ?? (plain.info(SKT$INFO_IP_ADDR) as string);
  const { stream, pending, noDelay, keepAlive, endpoints } = plain.detach();
  if (pending !== undefined) stream.unshift(pending);
  let tls: TLSSocket;
  let sni: string | undefined;
  let peer: CertificateDescription | undefined;
  if (role === 'server') {
    tls = await new Promise<TLSSocket>((resolve, reject) =>
      serverHandshake(stream, context, resolve, (outcome) =>
        reject(new SocketError(ER$TLS_HANDSHAKE, `${op}: the TLS handshake ${outcome === 'timeout' ? 'timed out' : 'failed'}`)),
      ),
    );
    sni = undefined; // the server side reads the name it got
  } else {
    const client = clientOverSocket(stream, host, context);
    peer = await clientHandshake(client, context, op);
    tls = client.tls;
    sni = sniOf(host);
  }
  const secure = new SecureStreamSocket(tls, type, blocking, context, { sni, peer, endpoints });
  if (noDelay) secure.setMode(SKT$INFO_NO_DELAY, 1);
  if (keepAlive) secure.setMode(SKT$INFO_KEEP_ALIVE, 1);
  return secure;
}
