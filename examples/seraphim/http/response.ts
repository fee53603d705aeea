// Responses on the wire: the status line, the header fields, and a body that is either bytes in
// memory or a byte range of an open file, streamed in chunks with each write awaited. A head is
// one string (the status line and the fixed fields are serialized once); it goes out in one write
// with its body: copied in front of a small one, gathered with a larger one (not joined here) or
// with a file's first chunk. A small cached file's response is kept whole (whole-response.ts).
// A response sent in one write waits for the end of the event loop's round of I/O (io-round.ts).
import type { FileHandle } from 'node:fs/promises';
import { SKT$BLOCKING, writeSocket, type Socket, type WriteData } from 'scarlet-sockets';
import { fileReads } from './file-reads.js';
import { checkField, dateLine, lowerName, type HeaderBlock, type HeaderField } from './headers.js';
import { endOfIoRound } from './io-round.js';
import type { WholeResponse } from './whole-response.js';

/** A byte range of an open file; the writer closes the handle when done (or calls `release`). */
export interface FileBody {
  handle: FileHandle;
  start: number;
  length: number;
  /** For a handle shared with others: called instead of closing it. */
  release?: () => void;
}

/**
 * Lets go of a response's file: gives a shared one back with `release`, else closes it. Never
 * rejects: a file only read from can fail to close only when its descriptor is gone already,
 * which loses nothing, so that is a process warning rather than an error in a response that has
 * no more use for the file.
 */
export function letGoOfFile(handle: FileHandle, release: (() => void) | undefined): Promise<void> {
  if (release !== undefined) {
    release();
    return Promise.resolve();
  }
  return handle.close().catch((err: unknown) => process.emitWarning(`SERAPHIM could not close a file it served: ${String(err)}`));
}

/** A response as the connection sends it. */
export interface OutgoingResponse {
  status: number;
  /** Header fields by lower-case name: [name as sent, value]. */
  headers: Map<string, HeaderField>;
  /** More fields, serialized once (none of them also in `headers`: setHeader sees to that). */
  preset?: HeaderBlock;
  body?: Buffer;
  file?: FileBody;
  /**
   * For a 200 with the whole of a small cached file: where the writer keeps this very response
   * serialized whole (head and body in one Buffer), to send it as it is while it stays right.
   */
  whole?: WholeResponse;
}

/** Bytes of a file read and written at a time. */
const FILE_CHUNK = 64 * 1024;
/** A write this small may resolve before the stream handed its bytes on: Node's high-water mark of a socket. */
const SMALL_WRITE = 16 * 1024;
/**
 * A head and a body in memory this small in all are copied into one buffer, which comes from
 * Node's Buffer pool (smaller than half of Buffer.poolSize, 8 KiB): cheaper than a gathered
 * write's bookkeeping. Past it, they go out as a gathered write instead: copying both into one
 * JavaScript buffer cost more (measured with 12 KiB bodies: about 24 us of server CPU per
 * response against 17 over plain HTTP, and GC from 3 % to 11 % of the server's time), and two
 * separate writes would send the body over TLS only after every other connection ready in the
 * same round of the event loop (see writeSocket).
 */
const JOIN_LIMIT = 4 * 1024 - 1;

/**
 * The most bytes of a body in memory handed over in one write. Over TLS a write is encrypted
 * whole into the connection's own buffer, so this bounds what a client that stops reading makes
 * the server hold for it (the body itself is shared between responses); a smaller body goes out
 * with its head in one write.
 */
const BODY_SLICE = 256 * 1024;

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  100: 'Continue', 200: 'OK', 201: 'Created', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect',
  308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required',
  413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable',
  417: 'Expectation Failed', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented',
  503: 'Service Unavailable', 505: 'HTTP Version Not Supported',
};

/** `HTTP/1.1 200 OK\r\n` and the like, made once per status. */
const STATUS_LINES = new Map<number, string>(Object.entries(STATUS_TEXT).map(([code, text]) => [Number(code), `HTTP/1.1 ${code} ${text}\r\n`]));

function statusLine(status: number): string {
  return STATUS_LINES.get(status) ?? `HTTP/1.1 ${status} Unknown\r\n`;
}

/** Sets a header, replacing any of the same name (case-insensitive). */
export function setHeader(response: OutgoingResponse, name: string, value: string): void {
  const key = checkField(name, value);
  unpreset(response, key);
  response.headers.set(key, [name, value]);
}

/** Removes a header (case-insensitive), preset or not. */
export function deleteHeader(response: OutgoingResponse, name: string): void {
  const key = lowerName(name);
  unpreset(response, key);
  response.headers.delete(key);
}

/** When `key` is one of the preset fields, they all become ordinary ones, so that it can be changed. */
function unpreset(response: OutgoingResponse, key: string): void {
  const { preset } = response;
  if (!preset?.names.has(key)) return;
  response.preset = undefined;
  for (const field of preset.fields) response.headers.set(lowerName(field[0]), field);
}

/**
 * An empty response with every field the writer reads, in one order: each response then has the
 * same shape, and the writer's reads of its fields stay monomorphic (one hidden class to check,
 * not one per place a response is made).
 */
