// The BASIC socket verbs with BASIC's calling convention: every call returns what ScarletDME
// returns and sets status(); none rejects with a SocketError. Each is a thin layer over the
// main API's function of the same name (reads and writes over the same socket methods):
// arguments read as BASIC reads them, the outcome settled.
import { openSocket as open, type openSocket as OpenSocket } from '../client-socket.js';
import { SKT$BLOCKING, SKT$INFO_BLOCKING } from '../constants.js';
import { acceptSocket as accept, createServerSocket as listen } from '../server-socket.js';
import { asSocket, toLatin1, type SocketBase } from '../socket-base.js';
import { closeSocket as close } from '../socket.js';
import { TlsContext } from '../tls-context.js';
import { byteLengthOf } from '../validation.js';
import { currentFlow } from './flow.js';
import { settle } from './outcome.js';
import { basicInteger, basicNumber, basicString } from './values.js';
import type { BasicNumber, BasicSocket } from '../../types/basic.js';
import type { ServerSocketOptions } from '../../types/server-options.js';
import type { Socket, WriteData } from '../../types/socket.js';

/** What a failed OPEN.SOCKET, CREATE.SERVER.SOCKET or ACCEPT.SOCKET.CONNECTION returns. */
export const NO_SOCKET = (): 0 => 0;

/**
 * Opens a connection: the BASIC `SKT = OPEN.SOCKET(addr, port, flags)`. On failure it returns 0
 * and {@link status} says why (7005 refused, 7021 unknown name, ...).
 *
 * As in ScarletDME, the socket is non-blocking unless `flags` has `SKT$BLOCKING`: a read with
 * flags 0 then returns '' at once with status 1011 when nothing has arrived yet.
 *
 * @param addr - the server's IP address or host name
 * @param port - its port (a number or a numeric string)
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, `SKT$TCP` / `SKT$UDP`; 0 or omitted for a
 *   non-blocking TCP socket
 * @param timeoutOrContext - OpenQM's fourth argument: the connect timeout in seconds, or a
 *   TlsContext for a TLS connection (as `openSecureSocket`)
 * @returns the socket, or 0 when the connection failed
 * @throws TypeError where BASIC aborts the program: a non-numeric port or flags
 *
 * @example
 * ```ts
 * // SKT = OPEN.SOCKET(HOST, PORT, SKT$BLOCKING)
 * // IF STATUS() THEN CRT 'Cannot connect: ':STATUS() ; STOP
 * const skt = await openSocket(host, port, SKT$BLOCKING);
 * if (status()) { console.log('Cannot connect: ' + status()); return; }
 * ```
 *
 * @summary Opens a connection: the BASIC `SKT = OPEN.SOCKET(addr, port, flags)`.
 * @group BASIC calls
 */
export function openSocket(addr: string, port: BasicNumber, flags?: BasicNumber, timeoutOrContext?: BasicNumber | TlsContext): Promise<BasicSocket> {
  return settle(() => {
    const fourth = timeoutOrContext instanceof TlsContext ? timeoutOrContext : optionalNumber(timeoutOrContext, 'timeout');
    return (open as typeof OpenSocket)(basicString(addr, 'addr'), basicInteger(port, 'port'), flagsOf(flags), fourth as number | undefined);
  }, NO_SOCKET);
}

/**
 * Creates a server socket: the BASIC `SRVR = CREATE.SERVER.SOCKET(addr, port, flags)`. On
 * failure it returns 0 and {@link status} says why (7012 address in use, ...).
 *
 * As in ScarletDME, `SKT$BLOCKING` is not kept on a server socket, TCP or UDP
 * (`socketInfo(srvr, SKT$INFO_BLOCKING)` is 0: a UDP server socket's reads with flags 0 do not
 * wait) and the sockets it accepts are non-blocking; the main API's `createServerSocket` keeps
 * it and passes it on to accepted sockets instead.
 *
 * @param addr - the local address to bind, `''` for all
 * @param port - the port, 0 for any free one
 * @param flags - `SKT$TCP` (default) or `SKT$UDP`
 * @param context - a TlsContext with a certificate, to serve TLS
 * @param options - the main API's server socket options, after BASIC's arguments: the PROXY
 *   protocol, for a server behind a load balancer (`{ proxyProtocol: { trusted: [...] } }`)
 * @returns the server socket, or 0
 * @throws TypeError where BASIC aborts the program: a non-numeric port or flags
 *
 * @example
 * ```ts
 * // SRVR = CREATE.SERVER.SOCKET('', 4000, 0) ; IF STATUS() THEN STOP
 * const srvr = await createServerSocket('', 4000, 0);
 * if (status()) return;
 * // The same behind HAProxy (send-proxy-v2) on this machine: SOCKET.INFO tells the client.
 * const proxied = await createServerSocket('', 4001, 0, undefined, { proxyProtocol: { trusted: ['127.0.0.1'] } });
 * ```
 *
 * @summary Creates a server socket: the BASIC `SRVR = CREATE.SERVER.SOCKET(addr, port, flags)`.
 * @group BASIC calls
 */
