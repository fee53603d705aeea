import { connect, type Socket as NetSocket } from 'node:net';
import { checkHost, isResolveError, resolveError } from './address.js';
import { DEFAULT_CONNECT_TIMEOUT, ER$CONNECT, SKT$BLOCKING, SKT$INFO_TYPE_OUTGOING } from './constants.js';
import { openDatagramSocket } from './datagram-socket.js';
import { osErrorOf, SocketError } from './errors.js';
import { StreamSocket } from './stream-socket.js';
import { checkAddress, checkFlags, checkPort, checkTimeout, transportOf } from './validation.js';
import type { Socket } from '../types/socket.js';

/** Connects a TCP socket; resolves once connected, with failures mapped to ScarletDME statuses. */
export async function connectTcp(host: string, port: number, timeoutMs: number, op: string): Promise<NetSocket> {
  const raw = connect({ host, port, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT' });
      raw.destroy(err);
    }, timeoutMs);
    raw.once('connect', () => {
      clearTimeout(timer);
      raw.off('error', onError);
      resolve();
    });
    const onError = (err: Error): void => {
      clearTimeout(timer);
      raw.destroy();
      if (isResolveError(err)) reject(resolveError(err, host, op));
      else reject(new SocketError(ER$CONNECT, `${op}: cannot connect to ${host}:${port} (${connectErrno(err)})`, firstCause(err)));
    };
    raw.once('error', onError);
  });
  return raw;
}

/** With happy eyeballs, Node reports an AggregateError; the first attempt's error says most. */
function firstCause(err: Error): Error {
  return osErrorOf(err) === undefined && err instanceof AggregateError && err.errors[0] instanceof Error ? err.errors[0] : err;
}

function connectErrno(err: Error): string {
  return osErrorOf(firstCause(err)) ?? err.message;
}

/**
 * Opens a connection to a server: the BASIC `OPEN.SOCKET(addr, port, flags)`.
 *
 * The socket is non-blocking by default, as in ScarletDME: unless `flags` has `SKT$BLOCKING`,
 * a `readSocket` with flags 0 returns at once (failing with `ER$TIMEOUT` when nothing has
 * arrived). Pass `SKT$BLOCKING` when porting code that expects reads to wait.
 *
 * @param addr - the server: an IPv4 or IPv6 address or a host name
 * @param port - the server's port
 * @param flags - `SKT$BLOCKING` or `SKT$NON_BLOCKING` (default), `SKT$TCP` (default) or `SKT$UDP`
 * @param connectTimeout - seconds to wait for the connection (OpenQM's fourth argument);
 *   default 30
 * @returns the connected socket (`SKT$INFO_TYPE` is `SKT$INFO_TYPE_OUTGOING`)
 * @throws SocketError `ER$CONNECT` (7005) when the connection fails, `osError` saying why
 *   (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...); `ERAI$NONAME` (7021) or another `ERAI$` status
 *   when the name cannot be resolved; `ER$BADADDR` (7027) for a malformed address;
 *   `ER$BAD_NAME` (1003) for an empty one; `ER$INCOMP_PROTO` (7025) for SKT$RAW or SKT$ICMP
 * @throws TypeError / RangeError for arguments of the wrong type or range
 *
 * @example
 * ```ts
 * // BASIC: SKT = OPEN.SOCKET("127.0.0.1", 4000, SKT$BLOCKING) ; IF STATUS() THEN STOP
 * const skt = await openSocket('127.0.0.1', 4000, SKT$BLOCKING);
 * await writeSocket(skt, 'HELLO' + '\r\n');
 * const reply = await readSocket(skt, 1024, 0, 5000);
 * await closeSocket(skt);
 * ```
 */
export async function openSocket(addr: string, port: number, flags?: number, connectTimeout?: number): Promise<Socket> {
  const op = 'openSocket';
  const host = checkHost(checkAddress(addr), op);
  checkPort(port);
  const mode = checkFlags(flags);
  const seconds = checkTimeout(connectTimeout, 'connectTimeout');
  const blocking = (mode & SKT$BLOCKING) !== 0;
  if (transportOf(mode, op) === 'udp') return openDatagramSocket(host, port, blocking, op);
  const raw = await connectTcp(host, port, seconds > 0 ? seconds * 1000 : DEFAULT_CONNECT_TIMEOUT, op);
  return new StreamSocket(raw, SKT$INFO_TYPE_OUTGOING, blocking);
}
