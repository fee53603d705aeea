// Strict HTTP/1.1 request heads (RFC 9112): every line ends in CRLF, sizes are bounded, and the
// body's framing is decided here once, so a request can never be read as two or two as one.
import { fieldNameKey, TOKEN } from './headers.js';
import { splitTarget } from './request-target.js';

/**
 * Limits on what a client may send.
 *
 * @example
 * ```ts
 * await startSeraphim({ root: './public', context, limits: { maxBody: 8 * 1024 * 1024 } });
 * ```
 */
export interface RequestLimits {
  /** Bytes of the request line (without CRLF); longer gets 414. Default 8192. */
  maxRequestLine: number;
  /** Bytes of the header section; more gets 431. Default 16384. */
  maxHeaderBytes: number;
  /** Header lines; more gets 431. Default 100. */
  maxHeaderLines: number;
  /** Bytes of a request body; more gets 413. Default 1 MiB. */
  maxBody: number;
  /**
   * Bytes of a body no handler reads that are skipped to keep the connection for another
   * request. A larger one (by its Content-Length, or once a chunked one passes this) is not
   * read: the request is answered with `Connection: close`, and the connection closes once
   * the client has sent the rest (at most `maxBody` bytes more, for at most 5 s). Default 64 KiB.
   */
  maxSkippedBody: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  maxRequestLine: 8192,
  maxHeaderBytes: 16 * 1024,
  maxHeaderLines: 100,
  maxBody: 1024 * 1024,
  maxSkippedBody: 64 * 1024,
};

/** A request the server refuses: answered with `status`, then the connection closes. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A parsed request head, with the framing of its body. */
export interface RequestHead {
  method: string;
  target: string;
  path: string;
  query: URLSearchParams;
  version: '1.0' | '1.1';
  headers: Map<string, string>;
  /** The request line as sent, for the access log. */
  requestLine: string;
  /** Body length from Content-Length; 0 without a body. Ignored when `chunked`. */
  contentLength: number;
  /** The body is chunked (Transfer-Encoding: chunked). */
  chunked: boolean;
  /** The client wants the connection kept open after the response. */
  keepAlive: boolean;
  /** The client waits for `100 Continue` before sending the body. */
  expectContinue: boolean;
}

const CR = 0x0d;
const LF = 0x0a;
/** Empty lines tolerated before a request line (RFC 9112 2.2: at least one). */
const MAX_LEADING_EMPTY_LINES = 4;
/** Field values: visible characters, obs-text, space and tab; never CR, LF, NUL or other controls. */
const BAD_VALUE_CHAR = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Request targets: visible ASCII only. */
const TARGET_CHARS = /^[\x21-\x7e]+$/;
const VERSION = /^HTTP\/(\d)\.(\d)$/;

/**
 * The most unread bytes converted to one string in one piece when they end with an empty line
 * (nearly every browser's head fits). More than this are read line by line until what is left
 * fits. It bounds what that piece can hold besides the head (a body or a next request that
 * happens to end as a head does), converted for nothing, and what a header value sliced from it
 * keeps in memory.
 */
const WHOLE_HEAD_BYTES = 4 * 1024;

/**
 * Parses one request head incrementally: call `parse` with the bytes received so far (always
 * from the start of this request) as more arrive. When the unread bytes (from the line being
 * read to the end) end with an empty line and are at most WHOLE_HEAD_BYTES, as a head that came
 * whole does, they are converted with one call and split into lines in JavaScript
 * (docs/seraphim.md, "What a request costs it"); otherwise the next line is converted once it
 * is complete. Each byte is searched for a line end at most twice (once in the bytes, once in
 * its line's text), so a client that sends a byte at a time costs no work that grows with its
 * head.
 */
export class HeadParser {
  #scanFrom = 0;
  #lineStart = 0;
  #headerStart = -1;
  #leadingEmpty = 0;
  #requestLine: string | undefined;
  readonly #fields: string[] = [];

  constructor(private readonly limits: RequestLimits) {}

  /** The request line, once it has been read (for the access log of a refused request). */
  get requestLine(): string | undefined {
    return this.#requestLine;
  }

