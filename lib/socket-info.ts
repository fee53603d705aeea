import { lookup } from 'node:dns/promises';
import { checkHost, isResolveError, NAME_LIMIT } from './address.js';
import { ER$SERVER, SKT$INFO_OPEN } from './constants.js';
import { SocketError } from './errors.js';
import { asSocket, SocketBase } from './socket-base.js';
import { checkAddress } from './validation.js';
import type { Socket } from '../types/socket.js';
import type { SocketInfoKey, SocketInfoValues, SocketModeKey } from '../types/socket-info.js';

/**
 * Changes a socket's mode: the BASIC `SET.SOCKET.MODE(skt, key, value)`.
 *
 * - `SKT$INFO_BLOCKING`: the default mode of reads and writes whose flags are 0 (1 blocking,
 *   0 non-blocking). On a server socket: the default of the sockets it accepts from now on.
 * - `SKT$INFO_NO_DELAY`: 1 turns Nagle's algorithm off (TCP_NODELAY).
 * - `SKT$INFO_KEEP_ALIVE`: 1 turns TCP keep-alive probes on, 0 off (ScarletDME turns them on
 *   for 0 too, a defect not copied).
 * - `SKT$INFO_LINGER`: milliseconds a close lets queued bytes drain (default 5000); 0 closes at
 *   once, dropping them.
 * - `SKT$INFO_PEER_HANDSHAKES`, `SKT$INFO_PEER_HANDSHAKE_RATE` (secure server socket): the TLS
 *   handshakes one peer address may run at once (default 64) and start a second after that
 *   burst (default 32); 0 means no limit.
 *
 * On a server socket, NO_DELAY and KEEP_ALIVE apply to the sockets it accepts.
 *
 * @param skt - any socket of the library
 * @param key - one of the keys above
 * @param value - the new setting (truthy or falsy)
 * @returns `true`, as BASIC's 1 for success
 * @throws SocketError `ER$BAD_KEY` (1006) for a key that cannot be set on this socket (where
 *   ScarletDME returns 0 with STATUS() 1006)
 * @throws TypeError when `skt` is not a socket
 *
 * @example
 * ```ts
 * // BASIC: OK = SET.SOCKET.MODE(SKT, SKT$INFO.BLOCKING, 1)
 * setSocketMode(skt, SKT$INFO_BLOCKING, 1);
 * const line = await readSocket(skt, 1024); // now waits
 * ```
 *
 * @group BASIC calls
 */
export function setSocketMode(skt: Socket, key: SocketModeKey, value: number | boolean): true {
  asSocket(skt).setMode(key, value);
  return true;
}

/**
 * Tells something about a socket: the BASIC `SOCKET.INFO(skt, key)`. The return type follows
 * the key. `SKT$INFO_OPEN` takes any value and is `false` for one that is not an open socket.
 *
 * Keys: `SKT$INFO_OPEN`, `SKT$INFO_TYPE`, `SKT$INFO_PORT`, `SKT$INFO_IP_ADDR`,
 * `SKT$INFO_BLOCKING`, `SKT$INFO_NO_DELAY`, `SKT$INFO_KEEP_ALIVE`, `SKT$INFO_FAMILY`, and the
 * additions `SKT$INFO_LOCAL_ADDR`, `SKT$INFO_LOCAL_PORT`, `SKT$INFO_QUEUED`,
 * `SKT$INFO_DROPPED`, `SKT$INFO_PEER_ADDR`, `SKT$INFO_PEER_PORT`, `SKT$INFO_LINGER`, the PROXY
 * protocol's `SKT$INFO_PROXY_ADDR`, `SKT$INFO_PROXY_PORT` (connected sockets) and
 * `SKT$INFO_PROXY_REFUSED` (TCP server sockets), and for
 * secure sockets `SKT$INFO_TLS_PROTOCOL`, `SKT$INFO_TLS_CIPHER`, `SKT$INFO_TLS_PEER_SUBJECT`,
 * `SKT$INFO_TLS_PEER_CERT`, `SKT$INFO_TLS_SNI`, `SKT$INFO_TLS_RESUMED`, `SKT$INFO_TLS_ALPN`
 * and (secure server sockets) `SKT$INFO_TLS_HANDSHAKE_FAILURES`,
 * `SKT$INFO_TLS_HANDSHAKE_TIMEOUTS`, `SKT$INFO_TLS_HANDSHAKING`, `SKT$INFO_PEER_HANDSHAKES`,
 * `SKT$INFO_PEER_HANDSHAKE_RATE`.
 *
 * @param skt - a socket (any value for `SKT$INFO_OPEN`)
 * @param key - an `SKT$INFO_*` key
 * Extensions: yes/no keys give `true`/`false` where BASIC gives 1/0, and a key the socket does
 * not have throws, where ScarletDME returns 0 and leaves STATUS() as it was.
 *
 * @returns the value for that key, typed by {@link SocketInfoValues}
 * @throws SocketError `ER$BAD_KEY` (1006) for a key this socket does not have (extension)
 * @throws TypeError when `skt` is not a socket (except for `SKT$INFO_OPEN`)
 *
 * @example
 * ```ts
 * // BASIC: PORT = SOCKET.INFO(SRVR, SKT$INFO.PORT)
 * const srvr = await createServerSocket('127.0.0.1', 0);
 * const port = socketInfo(srvr, SKT$INFO_PORT); // number
 * socketInfo('not a socket', SKT$INFO_OPEN); // false
 * ```
 *
 * @summary Tells something about a socket: the BASIC `SOCKET.INFO(skt, key)`.
 * @group BASIC calls
 */
export function socketInfo<K extends SocketInfoKey>(skt: unknown, key: K): SocketInfoValues[K] {
  if (key === SKT$INFO_OPEN) return (skt instanceof SocketBase && !skt.closed) as SocketInfoValues[K];
  return asSocket(skt).info(key) as SocketInfoValues[K];
}

/**
 * Resolves a host name to an IP address: the BASIC `SERVER.ADDR(name)`. An IP address is
 * returned as it is; the short forms the system resolver knows are completed (`127.1` gives
 * `127.0.0.1`), as in ScarletDME.
 *
 * @param name - a host name or IP address, at most 64 characters (ScarletDME's limit)
 * @returns the first address the system resolver gives (IPv4 or IPv6)
 * @throws SocketError `ER$SERVER` (7001) when the resolver refuses the name, unknown or
 *   malformed (`osError` says why); `ER$BAD_NAME` (1003) for an empty name or one longer than
 *   64 characters. (ScarletDME sets 7001 too, then crashes in its clean-up; this library does
 *   not copy the crash.)
 *
 * @example
 * ```ts
 * // BASIC: IP = SERVER.ADDR("localhost")
 * const ip = await serverAddr('localhost'); // '127.0.0.1' or '::1'
 * ```
 *
 * @summary Resolves a host name to an IP address: the BASIC `SERVER.ADDR(name)`.
 * @group BASIC calls
 */
export async function serverAddr(name: string): Promise<string> {
  const host = checkHost(checkAddress(name, 'name'), 'serverAddr', NAME_LIMIT);
  try {
    return (await lookup(host)).address;
  } catch (err) {
    if (!isResolveError(err)) throw err;
    throw new SocketError(ER$SERVER, `serverAddr: cannot resolve ${JSON.stringify(name)}`, err);
  }
}
