// The one reading of a request target's path and query, shared by the HTTP core and the router,
// so that both always see the same path: the absolute-form's path is taken as sent, never
// resolved (a URL parser would fold `..`, `%2e%2e` and `\` away and make the router see another
// path than the one the core checks and serves).

/** An origin-form target (`/path?query`), or an absolute-form one (RFC 9112 3.2.2) with its scheme and authority. */
const TARGET = /^(?:https?:\/\/[^/?#]+)?(\/[^?#]*)?(?:\?([^#]*))?$/i;

/** A request target's path and query as sent: nothing decoded, nothing resolved. */
export interface TargetParts {
  /** The path, starting with `/` (an absolute-form target without one has `/`). */
  rawPath: string;
  /** What follows the `?`, or `''`. */
  rawQuery: string;
}

/**
 * Splits a request target into its path and query, as sent.
 *
 * @returns undefined for a target of another form (`*`, authority-form) or a malformed one (a
 *   fragment, a scheme other than http and https)
 */
export function splitTarget(target: string): TargetParts | undefined {
  // The commonest target, a path alone, is all path: what TARGET would make of it, without a match.
  if (target.startsWith('/') && !target.includes('?') && !target.includes('#')) return { rawPath: target, rawQuery: '' };
  if (!target.startsWith('/') && !/^https?:\/\//i.test(target)) return undefined;
  const match = TARGET.exec(target);
  if (match === null) return undefined;
  return { rawPath: match[1] ?? '/', rawQuery: match[2] ?? '' };
}
