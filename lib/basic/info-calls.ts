// SET.SOCKET.MODE, SOCKET.INFO and SERVER.ADDR with BASIC's calling convention.
import { ER$BAD_KEY } from '../constants.js';
import { basicInteger, basicString, toBasicValue } from './values.js';
import { settle, settleNow } from './outcome.js';
import { SocketError } from '../errors.js';
import { serverAddr as resolve, setSocketMode as setMode, socketInfo as info } from '../socket-info.js';
import type { BasicNumber, BasicSocket, BasicValue } from '../../types/basic.js';
import type { SocketInfoKey, SocketModeKey } from '../../types/socket-info.js';


/**
 * Changes a socket's mode: the BASIC `OK = SET.SOCKET.MODE(skt, key, value)`. Returns 1 when the
 * mode was set, 0 otherwise, with {@link status} 1006 (`ER$BAD_KEY`) for a key that cannot be set.
 *
 * @param skt - a socket
 * @param key - `SKT$INFO_BLOCKING`, `SKT$INFO_NO_DELAY`, `SKT$INFO_KEEP_ALIVE` (or the
 *   extension `SKT$INFO_LINGER`)
 * @param value - the new setting
 * @returns 1 or 0
 * @throws TypeError when `skt` is not a socket (BASIC aborts)
 *
 * @example
 * ```ts
 * // OK = SET.SOCKET.MODE(SKT, SKT$INFO.BLOCKING, 1)
 * const ok = setSocketMode(skt, SKT$INFO_BLOCKING, 1); // 1
 * ```
 *
 * @summary Changes a socket's mode: the BASIC `OK = SET.SOCKET.MODE(skt, key, value)`.
 * @group BASIC calls
 */
export function setSocketMode(skt: BasicSocket, key: BasicNumber, value: BasicNumber): 0 | 1 {
  const k = basicInteger(key, 'key') as SocketModeKey;
  const v = basicInteger(value, 'value');
  return settleNow(() => (setMode(skt as never, k, v) ? 1 : 0), () => 0);
}

/**
 * Tells something about a socket: the BASIC `X = SOCKET.INFO(skt, key)`. Yes/no answers are 1
 * and 0, as in BASIC; a key this socket does not have gives 0. `SKT$INFO_OPEN` takes any value
 * (0 for the 0 of a failed open). As in ScarletDME, it leaves {@link status} as it was. The
 * extension keys answer too: `SKT$INFO_PROXY_ADDR` and `SKT$INFO_PROXY_PORT` give `''` and 0 for
 * a socket that came without a proxy, `SKT$INFO_PROXY_REFUSED` a server socket's count.
 *
 * @param skt - a socket (any value for `SKT$INFO_OPEN`)
 * @param key - an `SKT$INFO_*` key
 * @returns the value: a number or a string
 * @throws TypeError when `skt` is not a socket and the key is not `SKT$INFO_OPEN` (BASIC aborts)
 *
 * @example
 * ```ts
 * // IF SOCKET.INFO(SKT, SKT$INFO.OPEN) THEN CRT SOCKET.INFO(SKT, SKT$INFO.IP.ADDR)
 * if (socketInfo(skt, SKT$INFO_OPEN)) console.log(socketInfo(skt, SKT$INFO_IP_ADDR));
 * ```
 *
 * @summary Tells something about a socket: the BASIC `X = SOCKET.INFO(skt, key)`.
 * @group BASIC calls
 */
export function socketInfo(skt: unknown, key: BasicNumber): BasicValue {
  const k = basicInteger(key, 'key') as SocketInfoKey;
  try {
    return toBasicValue(info(skt, k));
  } catch (err) {
    // A key this socket does not have answers 0, as every key ScarletDME does not know does.
    if (err instanceof SocketError && err.status === ER$BAD_KEY) return 0;
    throw err;
  }
}

/**
 * Resolves a host name: the BASIC `IP = SERVER.ADDR(name)`. Returns '' when it cannot, with
 * {@link status} 7001.
 *
 * @param name - a host name or an IP address
 * @returns the address, or ''
 *
 * @example
 * ```ts
 * // IP = SERVER.ADDR('localhost')
 * const ip = await serverAddr('localhost'); // '127.0.0.1'
 * ```
 *
 * @summary Resolves a host name: the BASIC `IP = SERVER.ADDR(name)`.
 * @group BASIC calls
 */
export function serverAddr(name: string): Promise<string> {
  return settle(() => resolve(basicString(name, 'name')), () => '');
}
