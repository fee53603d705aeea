// read and write are the hot path: they return the socket's own promise (no async wrapper), and
// turn argument errors into rejections so callers see every failure the same way.
import { asSocket, toBuffer, toLatin1 } from './socket-base.js';
import { byteLengthOf, checkFlags, checkMaxLen, checkTimeout } from './validation.js';
import type { Socket, WriteData } from '../types/socket.js';

/**
 * Reads from a socket: the BASIC `READ.SOCKET(skt, max.len, flags, timeout)`. Resolves as soon
 * as at least one byte is there, with at most `maxLen` bytes, as a Pick byte string (one
 * character per byte, latin1), so `LEN()` and byte offsets match the BASIC original.
 *
 * A blocking read waits up to `timeout`; a non-blocking read returns at once. Flags 0 (or
 * omitted) use the socket's default mode, which is **non-blocking** unless the socket was opened
 * with `SKT$BLOCKING` or switched with `setSocketMode(skt, SKT$INFO_BLOCKING, 1)`. Bytes the
 * peer sent before closing are always delivered before the close is reported.
 *
 * @param skt - a connected socket, or a UDP socket (one datagram per read)
 * @param maxLen - the most bytes to return (a positive integer)
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's default
 * @param timeout - milliseconds a blocking read waits; 0 or omitted waits without limit
 * @returns between 1 and `maxLen` bytes as a latin1 string
 * @throws SocketError `ER$TIMEOUT` (1011) when nothing came within the timeout, or at once for a
 *   non-blocking read with nothing buffered; `ER$SKT_CLOSED` (7013) when the peer closed and
 *   every byte it sent has been read, or the socket was closed here; `ER$FAILED` (1008) when the
 *   connection failed, `osError` saying why (ECONNRESET, ...): reported by one read, the reads
 *   after it giving `ER$SKT_CLOSED`, as in ScarletDME
 * @throws TypeError when `skt` is not a socket or is a TCP server socket
 *
 * @example
 * ```ts
 * // BASIC: DATA = READ.SOCKET(SKT, 1024, SKT$BLOCKING, 5000)
 * const data = await readSocket(skt, 1024, SKT$BLOCKING, 5000);
 * console.log(`read ${data.length} bytes`);
 * ```
 *
 * @summary Reads from a socket: the BASIC `READ.SOCKET(skt, max.len, flags, timeout)`.
 * @group BASIC calls
 */
