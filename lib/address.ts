import {
  ER$BAD_NAME,
  ER$RESOLVE,
  ERAI$ADDRFAMILY,
  ERAI$AGAIN,
  ERAI$BADFLAGS,
  ERAI$FAIL,
  ERAI$FAMILY,
  ERAI$MEMORY,
  ERAI$NODATA,
  ERAI$NONAME,
  ERAI$SERVICE,
  ERAI$SOCKTYPE,
  ERAI$SYSTEM,
} from './constants.js';
import { osErrorOf, SocketError } from './errors.js';

/** getaddrinfo() failures as Node.js names them, with ScarletDME's ERAI$ numbers. */
const RESOLVE_STATUS: ReadonlyMap<string, number> = new Map([
  ['EAI_ADDRFAMILY', ERAI$ADDRFAMILY],
  ['EAI_AGAIN', ERAI$AGAIN],
  ['EAI_BADFLAGS', ERAI$BADFLAGS],
  ['EAI_FAIL', ERAI$FAIL],
  ['EAI_FAMILY', ERAI$FAMILY],
  ['EAI_MEMORY', ERAI$MEMORY],
  ['ENODATA', ERAI$NODATA],
  ['EAI_NODATA', ERAI$NODATA],
  ['ENOTFOUND', ERAI$NONAME],
  ['EAI_NONAME', ERAI$NONAME],
  ['EAI_SERVICE', ERAI$SERVICE],
  ['EAI_SOCKTYPE', ERAI$SOCKTYPE],
  ['EAI_SYSTEM', ERAI$SYSTEM],
]);

/** The longest address OPEN.SOCKET and CREATE.SERVER.SOCKET take, in characters (ScarletDME's buffer). */
export const ADDRESS_LIMIT = 80;
/** The longest name SERVER.ADDR takes, in characters (ScarletDME's buffer). */
export const NAME_LIMIT = 64;

/**
 * Checks that `host` is not empty and not longer than ScarletDME takes (ER$BAD_NAME), and
 * returns it unchanged. Whether it is an address or a name is left to the system resolver, as
 * in ScarletDME: a malformed address such as `256.1.1.1` is an unknown name (ERAI$NONAME), and
 * the short forms inet_aton knows (`127.1` for 127.0.0.1) work.
 */
export function checkHost(host: string, op: string, limit = ADDRESS_LIMIT): string {
  if (host === '') throw new SocketError(ER$BAD_NAME, `${op}: the address is empty`);
  if (host.length > limit) throw new SocketError(ER$BAD_NAME, `${op}: the address is longer than ${limit} characters`);
  return host;
}

/** True when a Node.js error came from resolving a name (getaddrinfo). */
export function isResolveError(err: unknown): boolean {
  return (err as { syscall?: unknown } | null)?.syscall === 'getaddrinfo';
}

/** The SocketError for a failed name lookup, with ScarletDME's ERAI$ number. */
export function resolveError(err: unknown, host: string, op: string): SocketError {
  const status = RESOLVE_STATUS.get(osErrorOf(err) ?? '') ?? ER$RESOLVE;
  return new SocketError(status, `${op}: cannot resolve ${JSON.stringify(host)} (${osErrorOf(err) ?? 'unknown error'})`, err);
}
