// Cross-site request forgery: any page a visitor opens can make their browser POST a form to
// another site, cookies included. A browser says where a request comes from, and a page cannot
// forge it: `Sec-Fetch-Site` (every current browser) and `Origin` (sent on every cross-origin
// POST). A route with side effects takes a request from a browser only when it comes from this
// site's own pages. Clients that are not browsers (curl, scripts) send neither header and are
// not a CSRF risk: they are let through.
import { HttpError } from './http-error.js';
import type { RouteRequest } from './request-body.js';
import { ROUTE_METHODS, type RouteHandler, type RouteMethod, type RouteTable } from './router.js';

/** Methods that change something, and so must come from the site's own pages. */
const UNSAFE: ReadonlySet<RouteMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Why a request must be refused as cross-site, or undefined when it is from this site (or not
 * from a browser).
 */
export function crossSiteReason(request: RouteRequest): string | undefined {
  const site = request.headers.get('sec-fetch-site');
  if (site !== undefined) {
    // `same-origin`: one of this site's pages; `none`: typed by the user, or a bookmark.
    return site === 'same-origin' || site === 'none' ? undefined : `a ${site} request may not change anything here`;
  }
  const origin = request.headers.get('origin');
  if (origin === undefined) return undefined;
  const own = `${request.secure ? 'https' : 'http'}://${request.headers.get('host') ?? ''}`;
  return origin.toLowerCase() === own.toLowerCase() ? undefined : 'a request from another site may not change anything here';
}

/**
 * Wraps the handler of every unsafe method (POST, PUT, PATCH, DELETE) of `routes` so that a
 * browser request from another site gets 403 and never reaches it.
 *
 * @example
 * const handler = createRouter(sameOriginOnly({ 'POST /guestbook': sign }));
 */
export function sameOriginOnly(routes: RouteTable): RouteTable {
  const guarded: Record<string, RouteHandler> = {};
  for (const [pattern, handler] of Object.entries(routes)) {
    const method = pattern.slice(0, pattern.indexOf(' ')) as RouteMethod;
    guarded[pattern] =
      ROUTE_METHODS.includes(method) && UNSAFE.has(method)
        ? (request) => {
            const reason = crossSiteReason(request);
            if (reason !== undefined) throw new HttpError(403, reason);
            return handler(request);
          }
        : handler;
  }
  return guarded;
}
