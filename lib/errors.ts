import * as C from './constants.js';
import * as T from './tls-status.js';
import type { SocketErrorCode } from '../types/errors.js';

/** Every status number with its `ER$` name; the source of `SocketError.code`. */
const CODE_OF_STATUS: ReadonlyMap<number, SocketErrorCode> = new Map<number, SocketErrorCode>([
  [C.ER$MEM, 'ER$MEM'],
  [C.ER$BAD_NAME, 'ER$BAD_NAME'],
  [C.ER$BAD_KEY, 'ER$BAD_KEY'],
  [C.ER$FAILED, 'ER$FAILED'],
  [C.ER$TIMEOUT, 'ER$TIMEOUT'],
  [C.ER$SERVER, 'ER$SERVER'],
  [C.ER$NOSOCKET, 'ER$NOSOCKET'],
  [C.ER$CONNECT, 'ER$CONNECT'],
  [C.ER$RESOLVE, 'ER$RESOLVE'],
  [C.ER$BIND, 'ER$BIND'],
  [C.ER$SKT_CLOSED, 'ER$SKT_CLOSED'],
  [C.ERAI$ADDRFAMILY, 'ERAI$ADDRFAMILY'],
  [C.ERAI$AGAIN, 'ERAI$AGAIN'],
  [C.ERAI$BADFLAGS, 'ERAI$BADFLAGS'],
  [C.ERAI$FAIL, 'ERAI$FAIL'],
  [C.ERAI$FAMILY, 'ERAI$FAMILY'],
  [C.ERAI$MEMORY, 'ERAI$MEMORY'],
  [C.ERAI$NODATA, 'ERAI$NODATA'],
  [C.ERAI$NONAME, 'ERAI$NONAME'],
  [C.ERAI$SERVICE, 'ERAI$SERVICE'],
  [C.ERAI$SOCKTYPE, 'ERAI$SOCKTYPE'],
  [C.ERAI$SYSTEM, 'ERAI$SYSTEM'],
  [C.ER$INCOMP_PROTO, 'ER$INCOMP_PROTO'],
  [C.ER$NONBLOCK_FAIL, 'ER$NONBLOCK_FAIL'],
  [C.ER$BADADDR, 'ER$BADADDR'],
  [T.ER$TLS_HANDSHAKE, 'ER$TLS_HANDSHAKE'],
  [T.ER$TLS_UNTRUSTED, 'ER$TLS_UNTRUSTED'],
  [T.ER$TLS_EXPIRED, 'ER$TLS_EXPIRED'],
  [T.ER$TLS_HOSTNAME, 'ER$TLS_HOSTNAME'],
  [T.ER$TLS_KEY_MISMATCH, 'ER$TLS_KEY_MISMATCH'],
  [T.ER$TLS_PKCS12_PASSWORD, 'ER$TLS_PKCS12_PASSWORD'],
  [T.ER$TLS_BAD_CERT, 'ER$TLS_BAD_CERT'],
  [T.ER$TLS_NO_CERT, 'ER$TLS_NO_CERT'],
  [T.ER$TLS_NO_CA, 'ER$TLS_NO_CA'],
]);

/**
 * The one error class of the library. Where a BASIC program tests `STATUS()` after a socket
 * call, TypeScript catches a `SocketError` and tests its `status` (the same `ER$` number) or its
 * `code` (that number's name).
 *
 * @example
 * ```ts
 * try {
 *   const data = await readSocket(skt, 1024, SKT$BLOCKING, 5000);
 * } catch (err) {
 *   if (err instanceof SocketError && err.status === ER$TIMEOUT) {
 *     console.log('nothing within 5 s');
 *   } else {
 *     throw err;
 *   }
 * }
 * ```
 *
 * @summary The one error class of the library.
 * @group Errors
 */
export class SocketError extends Error {
  /** The ScarletDME status number, as `STATUS()` would return it (for example 1011). */
  readonly status: number;
  /** The name of {@link SocketError.status} (for example `'ER$TIMEOUT'`); stable, match on it. */
  readonly code: SocketErrorCode;
  /** The operating system's error name when the OS gave one (for example `'ECONNREFUSED'`). */
  readonly osError: string | undefined;
  /**
   * For a failed `writeSocket`, how many bytes of its data the socket had taken: all of them
   * after `ER$TIMEOUT` on a blocking write (they stay queued and are still sent if the peer
   * catches up), 0 when the write was refused. `undefined` for other calls and for a
   * connection that failed (what reached the peer then cannot be known).
   */
  readonly bytesWritten: number | undefined;

  /**
   * @param status - an `ER$` status number
   * @param message - what failed, for people
   * @param cause - the Node.js error behind it, if any; its `code` becomes `osError`
   * @param bytesWritten - for a failed write: the bytes of it the socket had taken
   */
  constructor(status: number, message: string, cause?: unknown, bytesWritten?: number) {
    super(message, cause === undefined ? undefined : { cause });
    const code = CODE_OF_STATUS.get(status);
    if (code === undefined) throw new RangeError(`unknown socket status ${status}`);
    this.name = 'SocketError';
    this.status = status;
    this.code = code;
    this.osError = osErrorOf(cause);
    this.bytesWritten = bytesWritten;
  }
}

/** The errno name of a Node.js system error (`'ECONNRESET'`), if it has one. */
export function osErrorOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** All status numbers with their names (for docs and tests). */
export function statusCodes(): ReadonlyMap<number, SocketErrorCode> {
  return CODE_OF_STATUS;
}
