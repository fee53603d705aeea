import { bindDatagramSocket } from './datagram-socket.js';
import { createSecureServerSocket } from './secure-socket.js';
import { asServer, listenTcp, TcpServerSocket } from './tcp-server-socket.js';
import { listenArguments } from './arguments.js';
import type { TlsContext } from './tls-context.js';
import { checkServerOptions } from './proxy-trust.js';
import { checkTimeout } from './validation.js';
import { ER$INCOMP_PROTO } from './constants.js';
import { SocketError } from './errors.js';
import type { ServerSocketOptions } from '../types/server-options.js';
import type { SecureServerSocket, ServerSocket, Socket } from '../types/socket.js';

/**
 * Creates a server socket listening on `addr` and `port`: the BASIC
 * `CREATE.SERVER.SOCKET(addr, port, flags)`.
 *
 * `addr` `''` binds every local address (ScarletDME documents that too, but there it fails with
 * `ERAI$NONAME`). Port 0 lets the system pick a free port, which `socketInfo(srvr,
 * SKT$INFO_PORT)` then tells (an extension: ScarletDME reports the port argument, 0). With
 * `SKT$UDP` the result is a UDP socket that is read and written directly. With a
 * {@link TlsContext} as fourth argument (OpenQM's reserved `context` slot) the server socket is
 * secure, exactly as `createSecureServerSocket` makes it.
 *
 * Extension: a last argument, after BASIC's, takes {@link ServerSocketOptions}: with
 * `proxyProtocol`, the server socket sits behind a proxy or load balancer that opens every
 * connection with a PROXY header (v1 or v2), and the sockets it accepts tell the client's
 * address (see {@link ProxyProtocolOptions}).
 *
 * Extension: with `SKT$BLOCKING` the sockets it accepts are blocking by default, and
 * `socketInfo(srvr, SKT$INFO_BLOCKING)` is true. In ScarletDME every accepted socket is
 * non-blocking whatever the server socket's flags, and a new server socket's SKT$INFO.BLOCKING
 * is 0: a port that keeps the BASIC program's shape passes `SKT$BLOCKING` to its reads.
 *
 * @param addr - local address to bind: an IPv4 or IPv6 address, a host name, or `''` for all
 * @param port - port to listen on, 0 for any free one
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, `SKT$TCP` (default) or `SKT$UDP`
 * @param context - a TlsContext with a certificate, to serve TLS; omitted for plain TCP
 * @param options - the PROXY protocol, for a TCP server socket behind a proxy
 * @returns the listening server socket
 * @throws SocketError `ER$BIND` (7012) when the address cannot be bound, `osError` saying why
 *   (EADDRINUSE, EACCES, EADDRNOTAVAIL); an `ERAI$` status when the name cannot be resolved, a
 *   malformed address included (`ERAI$NONAME`, 7021); `ER$BAD_NAME` (1003) for an address longer
 *   than 80 characters; `ERAI$SERVICE` (7022) for SKT$ICMP and for a port outside 0 to 65535.
 *   (SKT$RAW is ignored here, as in ScarletDME.) `ER$INCOMP_PROTO` (7025) for the PROXY protocol
 *   on a UDP socket.
 * @throws TypeError for arguments of the wrong type, and options that are not valid (a
 *   `trusted` entry that is not an address or CIDR range)
 *
 * @example
 * ```ts
 * // BASIC: SRVR = CREATE.SERVER.SOCKET("", 4000, SKT$BLOCKING)
 * const srvr = await createServerSocket('', 4000, SKT$BLOCKING);
 * for (;;) {
 *   const skt = await acceptSocket(srvr);
 *   const line = await readSocket(skt, 1024);
 *   await writeSocket(skt, line);
 *   await closeSocket(skt);
 * }
 * // Behind HAProxy (send-proxy-v2) on the same machine: the accepted sockets tell the client.
 * const proxied = await createServerSocket('', 4001, SKT$BLOCKING, undefined, { proxyProtocol: { trusted: ['127.0.0.1'] } });
 * ```
 *
 * @group BASIC calls
 */
export async function createServerSocket(addr: string, port: number, flags?: number, context?: undefined, options?: ServerSocketOptions): Promise<ServerSocket>;
/**
 * {@link createServerSocket} with a TlsContext: a secure server socket.
 *
 * @param addr - local address to bind, `''` for all
 * @param port - port to listen on, 0 for any free one
 * @param flags - `SKT$BLOCKING` makes accepted sockets blocking by default
 * @param context - a TlsContext with a certificate
 * @param options - the PROXY protocol, for a server socket behind a proxy
 * @returns the listening secure server socket
 *
 * @example
 * ```ts
 * const srvr = await createServerSocket('', 8443, SKT$BLOCKING, createTlsContext({ cert, key }));
 * const skt = await acceptSecureSocket(srvr);
 * ```
 *
 * @group BASIC calls
 */
export async function createServerSocket(
  addr: string,
  port: number,
  flags: number | undefined,
  context: TlsContext,
  options?: ServerSocketOptions,
): Promise<SecureServerSocket>;
export async function createServerSocket(
  addr: string,
  port: number,
  flags?: number,
  context?: TlsContext,
  options?: ServerSocketOptions,
): Promise<ServerSocket> {
  if (context !== undefined) return createSecureServerSocket(addr, port, flags, context, options);
  const op = 'createServerSocket';
  const args = listenArguments(addr, port, flags, op);
  const proxy = checkServerOptions(options, op);
  if (args.transport === 'udp') {
    if (proxy !== undefined) throw new SocketError(ER$INCOMP_PROTO, `${op}: the PROXY protocol is for TCP; a UDP socket has no connections`);
    return bindDatagramSocket(args.host, args.port, args.blocking, op);
  }
  return new TcpServerSocket(await listenTcp(args.host, args.port, op), args.blocking, proxy);
}

/**
 * Waits for a connection on a server socket and returns it: the BASIC
 * `ACCEPT.SOCKET.CONNECTION(srvr, timeout)`. Connections that arrived earlier are returned at
 * once, oldest first.
 *
 * @param server - a TCP server socket from `createServerSocket`
 * @param timeout - milliseconds to wait; 0 or omitted waits without limit
 * @returns the accepted socket (`SKT$INFO_TYPE` is `SKT$INFO_TYPE_INCOMING`)
 * @throws SocketError `ER$TIMEOUT` (1011) when no connection came in time; `ER$SKT_CLOSED`
 *   (7013) when the server socket is or gets closed; `ER$INCOMP_PROTO` (7025) for a UDP socket
 * @throws TypeError when `server` is not a server socket
 *
 * @example
 * ```ts
 * // BASIC: SKT = ACCEPT.SOCKET.CONNECTION(SRVR, 10000) ; IF STATUS() THEN ...
 * try {
 *   const skt = await acceptSocket(srvr, 10_000);
 *   console.log('client', socketInfo(skt, SKT$INFO_IP_ADDR), socketInfo(skt, SKT$INFO_PORT));
 * } catch (err) {
 *   if (err instanceof SocketError && err.code === 'ER$TIMEOUT') console.log('nobody came');
 *   else throw err;
 * }
 * ```
 *
 * @summary Waits for a connection on a server socket and returns it: the BASIC
 *   `ACCEPT.SOCKET.CONNECTION(srvr, timeout)`.
 * @group BASIC calls
 */
export async function acceptSocket(server: ServerSocket, timeout?: number): Promise<Socket> {
  return asServer(server, 'acceptSocket').accept(checkTimeout(timeout));
}

