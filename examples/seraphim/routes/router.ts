import { splitTarget } from '../http/request-target.js';
import type { SeraphimHandler, SeraphimRequest, SeraphimRequestHead, SeraphimResponse } from '../http/types.js';
import { HttpError } from './http-error.js';
import { createRouteRequest, DEFAULT_BODY_LIMITS, type BodyLimits, type RouteRequest } from './request-body.js';

/**
 * What a route handler answers.
 *
 * @example
 * ```ts
 * const created: RouteResponse = { status: 201, headers: { Location: '/posts/42' } };
 * ```
 */
export type RouteResponse = SeraphimResponse;

/**
 * A route handler: gets the request with its slugs, cookies and body helpers and answers. It may
 * throw `HttpError` to answer with that status; any other error reaches the core (500).
 *
 * @example
 * ```ts
 * const show: RouteHandler = (request) => {
 *   const post = posts.get(request.slugs.slug ?? '');
 *   if (post === undefined) throw new HttpError(404, 'no such post');
 *   return json(post);
 * };
 * ```
 */
export type RouteHandler = (request: RouteRequest) => RouteResponse | Promise<RouteResponse>;

/**
 * Patterns to handlers: `'GET /api/posts/{slug}'`, `'POST /guestbook'`. A `{name}` segment matches
 * one non-empty path segment, percent-decoded, given to the handler as `request.slugs.name`.
 *
 * @example
 * ```ts
 * const routes: RouteTable = {
 *   'GET /api/posts/{slug}': show,
 *   'POST /api/posts': async (request) => json(await save(await request.json()), 201),
 * };
 * ```
 */
export type RouteTable = Readonly<Record<string, RouteHandler>>;

/**
 * The methods a route can take. HEAD falls back to the GET route of the same path.
 *
 * @example
 * ```ts
 * ROUTE_METHODS.includes('PATCH'); // true
 * ```
 */
export const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/**
 * A method a route pattern can name: one of {@link ROUTE_METHODS}.
 *
 * @example
 * ```ts
 * const method: RouteMethod = 'DELETE';
 * ```
 */
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/**
 * Options of {@link createRouter}.
 *
 * @example
 * ```ts
 * const handler = createRouter(routes, { limits: { maxFileSize: 32 * 1024 * 1024 } });
 * ```
 */
export interface RouterOptions {
  /** Limits of the body helpers; each one not given keeps its default. */
  limits?: Partial<BodyLimits>;
}

type Segment = { readonly literal: string } | { readonly slug: string };

interface Route {
  readonly method: RouteMethod;
  readonly segments: readonly Segment[];
  readonly handler: RouteHandler;
}

const PATTERN = /^([A-Z]+) (\/[^\s?#]*)$/;
const SLUG = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const ALLOW_ORDER: readonly string[] = [...ROUTE_METHODS, 'OPTIONS'];
/** The methods whose routes are given the request body. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isRouteMethod(method: string): method is RouteMethod {
  return (ROUTE_METHODS as readonly string[]).includes(method);
}

function parsePattern(pattern: string, handler: unknown): Route {
  const match = PATTERN.exec(pattern);
  if (!match) {
    throw new TypeError(`route pattern ${JSON.stringify(pattern)} must be "METHOD /path" (one space, no query)`);
  }
  const [, method = '', path = ''] = match;
  if (!isRouteMethod(method)) {
    throw new TypeError(`route pattern ${JSON.stringify(pattern)}: method must be one of ${ROUTE_METHODS.join(', ')}`);
  }
  if (typeof handler !== 'function') {
    throw new TypeError(`route ${JSON.stringify(pattern)}: the handler must be a function`);
  }
  const parts = path.slice(1).split('/');
  const names = new Set<string>();
  const segments = parts.map((part, index): Segment => {
    const slug = SLUG.exec(part)?.[1];
    if (slug !== undefined) {
      if (names.has(slug)) throw new TypeError(`route pattern ${JSON.stringify(pattern)} repeats the slug {${slug}}`);
      names.add(slug);
      return { slug };
    }
    if (/[{}%]/.test(part) || part === '.' || part === '..' || (part === '' && index !== parts.length - 1)) {
      throw new TypeError(`route pattern ${JSON.stringify(pattern)} has a bad segment ${JSON.stringify(part)}`);
    }
    return { literal: part };
  });
  return { method, segments, handler: handler as RouteHandler };
}

/** Literal segments before slugs, left to right: `/api/posts/latest` wins over `/api/posts/{slug}`. */
function bySpecificity(a: Route, b: Route): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const aSlug = 'slug' in a.segments[i]! ? 1 : 0;
    const bSlug = 'slug' in b.segments[i]! ? 1 : 0;
    if (aSlug !== bSlug) return aSlug - bSlug;
  }
  return 0;
}

function shape(route: Route): string {
  return route.segments.map((s) => ('slug' in s ? '{}' : encodeURIComponent(s.literal))).join('/');
}

/**
 * The request's path segments, each percent-decoded once, from the target as the core read it
 * (so `%2F` stays in its segment, and an absolute-form target's `..` or `\` stay as sent, as
 * they do for the core).
 */
