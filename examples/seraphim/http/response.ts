// Responses on the wire: the status line, the header fields, and a body that is either bytes in
// memory or a byte range of an open file, streamed in chunks with each write awaited.
import type { FileHandle } from 'node:fs/promises';
import { SKT$BLOCKING, writeSocket, type Socket } from '../../../lib/index.js';
import { checkField, httpDate, type HeaderField } from './headers.js';

/** A byte range of an open file; the writer closes the handle when done. */
export interface FileBody {
  handle: FileHandle;
  start: number;
  length: number;
}

/** A response as the connection sends it. */
export interface OutgoingResponse {
  status: number;
  /** Header fields by lower-case name: [name as sent, value]. */
  headers: Map<string, HeaderField>;
  body?: Buffer;
  file?: FileBody;
}

/** Bytes of a file read and written at a time. */
const FILE_CHUNK = 64 * 1024;
/** A body this small goes in the same write as the head. */
const COALESCE_LIMIT = 16 * 1024;

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

/** Sets a header, replacing any of the same name (case-insensitive). */
export function setHeader(response: OutgoingResponse, name: string, value: string): void {
  checkField(name, value);
  response.headers.set(name.toLowerCase(), [name, value]);
}

/** A response with a body in memory. */
export function makeResponse(status: number, body?: Buffer | string, contentType?: string): OutgoingResponse {
  const response: OutgoingResponse = { status, headers: new Map() };
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

/** Length of the body a GET would send. */
export function bodyLength(response: OutgoingResponse): number {
  return response.file?.length ?? response.body?.length ?? 0;
}

/** How the head of a response is written for one connection. */
export interface WriteOptions {
  /** The listener's fixed headers (Server, security headers). */
  defaults: readonly HeaderField[];
  /** The request was HEAD: headers only. */
  headOnly: boolean;
  /** Keep the connection open afterwards. */
  keepAlive: boolean;
  /** The request was HTTP/1.0: keep-alive must be said. */
  http10: boolean;
  /** Milliseconds the peer has to take each write. */
  sendTimeout: number;
}

/** The status line and header section. */
export function serializeHead(response: OutgoingResponse, options: WriteOptions): string {
  const { status } = response;
  let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}\r\nDate: ${httpDate()}\r\n`;
  for (const [name, value] of options.defaults) {
    if (!response.headers.has(name.toLowerCase())) head += `${name}: ${value}\r\n`;
  }
  for (const [key, [name, value]] of response.headers) {
    if (key !== 'content-length' && key !== 'connection' && key !== 'transfer-encoding' && key !== 'date') head += `${name}: ${value}\r\n`;
  }
  if (!bodiless(status)) head += `Content-Length: ${bodyLength(response)}\r\n`;
  if (!options.keepAlive) head += 'Connection: close\r\n';
  else if (options.http10) head += 'Connection: keep-alive\r\n';
  return head + '\r\n';
}

/**
 * Writes a response; each write must be taken by the peer within the send timeout.
 *
 * @returns the body bytes sent
 * @throws SocketError from writeSocket (ER$TIMEOUT for a slow reader, ER$SKT_CLOSED, ER$FAILED)
 */
export async function writeResponse(skt: Socket, response: OutgoingResponse, options: WriteOptions): Promise<number> {
  const head = Buffer.from(serializeHead(response, options), 'latin1');
  const send = (data: Uint8Array): Promise<number> => writeSocket(skt, data, SKT$BLOCKING, options.sendTimeout);
  const withBody = !options.headOnly && !bodiless(response.status);
  const { file, body } = response;
  try {
    if (!withBody || (file === undefined && (body === undefined || body.length === 0))) {
      await send(head);
      return 0;
    }
    if (file === undefined) {
      const bytes = body as Buffer;
      if (bytes.length <= COALESCE_LIMIT) await send(Buffer.concat([head, bytes]));
      else {
        await send(head);
        await send(bytes);
      }
      return bytes.length;
    }
    return await streamFile(send, head, file);
  } finally {
    await file?.handle.close().catch(() => undefined);
  }
}

/** Sends a file range in chunks, the head with the first one; never more than one chunk in memory. */
async function streamFile(send: (data: Uint8Array) => Promise<number>, head: Buffer, file: FileBody): Promise<number> {
  let position = file.start;
  let left = file.length;
  let pendingHead: Buffer | undefined = head;
  while (left > 0) {
    // A fresh buffer per chunk: a write that timed out may still hold the previous one.
    const chunk = Buffer.allocUnsafe(Math.min(FILE_CHUNK, left));
    const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) throw new Error('the file became shorter while it was sent');
    const data = chunk.subarray(0, bytesRead);
    await send(pendingHead === undefined ? data : Buffer.concat([pendingHead, data]));
    pendingHead = undefined;
    position += bytesRead;
    left -= bytesRead;
  }
  if (pendingHead !== undefined) await send(pendingHead);
  return file.length;
}
