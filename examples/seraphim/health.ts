// SERAPHIM's health endpoint, for load balancers: `GET /healthz` answers 200 "ok" while the
// server serves, and 503 "draining" once it has been told to stop, so that a balancer's health
// check takes it out of rotation while it still serves what comes (a rolling restart loses no
// request). Health checks are not written to the access log unless asked: a balancer checking
// every 2 s would write 43,200 lines a day per balancer and drown the visitors' lines.
import type { Writable } from 'node:stream';
import { AccessLog, type AccessLogEntry } from './http/access-log.js';
import { makeResponse, setHeader, type OutgoingResponse } from './http/response.js';
import type { SeraphimRequest } from './http/types.js';

/** The default health path of the `seraphim` command. */
export const DEFAULT_HEALTH_PATH = '/healthz';

/** Answers the health path: "ok" while serving, "draining" once draining. */
export class HealthEndpoint {
  #checked = false;

  /** @param path - the path answered, e.g. `/healthz` (its query, if any, is ignored) */
  constructor(readonly path: string) {
    if (!path.startsWith('/')) throw new RangeError(`health path must start with '/', not ${JSON.stringify(path)}`);
  }

  /** Whether anything has asked for the health path since the start: a balancer watches. */
  get checked(): boolean {
    return this.#checked;
  }

  /**
   * The answer when `request` asks for the health path with GET or HEAD (503 "draining" when the
   * server is `draining`, else 200 "ok"); undefined for any other request.
   */
  answer(request: Pick<SeraphimRequest, 'method' | 'path'>, draining: boolean): OutgoingResponse | undefined {
    if (request.path !== this.path || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined;
    this.#checked = true;
    const response = makeResponse(draining ? 503 : 200, Buffer.from(draining ? 'draining' : 'ok', 'latin1'));
    setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
    setHeader(response, 'Cache-Control', 'no-store');
    return response;
  }

  /** Whether a logged request line is a request for the health path. */
  isCheck(requestLine: string | undefined): boolean {
    if (requestLine === undefined) return false;
    const target = /^(?:GET|HEAD) (\S+) HTTP\/1\.[01]$/.exec(requestLine)?.[1];
    return target !== undefined && (target === this.path || target.startsWith(`${this.path}?`));
  }
}

/** An access log that leaves out the health endpoint's requests. */
export class AccessLogWithoutHealthChecks extends AccessLog {
  constructor(
    stream: Writable,
    private readonly health: HealthEndpoint,
  ) {
    super(stream);
  }

  override write(entry: AccessLogEntry): void {
    if (!this.health.isCheck(entry.requestLine)) super.write(entry);
  }
}