function pathSegments(target: string): string[] | undefined {
  const parts = splitTarget(target);
  if (parts === undefined) return undefined; // `*` and the like
  try {
    return parts.rawPath.slice(1).split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined; // malformed percent-encoding: no route, the core answers
  }
}

function matchRoute(route: Route, segments: readonly string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const slugs: Record<string, string> = Object.create(null);
  for (let i = 0; i < segments.length; i++) {
    const want = route.segments[i]!;
    const got = segments[i]!;
    if ('slug' in want) {
      if (got === '') return undefined;
      slugs[want.slug] = got;
    } else if (want.literal !== got) {
      return undefined;
    }
  }
  return slugs;
}

function errorResponse(error: HttpError, request: SeraphimRequest): SeraphimResponse {
  const wantsJson = /\bapplication\/json\b/i.test(request.headers.get('accept') ?? '');
  return wantsJson
    ? { status: error.status, headers: { ...error.headers }, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: error.message }) }
    : { status: error.status, headers: { ...error.headers }, contentType: 'text/plain; charset=utf-8', body: `${error.message}\n` };
}

function checkResponse(response: unknown, method: string, path: string): SeraphimResponse {
  const status = (response as SeraphimResponse | null)?.status;
  if (typeof response !== 'object' || response === null || !Number.isInteger(status) || status! < 200 || status! > 599) {
    throw new TypeError(`the route for ${method} ${path} answered no response with a status from 200 to 599`);
  }
  return response as SeraphimResponse;
}

/**
 * Makes the core's handler from a route table. A request whose path no route matches gets
 * `undefined` (the static files answer); OPTIONS on a matched path gets 204 with `Allow`; a method
 * the path has no route for gets 405 with `Allow`. HEAD runs the HEAD route, or else the GET
 * route; its answer keeps the body GET would send, because the core drops the body of every HEAD
 * answer on the wire and takes Content-Length from that body (so HEAD tells GET's length). An
 * `HttpError` thrown by a handler or a body helper becomes its status; any other error rejects,
 * for the core to answer 500. Only the POST, PUT, PATCH and DELETE routes get the request's body
 * (`readsBody`): the core skips every other body without holding it.
 *
 * @throws TypeError when a pattern is malformed, names another method, repeats a slug or
 *   duplicates another route, or a handler is not a function
 * @example
 * const handler = createRouter({
 *   'GET /api/posts/{slug}': (request) => json(findPost(request.slugs.slug)),
 * });
 */
export function createRouter(routes: RouteTable, options: RouterOptions = {}): SeraphimHandler {
  if (typeof routes !== 'object' || routes === null) throw new TypeError('routes must be an object');
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS };
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    if (!(name in DEFAULT_BODY_LIMITS)) throw new TypeError(`options.limits.${name} is not a known limit`);
    if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`options.limits.${name} must be a non-negative integer`);
    limits[name as keyof BodyLimits] = value;
  }
  const table: Route[] = [];
  const seen = new Set<string>();
  for (const [pattern, handler] of Object.entries(routes)) {
    const route = parsePattern(pattern, handler);
    const key = `${route.method} ${shape(route)}`;
    if (seen.has(key)) throw new TypeError(`route pattern ${JSON.stringify(pattern)} duplicates another route`);
    seen.add(key);
    table.push(route);
  }
  table.sort(bySpecificity);

  const handler: SeraphimHandler = async (request: SeraphimRequest): Promise<SeraphimResponse | undefined> => {
    const segments = pathSegments(request.target);
    if (segments === undefined) return undefined;
    const matches: { route: Route; slugs: Record<string, string> }[] = [];
    for (const route of table) {
      const slugs = matchRoute(route, segments);
      if (slugs) matches.push({ route, slugs });
    }
    if (matches.length === 0) return undefined;

    const methods = new Set<string>(matches.map((m) => m.route.method));
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    const allow = ALLOW_ORDER.filter((m) => methods.has(m)).join(', ');
    if (request.method === 'OPTIONS') return { status: 204, headers: { Allow: allow } };

    const head = request.method === 'HEAD';
    const match = matches.find((m) => m.route.method === request.method) ?? (head ? matches.find((m) => m.route.method === 'GET') : undefined);
    if (!match) {
      const body = `${request.method} is not allowed here; allowed: ${allow}\n`;
      return { status: 405, headers: { Allow: allow }, contentType: 'text/plain; charset=utf-8', body };
    }

    try {
      return checkResponse(await match.route.handler(createRouteRequest(request, match.slugs, limits)), request.method, request.path);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return errorResponse(error, request);
    }
  };
  // Only a POST, PUT, PATCH or DELETE route of the request's method and path is given a body:
  // any other request's body (GET, a 404, a 405, OPTIONS) is skipped by the core, never held.
  handler.readsBody = (request: SeraphimRequestHead): boolean => {
    if (!BODY_METHODS.has(request.method)) return false;
    const segments = pathSegments(request.target);
    return segments !== undefined && table.some((route) => route.method === request.method && matchRoute(route, segments) !== undefined);
  };
  return handler;
}