export function createServerSocket(addr: string, port: BasicNumber, flags?: BasicNumber, context?: TlsContext, options?: ServerSocketOptions): Promise<BasicSocket> {
  return settle(() => listen(basicString(addr, 'addr'), basicInteger(port, 'port'), serverFlags(flags), context as TlsContext, options), NO_SOCKET);
}

/** A server socket's flags as ScarletDME keeps them: without SKT$BLOCKING, TCP and UDP alike. */
export function serverFlags(flags: BasicNumber | undefined): number {
  return (flagsOf(flags) & ~SKT$BLOCKING) >>> 0;
}

/**
 * Waits for a connection: the BASIC `SKT = ACCEPT.SOCKET.CONNECTION(srvr, timeout)`. On failure
 * (1011 nobody came in time) it returns 0. The accepted socket is non-blocking, as in
 * ScarletDME: read it with `SKT$BLOCKING` or switch it with `setSocketMode`.
 *
 * @param srvr - a server socket
 * @param timeout - milliseconds to wait, 0 without limit
 * @returns the accepted socket, or 0
 * @throws TypeError when `srvr` is not a server socket (BASIC aborts)
 *
 * @example
 * ```ts
 * // SKT = ACCEPT.SOCKET.CONNECTION(SRVR, 0)
 * const skt = await acceptSocket(srvr, 0);
 * const line = await readSocket(skt, 1024, SKT$BLOCKING, 5000);
 * ```
 *
 * @summary Waits for a connection: the BASIC `SKT = ACCEPT.SOCKET.CONNECTION(srvr, timeout)`.
 * @group BASIC calls
 */
export function acceptSocket(srvr: BasicSocket, timeout?: BasicNumber): Promise<BasicSocket> {
  return acceptVia(accept, srvr, timeout);
}

/** ACCEPT.SOCKET.CONNECTION through a main-API accept (plain or secure). */
export function acceptVia<S extends Socket>(call: (srvr: never, timeout: number) => Promise<S>, srvr: unknown, timeout: BasicNumber | undefined): Promise<S | 0> {
  return settle(() => call(srvr as never, timeoutOf(timeout)).then(nonBlocking), NO_SOCKET);
}

/** ScarletDME makes every accepted socket non-blocking, whatever its server socket's mode. */
function nonBlocking<S extends Socket>(skt: S): S {
  asSocket(skt).setMode(SKT$INFO_BLOCKING, 0);
  return skt;
}

/**
 * Reads bytes: the BASIC `DATA = READ.SOCKET(skt, max.len, flags, timeout)`. Returns at most
 * `maxLen` bytes as a byte string, or '' with {@link status} set: 1011 nothing within the time
 * (at once for a non-blocking read), 7013 the peer closed, 1008 the connection failed.
 *
 * @param skt - a connected socket, or a UDP socket
 * @param maxLen - the most bytes to return
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's mode
 * @param timeout - milliseconds a blocking read waits, 0 without limit
 * @returns the bytes read, or ''
 * @throws TypeError when `skt` is not a socket (BASIC aborts)
 *
 * @example
 * ```ts
 * // DATA = READ.SOCKET(SKT, 1024, SKT$BLOCKING, 5000) ; IF STATUS() THEN ...
 * const data = await readSocket(skt, 1024, SKT$BLOCKING, 5000);
 * if (status() === ER$TIMEOUT) console.log('nothing in 5 s');
 * ```
 *
 * @summary Reads bytes: the BASIC `DATA = READ.SOCKET(skt, max.len, flags, timeout)`.
 * @group BASIC calls
 */