  /**
   * @returns the head and how many bytes it took, or undefined when more bytes are needed
   * @throws HttpError 400, 414, 431, 501, 505, 417
   */
  parse(buf: Buffer): { head: RequestHead; consumed: number } | undefined {
    for (;;) {
      const stop = this.completeLinesEnd(buf);
      if (stop < 0) {
        this.#scanFrom = buf.length;
        this.checkPartial(buf.length);
        return undefined;
      }
      const base = this.#lineStart;
      const text = buf.toString('latin1', base, stop);
      // Every line of `text` ends in LF; `text` ends with one.
      for (let from = 0; from < text.length; ) {
        const lf = text.indexOf('\n', from);
        if (lf === from || text.charCodeAt(lf - 1) !== CR) throw new HttpError(400, 'bare LF: lines end with CRLF');
        const line = text.slice(from, lf - 1);
        from = lf + 1;
        this.#lineStart = base + from;
        const head = this.takeLine(line);
        if (head !== undefined) return { head, consumed: this.#lineStart };
      }
      this.#scanFrom = stop;
    }
  }

  /**
   * Where the complete lines not read yet end: at the end of `buf` when its unread bytes end
   * with an empty line and are few enough (WHOLE_HEAD_BYTES), all those lines at once, with no
   * search; else after the next line; -1 when no line is complete. Lines after the head's end
   * are never looked at: the head ends at its first empty line.
   */
  private completeLinesEnd(buf: Buffer): number {
    const { length } = buf;
    const unread = length - this.#lineStart;
    // unread > 0: blank lines alone (before a request line) are taken once, then more is awaited.
    if (unread > 0 && unread <= WHOLE_HEAD_BYTES && buf[length - 1] === LF && buf[length - 2] === CR && buf[length - 3] === LF && buf[length - 4] === CR) {
      return length;
    }
    const lf = buf.indexOf(LF, this.#scanFrom);
    return lf < 0 ? -1 : lf + 1;
  }

  /** One line of the head (without its CRLF): the head once `line` is the empty line that ends it. */
  private takeLine(line: string): RequestHead | undefined {
    // The size limits first, as checkPartial applies them to a line still arriving: a line both
    // too long and malformed gets the same answer whether it came whole or in pieces.
    if (this.#requestLine === undefined) {
      if (line.length > this.limits.maxRequestLine) throw new HttpError(414, 'request line too long');
    } else if (this.#lineStart - this.#headerStart > this.limits.maxHeaderBytes) {
      throw new HttpError(431, 'header section too large');
    }
    if (line.includes('\r')) throw new HttpError(400, 'bare CR in a line');
    if (this.#requestLine === undefined) {
      if (line === '') {
        if (++this.#leadingEmpty > MAX_LEADING_EMPTY_LINES) throw new HttpError(400, 'empty lines instead of a request');
        return undefined;
      }
      this.#requestLine = line;
      this.#headerStart = this.#lineStart;
      return undefined;
    }
    if (line === '') return buildHead(this.#requestLine, this.#fields);
    if (this.#fields.length >= this.limits.maxHeaderLines) throw new HttpError(431, 'too many header lines');
    this.#fields.push(line);
    return undefined;
  }

  /** Limits on the line still arriving. */
  private checkPartial(length: number): void {
    if (this.#requestLine === undefined) {
      if (length - this.#lineStart > this.limits.maxRequestLine + 1) throw new HttpError(414, 'request line too long');
    } else if (length - this.#headerStart > this.limits.maxHeaderBytes) {
      throw new HttpError(431, 'header section too large');
    }
  }
}

function buildHead(requestLine: string, fields: readonly string[]): RequestHead {
  // Exactly three parts, one space between each.
  const space1 = requestLine.indexOf(' ');
  const space2 = space1 < 0 ? -1 : requestLine.indexOf(' ', space1 + 1);
  if (space2 < 0 || requestLine.includes(' ', space2 + 1)) throw new HttpError(400, 'malformed request line');
  const method = requestLine.slice(0, space1);
  const target = requestLine.slice(space1 + 1, space2);
  const versionText = requestLine.slice(space2 + 1);
  if (method !== 'GET' && method !== 'HEAD' && !TOKEN.test(method)) throw new HttpError(400, 'malformed method');
  const version = versionText === 'HTTP/1.1' ? '1.1' : parseVersion(versionText);
  if (!TARGET_CHARS.test(target)) throw new HttpError(400, 'malformed request target');

  const headers = new Map<string, string>();
  let hosts = 0;
  // The fields that frame the request, taken as they are stored: no lookup of each afterwards.
  let lengthField: string | undefined;
  let encodingField: string | undefined;
  let connectionField: string | undefined;
  let expect: string | undefined;
  for (const field of fields) {
    const first = field.charCodeAt(0);
    if (first === 0x20 || first === 0x09) throw new HttpError(400, 'obsolete line folding');
    const colon = field.indexOf(':');
    const key = colon > 0 ? fieldNameKey(field.slice(0, colon)) : undefined;
    if (key === undefined) throw new HttpError(400, 'malformed header field name');
    // The value without the spaces and tabs around it.
    let from = colon + 1;
    let to = field.length;
    while (from < to && isBlank(field.charCodeAt(from))) from++;
    while (to > from && isBlank(field.charCodeAt(to - 1))) to--;
    const value = field.slice(from, to);
    if (BAD_VALUE_CHAR.test(value)) throw new HttpError(400, 'control character in a header value');
    const before = headers.get(key);
    const joined = before === undefined ? value : `${before}, ${value}`;
    headers.set(key, joined);
    if (key === 'host') hosts++;
    else if (key === 'content-length') lengthField = joined;
    else if (key === 'transfer-encoding') encodingField = joined;
    else if (key === 'connection') connectionField = joined;
    else if (key === 'expect') expect = joined;
  }

  if (version === '1.1' && hosts !== 1) throw new HttpError(400, 'HTTP/1.1 needs exactly one Host header');
  if (hosts > 1) throw new HttpError(400, 'more than one Host header');
  const { path, query } = parseTarget(method, target);
  const { contentLength, chunked } = bodyFraming(lengthField, encodingField, version);
  const connection = connectionField === undefined ? undefined : tokens(connectionField);
  const keepAlive = connection === undefined ? version === '1.1' : !connection.includes('close') && (version === '1.1' || connection.includes('keep-alive'));
  let expectContinue = false;
  if (expect !== undefined && version === '1.1') {
    if (expect.toLowerCase() !== '100-continue') throw new HttpError(417, 'unsupported expectation');
    expectContinue = true;
  }
  return { method, target, path, query, version, headers, requestLine, contentLength, chunked, keepAlive, expectContinue };
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function parseVersion(text: string): '1.0' | '1.1' {
  const match = VERSION.exec(text);
  if (match === null) throw new HttpError(400, 'malformed HTTP version');
  if (match[1] !== '1') throw new HttpError(505, 'HTTP version not supported');
  return match[2] === '0' ? '1.0' : '1.1';
}

/** The path (percent-decoded once) and query of a request target. */
function parseTarget(method: string, target: string): { path: string; query: URLSearchParams } {
  if (target === '*') {
    if (method !== 'OPTIONS') throw new HttpError(400, 'asterisk-form is for OPTIONS only');
    return { path: '*', query: new URLSearchParams() };
  }
  // One reading of the target for the core and the router alike (request-target.ts).
  const parts = splitTarget(target);
  if (parts === undefined) throw new HttpError(400, 'malformed request target');
  const { rawPath, rawQuery } = parts;
  let path = rawPath;
  if (rawPath.includes('%')) {
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      throw new HttpError(400, 'malformed percent-encoding in the path');
    }
  }
  return { path, query: new URLSearchParams(rawQuery) };
}

/** Content-Length or chunked, refusing every ambiguous combination (request smuggling). */
function bodyFraming(lengthField: string | undefined, encodingField: string | undefined, version: '1.0' | '1.1'): { contentLength: number; chunked: boolean } {
  if (encodingField !== undefined) {
    if (lengthField !== undefined) throw new HttpError(400, 'both Content-Length and Transfer-Encoding');
    if (version === '1.0') throw new HttpError(400, 'Transfer-Encoding in an HTTP/1.0 request');
    const codings = tokens(encodingField);
    if (codings.length === 0 || codings.includes('')) throw new HttpError(400, 'malformed Transfer-Encoding');
    if (codings[codings.length - 1] !== 'chunked') throw new HttpError(400, 'chunked must be the final transfer coding');
    if (codings.length > 1) throw new HttpError(501, 'transfer codings other than chunked are not supported');
    return { contentLength: 0, chunked: true };
  }
  if (lengthField === undefined) return { contentLength: 0, chunked: false };
  const values = lengthField.split(',').map((v) => v.trim());
  const first = values[0] ?? '';
  if (!/^\d+$/.test(first) || values.some((v) => v !== first)) throw new HttpError(400, 'malformed or conflicting Content-Length');
  // More than 15 digits is past any limit; Infinity makes the body check answer 413.
  return { contentLength: first.length > 15 ? Infinity : Number(first), chunked: false };
}

/** A comma-separated list header as lower-case tokens. */
export function tokens(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((t) => t.trim().toLowerCase());
}
