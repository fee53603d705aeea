/**
 * scarlet-sockets/seraphim: SERAPHIM, the HTTPS static-file server written only on the
 * scarlet-sockets facade, as a library. {@link startSeraphim} serves a directory over HTTPS (and
 * HTTP, redirecting to HTTPS) with SERAPHIM's limits, timeouts and headers; {@link createRouter}
 * turns a table of `METHOD /path/{slug}` patterns into the handler that answers before the
 * static files, so a site gets its own endpoints. This entry alone loads busboy (for
 * `multipart/form-data` bodies); `scarlet-sockets` and `scarlet-sockets/basic` never do.
 *
 * @example
 * ```ts
 * import { createDevelopmentCertificates, createTlsContext } from 'scarlet-sockets';
 * import { createRouter, json, startSeraphim } from 'scarlet-sockets/seraphim';
 *
 * const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1'] });
 * const server = await startSeraphim({
 *   root: './public',
 *   context: createTlsContext({ cert: dev.server.cert, key: dev.server.key }),
 *   httpsPort: 8443,
 *   httpPort: 8080,
 *   handler: createRouter({
 *     'GET /api/hello/{name}': (request) => json({ hello: request.slugs.name }),
 *   }),
 * });
 * console.log(server.urls.https); // https://127.0.0.1:8443/
 * ```
 *
 * @module scarlet-sockets/seraphim
 */

export { startSeraphim, type SeraphimOptions, type SeraphimServer } from './server.js';
export type { SeraphimHandler, SeraphimRequest, SeraphimRequestHead, SeraphimResponse } from './http/types.js';
export type { ConnectionTimeouts } from './http/connection.js';
export type { RequestLimits } from './http/request-parser.js';
export type { SecurityHeaderOptions } from './http/headers.js';
export type { StaticFileOptions } from './http/static-files.js';
export {
  createRouter,
  ROUTE_METHODS,
  type RouteHandler,
  type RouteMethod,
  type RouteResponse,
  type RouterOptions,
  type RouteTable,
} from './routes/router.js';
export {
  DEFAULT_BODY_LIMITS,
  type BodyLimits,
  type FormFields,
  type MultipartBody,
  type RouteRequest,
  type UploadedFile,
} from './routes/request-body.js';
export { HttpError } from './routes/http-error.js';
export { escapeHtml, html, json, redirect, text } from './routes/responses.js';
export { sameOriginOnly } from './routes/same-origin.js';
