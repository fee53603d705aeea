// The header fields every response carries: Date, Server, and the security headers, each one
// configurable. HSTS goes on HTTPS responses only (RFC 6797 7.2: never over plain HTTP).

/** Security header settings; `false` leaves a header out. */
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
  for (const [name, value] of fields) checkField(name, value);
  return fields;
}

let dateSecond = 0;
let dateText = '';

/** The Date header's value (IMF-fixdate), made once per second. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Refuses a header a response must not carry: a bad name, or a value with CR, LF or another
 * control character (response splitting).
 *
 * @throws TypeError naming the field
 */
export function checkField(name: string, value: string): void {
  if (!FIELD_NAME.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
  if (BAD_VALUE.test(value) || /[^\x00-\xff]/.test(value)) throw new TypeError(`invalid value for header ${name}`);
}