export function newResponse(status: number, preset?: HeaderBlock): OutgoingResponse {
  return { status, headers: new Map(), preset, body: undefined, file: undefined, whole: undefined };
}

/** A response with a body in memory. */
export function makeResponse(status: number, body?: Buffer | string, contentType?: string): OutgoingResponse {
  const response = newResponse(status);
  if (body !== undefined) response.body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (contentType !== undefined) setHeader(response, 'Content-Type', contentType);
  return response;
}

/** A small HTML page for an error or a redirect. */
export function errorResponse(status: number, headers: Record<string, string> = {}): OutgoingResponse {
  const text = `${status} ${STATUS_TEXT[status] ?? ''}`.trim();
  const response = makeResponse(status, `<!doctype html>\n<title>${text}</title>\n<h1>${text}</h1>\n`, 'text/html; charset=utf-8');
  for (const [name, value] of Object.entries(headers)) setHeader(response, name, value);
  return response;
}

/** Whether a status never has a body (RFC 9110 6.4.1). */
export function bodiless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Length of the body this response sends: none for HEAD or a status without a body. */
export function sentBodyLength(response: OutgoingResponse, headOnly: boolean): number {
  return headOnly || bodiless(response.status) ? 0 : bodyLength(response);
}

/** Length of the body a GET would send. */
export function bodyLength(response: OutgoingResponse): number {
  return response.file?.length ?? response.body?.length ?? 0;
}

/** How the head of a response is written for one connection. */
export interface WriteOptions {
  /** The listener's fixed headers (Server, security headers). */
  defaults: HeaderBlock;
  /** The request was HEAD: headers only. */
  headOnly: boolean;
  /** Keep the connection open afterwards. */
  keepAlive: boolean;
  /** The request was HTTP/1.0: keep-alive must be said. */
  http10: boolean;
  /** Milliseconds the peer has to take each write. */
  sendTimeout: number;
}

/** The status line and header section, with the Date of `now` (a Date.now() value). */
export function serializeHead(response: OutgoingResponse, options: WriteOptions, now = Date.now()): string {
  const { status } = response;
  const { defaults } = options;
  const { preset } = response;
  let head = statusLine(status) + dateLine(now);
  // The response's own fields first; a default of the same name is then left out.
  let overrides = false;
  if (preset !== undefined) {
    head += preset.block;
    for (const key of preset.names) if (defaults.names.has(key)) overrides = true;
  }
  for (const [key, [name, value]] of response.headers) {
    if (key === 'content-length' || key === 'connection' || key === 'transfer-encoding' || key === 'date') continue;
    if (defaults.names.has(key)) overrides = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!overrides) head += defaults.block;
  else {
    for (const [name, value] of defaults.fields) {
      const key = lowerName(name);
      if (!response.headers.has(key) && !preset?.names.has(key)) head += `${name}: ${value}\r\n`;
    }
  }
  if (!bodiless(status)) head += `Content-Length: ${bodyLength(response)}\r\n`;
  if (!options.keepAlive) head += 'Connection: close\r\n';
  else if (options.http10) head += 'Connection: keep-alive\r\n';
  return head + '\r\n';
}

/** One buffer: the head (latin1) followed by the body. */
function joined(head: string, body: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(head.length + body.length);
  bytes.write(head, 0, 'latin1');
  bytes.set(body, head.length);
  return bytes;
}

/**
 * Writes a response; each write must be taken by the peer within the send timeout. A response
 * kept whole (a small cached file's) goes out as it was serialized, while it holds. A body in
 * memory goes out in one write with the head: copied behind it when small (JOIN_LIMIT), gathered
 * with it when larger (not joined in JavaScript); past BODY_SLICE, the head with the body's first
 * slice, then slice by slice. A response sent in one write (a head alone, too) is sent at the
 * end of the event loop's round of I/O, with the others that round made (io-round.ts). Resolves
 * once every byte was handed over.
 *
 * @throws SocketError from writeSocket (ER$TIMEOUT for a slow reader, ER$SKT_CLOSED, ER$FAILED)
 */
export function writeResponse(skt: Socket, response: OutgoingResponse, options: WriteOptions): Promise<unknown> {
  const data = oneWriteOf(response, options);
  return data === undefined ? writeInPieces(skt, response, options) : writeAtEndOfRound(skt, data, options.sendTimeout);
}

/**
 * The bytes of a response that goes out in one write (a head alone, or with a body in memory of
 * BODY_SLICE at most), to be written at the end of the event loop's round of I/O; undefined for a
 * file's (whose handle must be let go of once written) and a body past BODY_SLICE: those go to
 * `writeInPieces`. The connection writes the commonest responses this way itself: awaiting
 * `endOfIoRound` and `writeSocket` in its own loop costs two turns of the microtask queue, where a
 * promise of a helper's would add a closure, a promise and two more turns per request.
 */
