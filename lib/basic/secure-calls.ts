// The secure socket calls with BASIC's calling convention. ScarletDME's upstream has none: they
// come from a fork that added CREATE.SECURE.SERVER.SOCKET and its companions in 2023 and dropped
// them in 2025 (docs/porting.md tells the story). They share the plain calls' convention.
import { basicInteger, basicNumber, basicString } from './values.js';
import { settle } from './outcome.js';
import {
  acceptSecureSocket as accept,
  closeSecureSocket as close,
  createSecureServerSocket as listen,
  openSecureSocket as open,
  asSecure,
} from '../secure-socket.js';
import type { TlsContext } from '../tls-context.js';
import { acceptVia, flagsOf, NO_SOCKET, readVia, serverFlags, writeVia } from './socket-calls.js';
import type { BasicNumber } from '../../types/basic.js';
import type { ServerSocketOptions } from '../../types/server-options.js';
import type { SecureServerSocket, SecureSocket, WriteData } from '../../types/socket.js';

/**
 * Creates a secure server socket: the fork's `SRVR = CREATE.SECURE.SERVER.SOCKET(addr, port,
 * flags, cert, key)`. Takes the certificate and key file paths as the fork did, or a TlsContext
 * you own. On failure it returns 0 and {@link status} says why.
 *
 * @param addr - the local address to bind, `''` for all
 * @param port - the port, 0 for any free one
 * @param flags - 0, as for `createServerSocket`
 * @param cert - the PEM certificate file's path, or a TlsContext
 * @param keyOrOptions - with a certificate path: the PEM key file's path; with a TlsContext: the
 *   options below
 * @param options - with a certificate path: the main API's server socket options (the PROXY
 *   protocol, for a server behind a load balancer)
 * @returns the secure server socket, or 0
 * @throws TypeError where BASIC aborts the program: non-numeric port or flags; no certificate
 *
 * @example
 * ```ts
 * // SRVR = CREATE.SECURE.SERVER.SOCKET('', 8443, 0, 'site.crt', 'site.key')
 * const srvr = await createSecureServerSocket('', 8443, 0, 'site.crt', 'site.key');
 * if (status()) return;
 * ```
 *
 * @summary Creates a secure server socket: the fork's `SRVR = CREATE.SECURE.SERVER.SOCKET(addr,
 *   port, flags, cert, key)`.
 * @group Secure calls
 */
export function createSecureServerSocket(
  addr: string,
  port: BasicNumber,
  flags: BasicNumber | undefined,
  cert: string | TlsContext,
  keyOrOptions?: string | ServerSocketOptions,
  options?: ServerSocketOptions,
): Promise<SecureServerSocket | 0> {
  return settle(() => listenEither(basicString(addr, 'addr'), basicInteger(port, 'port'), serverFlags(flags), cert, keyOrOptions, options), NO_SOCKET);
}

/**
 * The main API's createSecureServerSocket as its implementation takes it: it tells its two forms
 * apart (the options after the key path, or after the context), so both pass straight through.
 */
const listenEither = listen as (
  addr: string,
  port: number,
  flags: number,
  cert: string | TlsContext,
  keyOrOptions?: string | ServerSocketOptions,
  options?: ServerSocketOptions,
) => Promise<SecureServerSocket>;

/**
 * Waits for a connection whose TLS handshake has completed: the fork's
 * `SKT = ACCEPT.SECURE.SOCKET.CONNECTION(srvr, timeout)`. As `acceptSocket`: 0 on failure.
 *
 * @param srvr - a secure server socket
 * @param timeout - milliseconds to wait, 0 without limit
 * @returns the accepted secure socket (non-blocking), or 0
 * @throws TypeError when `srvr` is not a secure server socket
 *
 * @example
 * ```ts
 * const skt = await acceptSecureSocket(srvr, 0);
 * const request = await readSecureSocket(skt, 8192, SKT$BLOCKING, 10000);
 * ```
 *
 * @summary Waits for a connection whose TLS handshake has completed: the fork's `SKT =
 *   ACCEPT.SECURE.SOCKET.CONNECTION(srvr, timeout)`.
 * @group Secure calls
 */
