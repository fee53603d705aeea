import { openArguments } from './arguments.js';
import { connectTcp } from './connect.js';
import { SKT$INFO_TYPE_OUTGOING } from './constants.js';
import { openDatagramSocket } from './datagram-socket.js';
import { DirectReader } from './direct-reader.js';
import { openSecureSocket } from './secure-socket.js';
import { StreamSocket } from './stream-socket.js';
import { TlsContext } from './tls-context.js';
import type { SecureSocket, Socket } from '../types/socket.js';

/**
 * Opens a connection to a server: the BASIC `OPEN.SOCKET(addr, port, flags)`.
 *
 * The socket is non-blocking by default, as in ScarletDME: unless `flags` has `SKT$BLOCKING`,
 * a `readSocket` with flags 0 returns at once (failing with `ER$TIMEOUT` when nothing has
 * arrived). Pass `SKT$BLOCKING` when porting code that expects reads to wait.
 *
 * The fourth argument is OpenQM's: a number is the connect timeout in seconds; a
 * {@link TlsContext} makes the socket secure, exactly as `openSecureSocket` does.
 *
 * @param addr - the server: an IPv4 or IPv6 address or a host name
 * @param port - the server's port
 * @param flags - `SKT$BLOCKING` or `SKT$NON_BLOCKING` (default), `SKT$TCP` (default) or `SKT$UDP`
 *   (`SKT$DGRM` alone changes nothing, as in ScarletDME)
 * @param connectTimeout - seconds to wait for the connection (OpenQM's fourth argument);
 *   default 30; 0 leaves it to the system
 * @returns the connected socket (`SKT$INFO_TYPE` is `SKT$INFO_TYPE_OUTGOING`). As in
 *   ScarletDME, a server that accepts and resets at once still gives a socket: its first read
 *   fails with `ER$FAILED` (ECONNRESET)
 * @throws SocketError `ER$CONNECT` (7005) when the connection fails, `osError` saying why
 *   (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...); `ERAI$NONAME` (7021) or another `ERAI$` status
 *   when the name cannot be resolved, a malformed address included (as in ScarletDME, anything
 *   that is not an IP address goes to the resolver as a name); `ER$BAD_NAME` (1003) for an empty
 *   address or one longer than 80 characters; `ERAI$SERVICE` (7022) for SKT$RAW or SKT$ICMP and
 *   for a port outside 0 to 65535
 * @throws TypeError for arguments of the wrong type
 *
 * @example
 * ```ts
 * // BASIC: SKT = OPEN.SOCKET("127.0.0.1", 4000, SKT$BLOCKING) ; IF STATUS() THEN STOP
 * const skt = await openSocket('127.0.0.1', 4000, SKT$BLOCKING);
 * await writeSocket(skt, 'HELLO' + '\r\n');
 * const reply = await readSocket(skt, 1024, 0, 5000);
 * await closeSocket(skt);
 * ```
 *
 * @group BASIC calls
 */
export async function openSocket(addr: string, port: number, flags?: number, connectTimeout?: number): Promise<Socket>;
/**
 * {@link openSocket} with a TlsContext: a TLS client socket that verifies the server.
 *
 * @param addr - the server's address or host name
 * @param port - the server's port
 * @param flags - `SKT$BLOCKING` or `SKT$NON_BLOCKING` (default)
 * @param context - CAs to trust, client certificate, ALPN
 * @returns the connected secure socket
 *
 * @example
 * ```ts
 * const skt = await openSocket('localhost', 8443, SKT$BLOCKING, createTlsContext({ ca: 'dev-ca.pem' }));
 * ```
 *
 * @group BASIC calls
 */
export async function openSocket(addr: string, port: number, flags: number | undefined, context: TlsContext): Promise<SecureSocket>;
export async function openSocket(addr: string, port: number, flags?: number, connectTimeout?: number | TlsContext): Promise<Socket> {
  if (connectTimeout instanceof TlsContext) return openSecureSocket(addr, port, flags, connectTimeout);
  const op = 'openSocket';
  const args = openArguments(addr, port, flags, connectTimeout, op);
  if (args.transport === 'udp') return openDatagramSocket(args.host, args.port, args.blocking, op);
  const reader = new DirectReader();
  const raw = await connectTcp(args.host, args.port, args.connectMs, op, reader);
  return new StreamSocket(raw, SKT$INFO_TYPE_OUTGOING, args.blocking, reader);
}