export function readSocket(skt: BasicSocket, maxLen: BasicNumber, flags?: BasicNumber, timeout?: BasicNumber): Promise<string> {
  return readVia(asSocket, skt, maxLen, flags, timeout);
}

/**
 * READ.SOCKET on the socket `check` takes `skt` for (any socket, or a secure one). The read
 * settles with the flow's own failure value, so it costs no more promises than the main API's.
 */
export function readVia(check: (skt: unknown) => SocketBase, skt: unknown, maxLen: BasicNumber, flags: BasicNumber | undefined, timeout: BasicNumber | undefined): Promise<string> {
  try {
    const socket = check(skt);
    const most = basicInteger(maxLen, 'maxLen');
    const mode = flagsOf(flags);
    const ms = timeoutOf(timeout);
    const flow = currentFlow();
    flow.status = 0;
    // Asked for no bytes, nothing is read: '' with status 0 (ScarletDME reports 7013, the peer
    // closed, on a healthy connection: a difference in docs/porting.md).
    if (most < 1) return Promise.resolve('');
    return socket.read(most, mode, ms, toLatin1, flow.failedRead);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Writes bytes: the BASIC `N = WRITE.SOCKET(skt, data, flags, timeout)`. Returns the number of
 * bytes written and sets {@link status}: 0, or 1011 when the peer did not take them in time,
 * 7013 / 1008 when the connection is gone.
 *
 * @param skt - a connected socket, or a UDP socket
 * @param data - a byte string or bytes
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's mode
 * @param timeout - milliseconds a blocking write waits, 0 without limit
 * @returns the bytes written
 * @throws TypeError when `skt` is not a socket (BASIC aborts)
 *
 * @example
 * ```ts
 * // N = WRITE.SOCKET(SKT, REPLY, SKT$BLOCKING, 5000)
 * const n = await writeSocket(skt, reply, SKT$BLOCKING, 5000);
 * if (status()) console.log('wrote ' + n + ' of ' + reply.length);
 * ```
 *
 * @summary Writes bytes: the BASIC `N = WRITE.SOCKET(skt, data, flags, timeout)`.
 * @group BASIC calls
 */
export function writeSocket(skt: BasicSocket, data: WriteData | number, flags?: BasicNumber, timeout?: BasicNumber): Promise<number> {
  return writeVia(asSocket, skt, data, flags, timeout);
}

/** WRITE.SOCKET on the socket `check` takes `skt` for, settled as {@link readVia} settles. A number is written as its digits. */
export function writeVia(check: (skt: unknown) => SocketBase, skt: unknown, data: WriteData | number, flags: BasicNumber | undefined, timeout: BasicNumber | undefined): Promise<number> {
  try {
    const socket = check(skt);
    const bytes = typeof data === 'number' ? String(data) : data;
    const length = byteLengthOf(bytes);
    const flow = currentFlow();
    flow.status = 0;
    return socket.write(bytes, length, flagsOf(flags), timeoutOf(timeout), flow.failedWrite);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Closes a socket: the BASIC `CLOSE.SOCKET skt`. Leaves {@link status} as it was, as ScarletDME
 * does. Closing a server socket leaves the sockets it accepted open.
 *
 * @param skt - any socket
 * @returns when the close is done
 * @throws TypeError when `skt` is not a socket (BASIC aborts)
 *
 * @example
 * ```ts
 * // CLOSE.SOCKET SKT
 * await closeSocket(skt);
 * ```
 *
 * @summary Closes a socket: the BASIC `CLOSE.SOCKET skt`.
 * @group BASIC calls
 */
export async function closeSocket(skt: BasicSocket): Promise<void> {
  await close(skt as Socket);
}

/** The flags argument of every call: BASIC's number, 0 when omitted. */

export function flagsOf(flags: BasicNumber | undefined): number {
  if (flags === undefined) return 0;
  // ScarletDME reads flags as bits: a negative number has every high bit set, SKT$ICMP among
  // them, which fails the call with ERAI$SERVICE there, and so here.
  return basicInteger(flags, 'flags') >>> 0;
}

function timeoutOf(timeout: BasicNumber | undefined): number {
  if (timeout === undefined) return 0;
  const ms = basicNumber(timeout, 'timeout');
  // As ScarletDME: a negative timeout is no limit, like 0.
  return ms < 0 ? 0 : ms;
}

function optionalNumber(value: BasicNumber | undefined, name: string): number | undefined {
  return value === undefined ? undefined : basicNumber(value, name);
}