export function acceptSecureSocket(srvr: SecureServerSocket | 0, timeout?: BasicNumber): Promise<SecureSocket | 0> {
  return acceptVia(accept, srvr, timeout);
}

/**
 * Opens a TLS connection that verifies the server (an addition: the fork had no secure
 * OPEN.SOCKET). As `openSocket`: 0 on failure, with {@link status} saying why.
 *
 * @param addr - the server's host name or address
 * @param port - its port
 * @param flags - `SKT$BLOCKING` or 0 (non-blocking)
 * @param context - CAs to trust and client certificate; omitted for the system's CAs
 * @param connectTimeout - seconds to wait for the connection
 * @returns the secure socket, or 0
 * @throws TypeError where BASIC aborts the program: a non-numeric port, flags or connect
 *   timeout; a context that is not a TlsContext
 *
 * @example
 * ```ts
 * const skt = await openSecureSocket('example.org', 443, SKT$BLOCKING);
 * if (status()) console.log('TLS failed: ' + status());
 * ```
 *
 * @summary Opens a TLS connection that verifies the server (an addition: the fork had no secure
 *   OPEN.SOCKET).
 * @group Secure calls
 */
export function openSecureSocket(addr: string, port: BasicNumber, flags?: BasicNumber, context?: TlsContext, connectTimeout?: BasicNumber): Promise<SecureSocket | 0> {
  return settle(() => {
    const seconds = connectTimeout === undefined ? undefined : basicNumber(connectTimeout, 'connectTimeout');
    return open(basicString(addr, 'addr'), basicInteger(port, 'port'), flagsOf(flags), context, seconds);
  }, NO_SOCKET);
}

/**
 * The fork's `READ.SECURE.SOCKET`: `readSocket` for secure sockets only.
 *
 * @param skt - a secure socket
 * @param maxLen - the most bytes to return
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's mode
 * @param timeout - milliseconds a blocking read waits, 0 without limit
 * @returns the bytes read, or '' with {@link status} set
 * @throws TypeError when `skt` is not a secure socket
 *
 * @example
 * ```ts
 * const data = await readSecureSocket(skt, 1024, SKT$BLOCKING, 5000);
 * ```
 *
 * @group Secure calls
 */
export function readSecureSocket(skt: SecureSocket | 0, maxLen: BasicNumber, flags?: BasicNumber, timeout?: BasicNumber): Promise<string> {
  return readVia(asSecure, skt, maxLen, flags, timeout);
}

/**
 * The fork's `WRITE.SECURE.SOCKET`: `writeSocket` for secure sockets only.
 *
 * @param skt - a secure socket
 * @param data - a byte string or bytes
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's mode
 * @param timeout - milliseconds a blocking write waits, 0 without limit
 * @returns the bytes written
 * @throws TypeError when `skt` is not a secure socket
 *
 * @example
 * ```ts
 * const n = await writeSecureSocket(skt, 'HTTP/1.1 204 No Content\r\n\r\n', SKT$BLOCKING, 5000);
 * ```
 *
 * @group Secure calls
 */
export function writeSecureSocket(skt: SecureSocket | 0, data: WriteData | number, flags?: BasicNumber, timeout?: BasicNumber): Promise<number> {
  return writeVia(asSecure, skt, data, flags, timeout);
}

/**
 * The fork's `CLOSE.SECURE.SOCKET`: sends TLS close_notify, then closes. Leaves {@link status}
 * as it was.
 *
 * @param skt - a secure socket or secure server socket
 * @returns when the close is done
 * @throws TypeError when `skt` is not a secure socket
 *
 * @example
 * ```ts
 * await closeSecureSocket(skt);
 * ```
 *
 * @summary The fork's `CLOSE.SECURE.SOCKET`: sends TLS close_notify, then closes.
 * @group Secure calls
 */
export async function closeSecureSocket(skt: SecureSocket | SecureServerSocket | 0): Promise<void> {
  await close(skt as SecureSocket);
}
