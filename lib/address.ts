import { isIP } from 'node:net';
import {
  ER$BAD_NAME,
  ER$BADADDR,
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

/** One label of a host name (letters, digits, hyphens, underscores as some hosts use). */
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * Checks that `host` is an IP address or a well-formed host name, without looking it up, and
 * returns it without IPv6 brackets. Malformed -> ER$BADADDR; empty -> ER$BAD_NAME.
 */
export function checkHost(host: string, op: string): string {
  if (host === '') throw new SocketError(ER$BAD_NAME, `${op}: the address is empty`);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return bare;
  const name = bare.endsWith('.') ? bare.slice(0, -1) : bare;
  const labels = name.split('.');
  // All digits and dots but not an IPv4 address (like 256.1.1.1): a mistyped address, not a name.
  const looksNumeric = /^[0-9.]+$/.test(name);
  if (looksNumeric || name.length > 253 || !labels.every((label) => LABEL.test(label))) {
    throw new SocketError(ER$BADADDR, `${op}: ${JSON.stringify(host)} is not a valid IP address or host name`);
  }
  return bare;
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
