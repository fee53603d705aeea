/**
 * The one error a route handler (or a request-body helper) throws to answer with a chosen
 * status instead of 500. The router turns it into a response; any other error propagates to the
 * HTTP core, which answers 500 and keeps serving.
 *
 * @example
 * ```ts
 * const routes: RouteTable = {
 *   'GET /admin': (request) => {
 *     if (request.cookies.session !== adminSession) throw new HttpError(403, 'forbidden\n');
 *     return html('<h1>Admin</h1>');
 *   },
 * };
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status to answer with (400-599). */
  readonly status: number;
  /** Extra response headers, such as `Allow` or `Accept`. */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status - an HTTP error status, 400 to 599
   * @param message - the text sent to the client (it must not leak internals)
   * @param headers - extra response headers
   * @throws TypeError when `status` is not an integer from 400 to 599
   */
  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`status must be an integer from 400 to 599, got ${String(status)}`);
    }
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}