export function readSocket(skt: Socket, maxLen: number, flags?: number, timeout?: number): Promise<string> {
  try {
    return asSocket(skt).read(checkMaxLen(maxLen), checkFlags(flags), checkTimeout(timeout), toLatin1);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * {@link readSocket} that resolves with a `Buffer` instead of a string: for binary protocols
 * and for bulk data, where it saves the conversion. Same flags, timeout and errors.
 *
 * @param skt - a connected socket, or a UDP socket
 * @param maxLen - the most bytes to return
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's default
 * @param timeout - milliseconds a blocking read waits; 0 or omitted waits without limit
 * @returns between 1 and `maxLen` bytes
 * @throws SocketError as {@link readSocket}
 *
 * @example
 * ```ts
 * const header = await readSocketBuffer(skt, 4, SKT$BLOCKING, 5000);
 * const size = header.readUInt32BE(0); // (a read may return fewer than 4 bytes: loop in real code)
 * ```
 *
 * @summary {@link readSocket} that resolves with a `Buffer` instead of a string: for binary
 *   protocols and for bulk data, where it saves the conversion.
 * @group BASIC calls
 */
export function readSocketBuffer(skt: Socket, maxLen: number, flags?: number, timeout?: number): Promise<Buffer> {
  try {
    return asSocket(skt).read(checkMaxLen(maxLen), checkFlags(flags), checkTimeout(timeout), toBuffer);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Writes to a socket: the BASIC `WRITE.SOCKET(skt, data, flags, timeout)`. A blocking write
 * resolves with the byte count once the bytes have been handed to the kernel, waiting while the
 * peer does not drain. (To keep small writes fast, at most 16 KiB may still sit in the process's
 * own queue when it resolves, on its way to the kernel: that is where a TLS socket encrypts.)
 * A non-blocking write fails with `ER$TIMEOUT` at once while earlier data is still queued past
 * that mark, and otherwise queues the data and resolves.
 *
 * Strings are Pick byte strings: each character is one byte (U+0000 to U+00FF); a string with
 * wider characters is refused with a TypeError rather than silently changed. Encode text first
 * (`Buffer.from(text, 'utf8')`).
 *
 * `data` may also be an array of pieces (an extension of the BASIC call): a gathered write that
 * sends them in order as if they were one string, without joining them in JavaScript first. On
 * a connection they go to the kernel in one writev; over TLS, Node copies them together in
 * native code and encrypts them at once, so a small header and a large body go out together
 * rather than as two TLS records, the second of which Node would hold back until its first write
 * is done. On a UDP socket they make one datagram.
 *
 * @param skt - a connected socket, or a UDP socket (one datagram per write)
 * @param data - the bytes: a latin1 string or a Uint8Array, or an array of them
 * @param flags - `SKT$BLOCKING`, `SKT$NON_BLOCKING`, or 0 for the socket's default
 * @param timeout - milliseconds a blocking write waits for the peer to drain; 0 or omitted
 *   waits without limit
 * @returns the number of bytes written
 * @throws SocketError `ER$TIMEOUT` (1011) when the peer did not drain in time (the data stays
 *   queued and is still sent if the peer catches up); `ER$SKT_CLOSED` (7013) when the socket was
 *   closed here; `ER$FAILED` (1008) when the peer is gone or the connection failed, `osError`
 *   saying why (EPIPE, ECONNRESET), as ScarletDME gives 1008 when send() fails
 * @throws TypeError when `skt` is not a socket or `data` is not bytes
 *
 * @example
 * ```ts
 * // BASIC: N = WRITE.SOCKET(SKT, "PING":CHAR(13):CHAR(10), SKT$BLOCKING, 5000)
 * const n = await writeSocket(skt, 'PING\r\n', SKT$BLOCKING, 5000); // 6
 *
 * // A gathered write: a response head and a body Buffer in one write, not joined first.
 * const body = Buffer.alloc(100 * 1024);
 * const head = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`;
 * await writeSocket(skt, [head, body], SKT$BLOCKING, 30000); // head.length + 102400
 * ```
 *
 * @summary Writes to a socket: the BASIC `WRITE.SOCKET(skt, data, flags, timeout)`.
 * @group BASIC calls
 */
export function writeSocket(skt: Socket, data: WriteData, flags?: number, timeout?: number): Promise<number> {
  try {
    return asSocket(skt).write(data, byteLengthOf(data), checkFlags(flags), checkTimeout(timeout));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Closes a socket: the BASIC `CLOSE.SOCKET skt`. For a connection, queued writes are flushed,
 * then the end of stream is sent (a peer that never drains is cut off after 5 s); the promise
 * resolves once the data has been handed to the kernel. For a server socket, it stops listening:
 * the sockets it accepted stay open and usable; connections still waiting in its accept queue
 * are reset, as in ScarletDME. Closing twice is harmless.
 *
 * @param skt - any socket of the library
 * @returns when the close is done
 * @throws TypeError when `skt` is not a socket
 *
 * @example
 * ```ts
 * // BASIC: CLOSE.SOCKET SKT
 * await writeSocket(skt, 'BYE\r\n');
 * await closeSocket(skt); // BYE is delivered before the end of stream
 * ```
 *
 * @summary Closes a socket: the BASIC `CLOSE.SOCKET skt`.
 * @group BASIC calls
 */
export async function closeSocket(skt: Socket): Promise<void> {
  await asSocket(skt).close();
}
