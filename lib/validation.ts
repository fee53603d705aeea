import { ERAI$SERVICE, SKT$BLOCKING, SKT$ICMP, SKT$NON_BLOCKING, SKT$RAW, SKT$UDP } from './constants.js';
import { SocketError } from './errors.js';
import type { SocketData, WriteData } from '../types/socket.js';

/** Any byte outside a Pick byte string's range U+0000..U+00FF. */
const NOT_A_BYTE = /[^\u0000-\u00ff]/;

/**
 * An integer port. One outside 0 to 65535 fails as in ScarletDME, whose resolver refuses it as
 * a service: ERAI$SERVICE. (ScarletDME takes a port above 65535 modulo 65536, silently using
 * another port; this library refuses it too.)
 */
export function checkPort(port: unknown, name = 'port'): number {
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`${name} must be an integer, got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new SocketError(ERAI$SERVICE, `${name} must be 0 to 65535, got ${port}`);
  return port;
}

export function checkFlags(flags: unknown, name = 'flags'): number {
  if (flags === undefined) return 0;
  if (typeof flags !== 'number' || !Number.isInteger(flags) || flags < 0) {
    throw new TypeError(`${name} must be a non-negative integer of SKT$ flags, got ${describe(flags)}`);
  }
  return flags;
}

/** Milliseconds, 0 meaning without limit. */
export function checkTimeout(timeout: unknown, name = 'timeout'): number {
  if (timeout === undefined) return 0;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new TypeError(`${name} must be a number of milliseconds >= 0 (0 waits without limit), got ${describe(timeout)}`);
  }
  return timeout;
}

/** A whole-number limit, 0 meaning none. */
export function checkLimit(limit: unknown, name: string): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw new TypeError(`${name} must be a whole number >= 0 (0: no limit), got ${describe(limit)}`);
  }
  return limit;
}

export function checkMaxLen(maxLen: unknown): number {
  if (typeof maxLen !== 'number' || !Number.isInteger(maxLen) || maxLen < 1) {
    throw new TypeError(`maxLen must be a positive integer, got ${describe(maxLen)}`);
  }
  return maxLen;
}

export function checkAddress(addr: unknown, name = 'addr'): string {
  if (typeof addr !== 'string') throw new TypeError(`${name} must be a string, got ${describe(addr)}`);
  return addr;
}

/**
 * Validates data for a write, one piece or the pieces of a gathered write, and returns its
 * length in bytes.
 */
export function byteLengthOf(data: WriteData): number {
  if (!Array.isArray(data)) return pieceLength(data as SocketData, 'data');
  let length = 0;
  for (let i = 0; i < data.length; i++) length += pieceLength(data[i], `data[${i}]`);
  return length;
}

function pieceLength(piece: SocketData, name: string): number {
  if (typeof piece === 'string') {
    if (NOT_A_BYTE.test(piece)) {
      throw new TypeError(
        `${name} is a string with characters above U+00FF; a Pick byte string holds one byte per character: ` +
          "encode text first, e.g. Buffer.from(text, 'utf8')",
      );
    }
    return piece.length;
  }
  if (piece instanceof Uint8Array) return piece.byteLength;
  throw new TypeError(`${name} must be a string or a Uint8Array${name === 'data' ? ' (or an array of them)' : ''}, got ${describe(piece)}`);
}

/** Resolves a call's blocking mode: its flags first, else the socket's default. */
export function isBlocking(flags: number, socketDefault: boolean): boolean {
  if (flags & SKT$BLOCKING) return true;
  if (flags & SKT$NON_BLOCKING) return false;
  return socketDefault;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

/**
 * The transport a socket's flags ask for, as ScarletDME reads them: only SKT$UDP makes a
 * datagram socket (SKT$DGRM alone changes nothing, SKT$TCP and SKT$STREAM being 0). Raw and
 * ICMP sockets fail with ERAI$SERVICE, the status ScarletDME's resolver gives them; on a server
 * socket ScarletDME ignores SKT$RAW (only SKT$ICMP fails), and so does this.
 */
export function transportOf(flags: number, op: string, role: 'open' | 'listen'): 'tcp' | 'udp' {
  const refused = role === 'open' ? SKT$RAW | SKT$ICMP : SKT$ICMP;
  if (flags & refused) {
    throw new SocketError(ERAI$SERVICE, `${op}: raw and ICMP sockets (${role === 'open' ? 'SKT$RAW, ' : ''}SKT$ICMP) are not available`);
  }
  return flags & SKT$UDP ? 'udp' : 'tcp';
}