export function oneWriteOf(response: OutgoingResponse, options: WriteOptions): WriteData | undefined {
  const { file, body } = response;
  if (file !== undefined) return undefined;
  if (body !== undefined && body.length > BODY_SLICE && sentBodyLength(response, options.headOnly) > 0) return undefined;
  return inOneWrite(response, options);
}

/**
 * Writes a response `oneWriteOf` has no bytes for: a file (streamed, or its head alone, then let
 * go of) or a body past BODY_SLICE (slice by slice).
 *
 * @throws SocketError from writeSocket (ER$TIMEOUT for a slow reader, ER$SKT_CLOSED, ER$FAILED)
 */
export function writeInPieces(skt: Socket, response: OutgoingResponse, options: WriteOptions): Promise<void> {
  const { file, body } = response;
  if (file !== undefined) return writeFileResponse(skt, response, file, options);
  if (body === undefined) return Promise.reject(new TypeError('writeInPieces: a response with no file and no body goes out in one write'));
  return writeSlices(skt, serializeHead(response, options), body, options.sendTimeout);
}

/** A response's one write, made at the end of the event loop's round of I/O (io-round.ts). */
function writeAtEndOfRound(skt: Socket, data: WriteData, sendTimeout: number): Promise<number> {
  return endOfIoRound().then(() => writeSocket(skt, data, SKT$BLOCKING, sendTimeout));
}

/** The bytes of a response that goes out in one write (a body in memory of BODY_SLICE at most, or none). */
function inOneWrite(response: OutgoingResponse, options: WriteOptions): WriteData {
  const { body, whole } = response;
  const now = Date.now();
  // A response kept whole is sent as it is; only a keep-alive HTTP/1.1 answer is kept (the others
  // differ by their Connection header), and a HEAD sends its head alone.
  let head: string | undefined;
  if (whole !== undefined && body !== undefined && options.keepAlive && !options.http10) {
    let kept = whole.current(options.defaults, now);
    if (kept === undefined) {
      head = serializeHead(response, options, now);
      kept = whole.keep(options.defaults, now, head, body);
    }
    if (kept !== undefined) return options.headOnly ? kept.head : kept.whole;
  }
  head ??= serializeHead(response, options, now);
  if (body === undefined || sentBodyLength(response, options.headOnly) === 0) return head;
  if (head.length + body.length <= JOIN_LIMIT) return joined(head, body);
  // The body as it is, shared between responses (never changed, so that is safe).
  return [head, body];
}

/** A large body in memory: the head with its first slice, then each slice once the last was taken. */
async function writeSlices(skt: Socket, head: string, body: Buffer, sendTimeout: number): Promise<void> {
  await writeSocket(skt, [head, body.subarray(0, BODY_SLICE)], SKT$BLOCKING, sendTimeout);
  for (let at = BODY_SLICE; at < body.length; at += BODY_SLICE) {
    await writeSocket(skt, body.subarray(at, at + BODY_SLICE), SKT$BLOCKING, sendTimeout);
  }
}

/** A file range: streamed, then the handle is closed whatever happened. */
async function writeFileResponse(skt: Socket, response: OutgoingResponse, file: FileBody, options: WriteOptions): Promise<void> {
  try {
    const head = serializeHead(response, options);
    if (sentBodyLength(response, options.headOnly) === 0) await writeAtEndOfRound(skt, head, options.sendTimeout);
    else await streamFile(skt, head, file, options.sendTimeout);
  } finally {
    await letGoOfFile(file.handle, file.release);
  }
}

/**
 * Sends a file range in chunks, the head gathered with the first one; never more than one chunk in
 * memory. Each read waits for its turn among the server's file reads (fileReads), so that reads
 * never take the whole thread pool from other requests' lookups.
 */
async function streamFile(skt: Socket, head: string, file: FileBody, sendTimeout: number): Promise<void> {
  let position = file.start;
  let left = file.length;
  let pendingHead: string | undefined = head;
  // One buffer for the whole response, not one per chunk. A write of more than the stream's
  // high-water mark (16 KiB) resolves only once the stream has handed all of it on (over TLS,
  // encrypted it), so the next chunk may be read into the same buffer. A smaller write may
  // resolve while its bytes still wait in the stream: after one (a short read), the next chunk
  // gets a new buffer. A write that failed (a timeout) may still hold it, but then this
  // response ends and never reads into it again.
  let chunk = Buffer.allocUnsafe(Math.min(FILE_CHUNK, left));
  const read = (): ReturnType<FileBody['handle']['read']> => file.handle.read(chunk, 0, Math.min(chunk.length, left), position);
  while (left > 0) {
    const { bytesRead } = await fileReads.run(read);
    if (bytesRead === 0) throw new Error('the file became shorter while it was sent');
    const data = chunk.subarray(0, bytesRead);
    await writeSocket(skt, pendingHead === undefined ? data : [pendingHead, data], SKT$BLOCKING, sendTimeout);
    pendingHead = undefined;
    position += bytesRead;
    left -= bytesRead;
    if (bytesRead <= SMALL_WRITE && left > 0) chunk = Buffer.allocUnsafe(Math.min(FILE_CHUNK, left));
  }
}
