// The header fields every response carries: Date, Server, and the security headers, each one
// configurable. HSTS goes on HTTPS responses only (RFC 6797 7.2: never over plain HTTP).

/**
 * Security header settings; `false` leaves a header out.
 *
 * @example
 * ```ts
 * await startSeraphim({ root: './public', context, headers: { hstsMaxAge: 63072000, hstsPreload: true, server: false } });
 * ```
 */
export interface SecurityHeaderOptions {
  /** HSTS max-age in seconds on HTTPS responses. Default 31536000 (a year); at least 15552000 (180 days) is advised. */
  hstsMaxAge?: number | false;
  /** Add `includeSubDomains` to HSTS. Default `false`. */
  hstsIncludeSubDomains?: boolean;
  /** Add `preload` to HSTS. Default `false`. */
  hstsPreload?: boolean;
  /** `X-Content-Type-Options: nosniff`. Default `true`. */
  noSniff?: boolean;
  /** X-Frame-Options. Default `'DENY'`. */
  frameOptions?: 'DENY' | 'SAMEORIGIN' | false;
  /** Content-Security-Policy. Default `"frame-ancestors 'none'"` (the modern frame policy, nothing else restricted). */
  contentSecurityPolicy?: string | false;
  /** Referrer-Policy. Default `'strict-origin-when-cross-origin'`. */
  referrerPolicy?: string | false;
  /** The Server header. Default `'SERAPHIM'`. */
  server?: string | false;
}

/** A header field: name as sent, value. */
export type HeaderField = readonly [name: string, value: string];

/** The fixed headers of one listener (secure or not), computed once. */
export function defaultHeaders(options: SecurityHeaderOptions, secure: boolean): HeaderField[] {
  const fields: HeaderField[] = [];
  const server = options.server ?? 'SERAPHIM';
  if (server !== false) fields.push(['Server', server]);
  const maxAge = options.hstsMaxAge ?? 31_536_000;
  if (secure && maxAge !== false) {
    if (!Number.isInteger(maxAge) || maxAge < 0) throw new RangeError('hstsMaxAge must be a whole number of seconds');
    let hsts = `max-age=${maxAge}`;
    if (options.hstsIncludeSubDomains) hsts += '; includeSubDomains';
    if (options.hstsPreload) hsts += '; preload';
    fields.push(['Strict-Transport-Security', hsts]);
  }
  if (options.noSniff ?? true) fields.push(['X-Content-Type-Options', 'nosniff']);
  const frame = options.frameOptions ?? 'DENY';
  if (frame !== false) fields.push(['X-Frame-Options', frame]);
  const csp = options.contentSecurityPolicy ?? "frame-ancestors 'none'";
  if (csp !== false) fields.push(['Content-Security-Policy', csp]);
  const referrer = options.referrerPolicy ?? 'strict-origin-when-cross-origin';
  if (referrer !== false) fields.push(['Referrer-Policy', referrer]);
  return fields;
}

let dateSecond = 0;
let dateLineText = '';

/** The whole `Date: ...\r\n` line of a response head (IMF-fixdate), made once per second. */
export function dateLine(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLineText = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  return dateLineText;
}

/**
 * Header fields serialized once and sent as they are in every response that carries them: a
 * listener's fixed headers, a cached file's Content-Type, ETag and the like.
 */
export interface HeaderBlock {
  readonly fields: readonly HeaderField[];
  /** Every field as `Name: value\r\n`, in order. */
  readonly block: string;
  /** Their names in lower case. */
  readonly names: ReadonlySet<string>;
}

/** Checks and serializes header fields once. */
export function headerBlock(fields: readonly HeaderField[]): HeaderBlock {
  for (const [name, value] of fields) checkField(name, value);
  return {
    fields,
    block: fields.map(([name, value]) => `${name}: ${value}\r\n`).join(''),
    names: new Set(fields.map(([name]) => lowerName(name))),
  };
}

/** Content-Type fields checked and serialized once per type: a site's handlers answer with a few. */
const contentTypeBlocks = new Map<string, HeaderBlock>();
/** Bounds contentTypeBlocks: a handler may make up types (a boundary per response); then it starts over. */
const CONTENT_TYPE_BLOCKS_MAX = 64;

/**
 * The `Content-Type` field of `type` as a header block, checked and serialized on its first use
 * and kept: a handler's response then carries it as a preset, with no check, map or string of
 * its own per request.
 *
 * @throws TypeError for a value with a control character (CR, LF, NUL) or a character past U+00FF
 */
export function contentTypeBlock(type: string): HeaderBlock {
  const known = contentTypeBlocks.get(type);
  if (known !== undefined) return known;
  const block = headerBlock([['Content-Type', type]]);
  // Full: the types kept so far are dropped, not the new one, so that one-off types made early
  // cannot keep a site's usual types out for good.
  if (contentTypeBlocks.size >= CONTENT_TYPE_BLOCKS_MAX) contentTypeBlocks.clear();
  contentTypeBlocks.set(type, block);
  return block;
}

/** A token (RFC 9110 5.6.2): what field names and methods are made of. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Anything but tab, visible ASCII, space and obs-text: controls (CR, LF, NUL, ...) and non-latin1. */
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Valid field names seen, each with its lower-case form (one string reused, its hash kept). */
const knownNames = new Map<string, string>();
/** Bounds knownNames: clients and handlers may make up names; past this they are checked every time. */
const KNOWN_NAMES_MAX = 512;

/** The lower-case form of a field name, the same string each time; undefined when it is not a token. */
export function fieldNameKey(name: string): string | undefined {
  const known = knownNames.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) return undefined;
  const lower = name.toLowerCase();
  if (knownNames.size < KNOWN_NAMES_MAX) knownNames.set(name, lower);
  return lower;
}

/**
 * The lower-case form of a valid field name, the same string each time for the same name.
 *
 * @throws TypeError for an invalid name
 */
export function lowerName(name: string): string {
  const lower = fieldNameKey(name);
  if (lower === undefined) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
  return lower;
}

/**
 * Refuses a header a response must not carry: a bad name, or a value with CR, LF or another
 * control character (response splitting), or a character outside latin1.
 *
 * @returns the name's lower-case form
 * @throws TypeError naming the field
 */
export function checkField(name: string, value: string): string {
  const lower = lowerName(name);
  if (BAD_VALUE.test(value)) throw new TypeError(`invalid value for header ${name}`);
  return lower;
}
