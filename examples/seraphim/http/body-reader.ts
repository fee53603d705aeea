// Request bodies, framed by Content-Length or chunked transfer coding (RFC 9112 6 and 7.1),
// read exactly: the bytes after a body are the next request's, whatever the method. A body that
// no handler will read is skipped: read to its end and dropped as it comes, never held.
import { HttpError, type RequestHead, type RequestLimits } from './request-parser.js';
import type { SocketReader } from './socket-reader.js';

const CR = 0x0d;
const LF = 0x0a;
/** A chunk-size line with its extensions, at most. */
const MAX_CHUNK_LINE = 4096;
const CHUNK_SIZE = /^([0-9a-fA-F]{1,8})[ \t]*(;.*)?$/;
const TRAILER_FIELD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\x00-\x08\x0a-\x1f\x7f]*$/;

/** The peer closed the connection in the middle of a body. */
export class BodyTruncated extends Error {}

/**
 * Takes room for bytes of a body about to be held; throws (HttpError 503) when there is none.
 * A chunked body's room is taken chunk by chunk, a Content-Length body's before it is read.
 */
export type ReserveRoom = (bytes: number) => void;

/** Held bytes go nowhere: a skipped body. */
const SKIP: ReserveRoom | undefined = undefined;
/** What readChunked returns when it stopped skipping a body at its bound, before its end. */
const SKIPPED_PART = Symbol('skipped part of a body');

/**
 * Reads the body `head` announces.
 *
 * @param deadline - when the whole body must have arrived (`Date.now()` value)
 * @param reserve - takes room for the bytes about to be held
 * @throws HttpError 413 past `limits.maxBody`, 400 for malformed chunked coding, 503 from `reserve`
 * @throws BodyTruncated when the peer closed first; ReadTimeout past the deadline
 */
export async function readBody(reader: SocketReader, head: RequestHead, limits: RequestLimits, deadline: number, reserve: ReserveRoom): Promise<Buffer> {
  if (head.chunked) return (await readChunked(reader, limits, deadline, reserve)) as Buffer;
  if (head.contentLength > limits.maxBody) throw new HttpError(413, 'request body too large');
  reserve(head.contentLength);
  return (await readExactly(reader, head.contentLength, deadline, true)) as Buffer;
}

/**
 * Reads the body `head` announces to its end and drops it as it comes: for a body that no
 * handler will read. The same limits and errors as `readBody`; nothing is held. Only a small
 * body is skipped so: past `atMost` bytes (a Content-Length that says more is not read at all),
 * it stops, and the connection is not to be used for another request.
 *
 * @param atMost - bytes of body (de-chunked) skipped at most
 * @returns `true` when the whole body was skipped, `false` when it stopped at `atMost`
 */
export async function skipBody(reader: SocketReader, head: RequestHead, limits: RequestLimits, deadline: number, atMost: number): Promise<boolean> {
  if (head.chunked) return (await readChunked(reader, limits, deadline, SKIP, atMost)) !== SKIPPED_PART;
  if (head.contentLength > limits.maxBody) throw new HttpError(413, 'request body too large');
  if (head.contentLength > atMost) return false;
  await readExactly(reader, head.contentLength, deadline, false);
  return true;
}

/** Reads `length` bytes: kept and returned, or (`keep` false) dropped. */
async function readExactly(reader: SocketReader, length: number, deadline: number, keep: boolean): Promise<Buffer | undefined> {
  if (length === 0) return keep ? Buffer.alloc(0) : undefined;
  const parts: Buffer[] = [];
  let missing = length;
  for (;;) {
    const part = reader.take(missing);
    if (part.length > 0) {
      // Copied: the pending buffer may be a slice of a larger read.
      if (keep) parts.push(Buffer.from(part));
      missing -= part.length;
    }
    if (missing === 0) {
      if (!keep) return undefined;
      return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length);
    }
    if (!(await reader.fill(deadline))) throw new BodyTruncated('the peer closed during the body');
  }
}

/** One CRLF-terminated line (without the CRLF), at most `max` bytes. */
async function readLine(reader: SocketReader, max: number, deadline: number): Promise<string> {
  let scanFrom = 0;
  for (;;) {
    const pending = reader.pending;
    const lf = pending.indexOf(LF, scanFrom);
    if (lf >= 0) {
      if (lf === 0 || pending[lf - 1] !== CR) throw new HttpError(400, 'bare LF in chunked body');
      const line = pending.toString('latin1', 0, lf - 1);
      if (line.includes('\r')) throw new HttpError(400, 'bare CR in chunked body');
      reader.consume(lf + 1);
      return line;
    }
    if (pending.length > max) throw new HttpError(400, 'chunk line too long');
    scanFrom = pending.length;
    if (!(await reader.fill(deadline))) throw new BodyTruncated('the peer closed during a chunked body');
  }
}

/**
 * A chunked body, de-chunked: kept (room taken with `reserve`, chunk by chunk) or, without
 * `reserve`, dropped; a dropped one only up to `skipAtMost` bytes (SKIPPED_PART past that).
 */
async function readChunked(
  reader: SocketReader,
  limits: RequestLimits,
  deadline: number,
  reserve: ReserveRoom | undefined,
  skipAtMost = Number.POSITIVE_INFINITY,
): Promise<Buffer | undefined | typeof SKIPPED_PART> {
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const match = CHUNK_SIZE.exec(await readLine(reader, MAX_CHUNK_LINE, deadline));
    if (match === null) throw new HttpError(400, 'malformed chunk size');
    const size = parseInt(match[1] as string, 16);
    if (size === 0) break;
    total += size;
    if (total > limits.maxBody) throw new HttpError(413, 'request body too large');
    if (reserve === undefined && total > skipAtMost) return SKIPPED_PART;
    reserve?.(size);
    const chunk = await readExactly(reader, size, deadline, reserve !== undefined);
    if (chunk !== undefined) parts.push(chunk);
    if ((await readLine(reader, 2, deadline)) !== '') throw new HttpError(400, 'chunk data not followed by CRLF');
  }
  // Trailer fields: checked for syntax and bounded, then dropped.
  let trailerBytes = 0;
  for (let lines = 0; ; lines++) {
    const line = await readLine(reader, limits.maxHeaderBytes, deadline);
    if (line === '') break;
    trailerBytes += line.length + 2;
    if (lines >= limits.maxHeaderLines || trailerBytes > limits.maxHeaderBytes) throw new HttpError(431, 'trailer section too large');
    if (!TRAILER_FIELD.test(line)) throw new HttpError(400, 'malformed trailer field');
  }
  return reserve === undefined ? undefined : Buffer.concat(parts, total);
}
