/**
 * The contract between SERAPHIM's HTTP core and the code that answers requests (routes,
 * handlers). Types only, no runtime code.
 */

/**
 * One parsed HTTP request, body included.
 *
 * @example
 * ```ts
 * const handler: SeraphimHandler = (request: SeraphimRequest) =>
 *   request.path === '/whoami' ? { status: 200, body: request.remoteAddress } : undefined;
 * ```
 */
export interface SeraphimRequest {
  /** The method as sent (case-sensitive, as HTTP defines it): `GET`, `POST`, ... */
  method: string;
  /** The request target exactly as sent: `/posts/a%20b?page=2`. */
  target: string;
  /** The target's path, percent-decoded once: `/posts/a b`. */
  path: string;
  /** The target's query string, parsed. */
  query: URLSearchParams;
  /** The HTTP version of the request. */
  version: '1.0' | '1.1';
  /** Header fields by lower-case name; repeated fields joined with `', '`. */
  headers: ReadonlyMap<string, string>;
  /** The request body, de-chunked; empty when there is none. */
  body: Buffer;
  /** The client's IP address. */
  remoteAddress: string;
  /** `true` when the request came over TLS. */
  secure: boolean;
  /** The `{slug}` parts of the route pattern that matched, filled by the router. */
  slugs: Record<string, string>;
}

/**
 * What a handler answers.
 *
 * @example
 * ```ts
 * const answer: SeraphimResponse = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n' };
 * ```
 */
export interface SeraphimResponse {
  /** The status code, 200 to 599 (1xx are the server's business). */
  status: number;
  /** More header fields; they replace the server's defaults of the same name. */
  headers?: Record<string, string>;
  /** The body: a string is sent as UTF-8. Omitted: an empty body. */
  body?: string | Uint8Array;
  /** The Content-Type; default `text/html; charset=utf-8` for a string body, `application/octet-stream` for bytes. */
  contentType?: string;
}

/**
 * What is known of a request before its body is read.
 *
 * @example
 * ```ts
 * const readsBody = (head: SeraphimRequestHead): boolean => head.method === 'POST' && head.path === '/upload';
 * ```
 */
export type SeraphimRequestHead = Pick<SeraphimRequest, 'method' | 'target' | 'path' | 'headers'>;

/**
 * A handler answers a request, or returns undefined to let the static files answer. With
 * `readsBody`, it tells before a body is read whether it will read it: a body it will not read is
 * skipped (read and dropped as it comes), never held in memory. Without `readsBody`, every body
 * is read for it.
 *
 * @example
 * ```ts
 * const handler: SeraphimHandler = (request) =>
 *   request.path === '/health' ? { status: 200, body: 'ok\n' } : undefined; // undefined: the files answer
 * handler.readsBody = () => false; // it reads no body: bodies are skipped, never held
 * ```
 */
export interface SeraphimHandler {
  (request: SeraphimRequest): Promise<SeraphimResponse | undefined> | SeraphimResponse | undefined;
  /** Whether the handler will read the body of this request (told before the body is read). */
  readsBody?: (request: SeraphimRequestHead) => boolean;
}
