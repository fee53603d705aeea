// SERAPHIM's server: an HTTPS listener and an HTTP listener (which redirects to HTTPS when HTTPS
// is on), each with its own accept loop; every accepted connection is served concurrently by
// the same connection code. Written only on the scarlet-sockets facade.
import type { Writable } from 'node:stream';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  SKT$BLOCKING,
  SKT$INFO_IP_ADDR,
  SKT$INFO_LINGER,
  SKT$INFO_NO_DELAY,
  SKT$INFO_PEER_HANDSHAKE_RATE,
  SKT$INFO_PEER_HANDSHAKES,
  SKT$INFO_PORT,
  setSocketMode,
  socketInfo,
  SocketError,
  type ProxyProtocolOptions,
  type ServerSocket,
  type ServerSocketOptions,
  type Socket,
  type TlsContext,
  type TlsContextOptions,
  createTlsContext,
} from 'scarlet-sockets';
import { ConnectionSlots } from './connection-slots.js';
import { AccessLogWithoutHealthChecks, HealthEndpoint } from './health.js';
import { validityProblem } from './certificate-validity.js';
import { AccessLog } from './http/access-log.js';
import { BodyBudget } from './http/body-budget.js';
import { DEFAULT_TIMEOUTS, HttpConnection, type ConnectionOptions, type ConnectionTimeouts } from './http/connection.js';
import { contentTypeBlock, defaultHeaders, headerBlock, type SecurityHeaderOptions } from './http/headers.js';
import { DEFAULT_LIMITS, type RequestLimits } from './http/request-parser.js';
import { bodiless, errorResponse, makeResponse, setHeader, writeResponse, type OutgoingResponse } from './http/response.js';
import { StaticFiles, type StaticFileOptions } from './http/static-files.js';
import type { SeraphimHandler, SeraphimRequest, SeraphimResponse } from './http/types.js';

export type { SeraphimHandler, SeraphimRequest, SeraphimResponse } from './http/types.js';

/**
 * Options of {@link startSeraphim}.
 *
 * @example
 * ```ts
 * const options: SeraphimOptions = {
 *   root: '/srv/www',
 *   host: '',
 *   httpPort: 80,
 *   httpsPort: 443,
 *   context: createTlsContext({ cert: '/etc/site/fullchain.pem', key: '/etc/site/key.pem' }),
 *   handler: createRouter({ 'GET /api/time': () => json({ now: Date.now() }) }),
 *   accessLog: process.stdout,
 * };
 * ```
 */
export interface SeraphimOptions {
  /** The site root: the directory whose files are served. */
  root: string;
  /** Address to listen on. Default `'127.0.0.1'`; `''` for every address. */
  host?: string;
  /** Port of the HTTP listener (0 picks a free one); `false` for none. Default 8080. */
  httpPort?: number | false;
  /** Port of the HTTPS listener (0 picks a free one); `false` for none. Default 8443. */
  httpsPort?: number | false;
  /** The TLS context of the HTTPS listener (owned by the caller); required unless `httpsPort` is `false`. */
  context?: TlsContext;
  /** Tried before the static files; undefined from it lets the files answer. */
  handler?: SeraphimHandler;
  /** With HTTPS on, the HTTP listener redirects to it (keeping path and query). Default `true`. */
  redirectToHttps?: boolean;
  /**
   * The host the redirect to HTTPS goes to, e.g. `example.org`, with `:port` when it is not the
   * HTTPS listener's port. Default: the request's Host when it is one of the names of the HTTPS
   * certificate (or the listening address), else the listening address: a Host header never
   * sends a visitor anywhere else.
   */
  canonicalHost?: string;
  /** Where the access log goes; `false` for none. Default: none. */
  accessLog?: Writable | false;
  /**
   * A path answered on both listeners, before the handler and the files, for load balancers'
   * health checks: GET or HEAD gets 200 `ok` while serving, 503 `draining` after `drain()`.
   * Default `false` (none; the `seraphim` command turns `/healthz` on).
   */
  healthPath?: string | false;
  /** Whether requests for `healthPath` go to the access log. Default `false`. */
  logHealthChecks?: boolean;
  /** Limits on what a client may send; each one not given keeps its default. */
  limits?: Partial<RequestLimits>;
  /** Timeouts of a connection, in milliseconds; each one not given keeps its default. */
  timeouts?: Partial<ConnectionTimeouts>;
  /** The security headers of every response. Default: see {@link SecurityHeaderOptions}. */
  headers?: SecurityHeaderOptions;
  /** How the static files are served and cached. Default: see {@link StaticFileOptions}. */
  staticFiles?: StaticFileOptions;
  /**
   * Both listeners sit behind a proxy or load balancer that opens every connection with a PROXY
   * header (HAProxy's `send-proxy-v2`), from the `trusted` addresses only: the access log, the
   * limits per address and the handlers see the client's address the header names. Default:
   * none, every connection stands for itself.
   */
  proxyProtocol?: ProxyProtocolOptions;
  /** Open connections at most; more get 503 and are closed. Default 1024. */
  maxConnections?: number;
  /**
   * Open connections from one client address at most. A new one past it closes that address's
   * oldest idle connection (waiting for a request), or with none idle gets 503 and is closed.
   * Default 64; 0 for no limit (behind a proxy through which every client comes from one address).
   */
  maxConnectionsPerAddress?: number;
  /** TLS handshakes one client address (IPv6: one /64) may run at once (SKT$INFO_PEER_HANDSHAKES). Default 64; 0 for no limit. */
  maxHandshakesPerAddress?: number;
  /** TLS handshakes one client address may start a second after that burst (SKT$INFO_PEER_HANDSHAKE_RATE). Default 32; 0 for no limit. */
  handshakesPerSecondPerAddress?: number;
  /**
   * Bytes of request bodies held in memory at once, all connections together; a body that does
   * not fit gets 503 with `Retry-After` and its connection is closed. Bodies that nothing reads
   * (static files', routes' that take none) are skipped, never held. Default 32 MiB.
   */
  maxBodyBytes?: number;
  /** Milliseconds `close()` lets requests in flight finish before cutting them off. Default 4000. */
  shutdownTimeout?: number;
  /** Told about errors: a handler that threw, an accept that failed. Default: `console.error`. */
  onError?: (err: unknown) => void;
}

/**
 * A running SERAPHIM.
 *
 * @example
 * ```ts
 * const server = await startSeraphim({ root: './public', context });
 * console.log(server.urls.https, server.connections);
 * process.on('SIGTERM', () => void server.close());
 * ```
 */
export interface SeraphimServer {
  /** The URL of each listener, e.g. `https://127.0.0.1:8443/`. */
  readonly urls: {
    /** The HTTP listener's URL, when there is one. */
    readonly http?: string;
    /** The HTTPS listener's URL, when there is one. */
    readonly https?: string;
  };
  /** The port of each listener. */
  readonly ports: {
    /** The HTTP listener's port, when there is one. */
    readonly http?: number;
    /** The HTTPS listener's port, when there is one. */
    readonly https?: number;
  };
  /** The HTTPS listener's context, if any. */
  readonly context: TlsContext | undefined;
  /** Connections open now. */
  readonly connections: number;
  /** Bytes of request bodies held in memory now, all connections together. */
  readonly bodyBytes: number;
  /** `true` once `drain()` was called. */
  readonly draining: boolean;
  /** `true` once the health path was asked for (a load balancer checks this server). */
  readonly healthChecked: boolean;
  /**
   * Starts draining before a stop: the health path answers 503 `draining`, so load balancers take
   * this server out of rotation, while every request is still served, each response closing its
   * connection (so keep-alive clients come back through the balancer, to another server).
   */
  drain(): void;
  /**
   * Loads new key material into the same context (SIGHUP): new handshakes use it, open
   * connections stay. Throws, keeping the old material, when the new one cannot be loaded or its
   * certificate is expired or not yet valid (RangeError).
   */
  reload(options: TlsContextOptions): void;
  /** Stops accepting, lets requests in flight finish (up to `shutdownTimeout`), then closes everything. */
  close(): Promise<void>;
}

interface Listener {
  server: ServerSocket;
  secure: boolean;
  options: ConnectionOptions;
}

/** Default of `maxBodyBytes`. */
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Time given to a refused (busy) connection to take its 503. */
const BUSY_SEND_TIMEOUT = 1000;
/** Pause after an accept that failed unexpectedly, so a persistent failure cannot spin. */
const ACCEPT_RETRY_DELAY = 100;
/** After the shutdown timeout, time given to forced closes before close() resolves. */
const FORCE_CLOSE_WAIT = 1000;

/**
 * Starts SERAPHIM and resolves once its listeners are listening: the files under `root` (and
 * the answers of `handler`, tried first) over HTTPS with the caller's TLS context, and over HTTP
 * redirecting to HTTPS.
 *
 * @param options - see {@link SeraphimOptions}
 * @returns the running server, to read its ports, reload its certificate and close it
 * @throws TypeError when HTTPS is on without a `context`; `SocketError` when a port cannot be
 *   listened on (`ER$BIND`, ...)
 *
 * @example
 * ```ts
 * import { createTlsContext } from 'scarlet-sockets';
 * import { createRouter, startSeraphim, text } from 'scarlet-sockets/seraphim';
 *
 * const server = await startSeraphim({
 *   root: './public',
 *   context: createTlsContext({ cert: 'fullchain.pem', key: 'key.pem' }),
 *   handler: createRouter({ 'GET /hello/{name}': (request) => text(`hello ${request.slugs.name}\n`) }),
 * });
 * console.log(`serving ${server.urls.https}`);
 * ```
 */
export async function startSeraphim(options: SeraphimOptions): Promise<SeraphimServer> {
  const host = options.host ?? '127.0.0.1';
  const httpPort = options.httpPort ?? 8080;
  const httpsPort = options.httpsPort ?? 8443;
  if (httpsPort !== false && options.context === undefined) throw new TypeError('startSeraphim: HTTPS needs a context (or httpsPort: false)');
  if (httpPort === false && httpsPort === false) throw new TypeError('startSeraphim: no listener (both ports are false)');
  const files = await StaticFiles.create(options.root, options.staticFiles);
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const timeouts: ConnectionTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const perAddress = options.maxConnectionsPerAddress ?? 64;
  const slots = new ConnectionSlots<HttpConnection>(options.maxConnections ?? 1024, perAddress === 0 ? Infinity : perAddress);
  const bodyBudget = new BodyBudget(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const onError = options.onError ?? ((err: unknown) => console.error('seraphim:', err));
  const health = options.healthPath === undefined || options.healthPath === false ? undefined : new HealthEndpoint(options.healthPath);
  let draining = false;
  const log = !options.accessLog
    ? undefined
    : health !== undefined && options.logHealthChecks !== true
      ? new AccessLogWithoutHealthChecks(options.accessLog, health)
      : new AccessLog(options.accessLog);

  const listeners: Listener[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(listeners.map((l) => closeSocket(l.server)));
  };
  let httpsListenPort: number | undefined;
  const socketOptions: ServerSocketOptions = options.proxyProtocol === undefined ? {} : { proxyProtocol: options.proxyProtocol };
  try {
    if (httpsPort !== false) {
      const server = await createSecureServerSocket(host, httpsPort, SKT$BLOCKING, options.context as TlsContext, socketOptions);
      listeners.push({ server, secure: true, options: connectionOptions(true, files.serve.bind(files)) });
      if (options.maxHandshakesPerAddress !== undefined) setSocketMode(server, SKT$INFO_PEER_HANDSHAKES, options.maxHandshakesPerAddress);
      if (options.handshakesPerSecondPerAddress !== undefined) setSocketMode(server, SKT$INFO_PEER_HANDSHAKE_RATE, options.handshakesPerSecondPerAddress);
      httpsListenPort = socketInfo(server, SKT$INFO_PORT);
    }
    if (httpPort !== false) {
      const server = await createServerSocket(host, httpPort, SKT$BLOCKING, undefined, socketOptions);
      const redirect = httpsListenPort !== undefined && options.redirectToHttps !== false ? httpsListenPort : undefined;
      const target = redirectTarget(host, options.canonicalHost, options.context);
      const serve = redirect === undefined ? files.serve.bind(files) : (request: SeraphimRequest) => redirectToHttps(request, target, redirect);
      listeners.push({ server, secure: false, options: connectionOptions(false, serve, redirect !== undefined) });
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  function connectionOptions(secure: boolean, serve: (request: SeraphimRequest) => Promise<OutgoingResponse> | OutgoingResponse, redirecting = false): ConnectionOptions {
    const handler = options.handler;
    return {
      secure,
      limits,
      timeouts,
      defaults: headerBlock(defaultHeaders(options.headers ?? {}, secure)),
      log,
      onError,
      bodyBudget,
      closeAfterEachResponse: () => draining,
      // The static files and the redirect read no body; a handler says which it reads, if it can.
      readsBody: (head) => {
        if (handler === undefined || redirecting) return false;
        return handler.readsBody === undefined ? true : handler.readsBody(head);
      },
      // Not async: a handler that answers at once costs no promise here.
      respond: (request) => {
        const healthAnswer = health?.answer(request, draining);
        if (healthAnswer !== undefined) return healthAnswer;
        if (handler === undefined || redirecting) return serve(request);
        const answer = handler(request);
        if (isThenable(answer)) return Promise.resolve(answer).then((settled) => (settled === undefined ? serve(request) : fromHandler(settled)));
        return answer === undefined ? serve(request) : fromHandler(answer);
      },
    };
  }

  /** Open connections, each with the promise of its request loop. */
  const connections = new Map<HttpConnection, Promise<void>>();
  let closing = false;

  async function acceptLoop(listener: Listener): Promise<void> {
    const { server } = listener;
    setSocketMode(server, SKT$INFO_NO_DELAY, 1);
    for (;;) {
      let skt: Socket;
      try {
        skt = listener.secure ? await acceptSecureSocket(server as Parameters<typeof acceptSecureSocket>[0]) : await acceptSocket(server);
      } catch (err) {
        if (closing || (err instanceof SocketError && err.code === 'ER$SKT_CLOSED')) return;
        onError(err);
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_DELAY));
        continue;
      }
      const connection = new HttpConnection(skt, listener.options);
      // The address as the library took it at accept.
      const address = socketInfo(skt, SKT$INFO_IP_ADDR);
      if (closing || slots.admit(address, connection) === 'busy') {
        void refuseBusy(skt, listener);
        continue;
      }
      const done = (): void => {
        connections.delete(connection);
        slots.release(address, connection);
      };
      connections.set(connection, connection.run().finally(done));
    }
  }

  const loops = listeners.map((l) => acceptLoop(l));
  const ports: { http?: number; https?: number } = {};
  const urls: { http?: string; https?: string } = {};
  for (const l of listeners) {
    const port = socketInfo(l.server, SKT$INFO_PORT);
    const scheme = l.secure ? 'https' : 'http';
    ports[scheme] = port;
    urls[scheme] = `${scheme}://${urlHost(host)}:${port}/`;
  }

  let closed: Promise<void> | undefined;
  async function close(): Promise<void> {
    closing = true;
    await closeAll();
    await Promise.all(loops);
    for (const connection of connections.keys()) connection.shutdown();
    if (!(await settles(drained(), options.shutdownTimeout ?? 4000))) {
      for (const connection of connections.keys()) void connection.close();
      await settles(drained(), FORCE_CLOSE_WAIT);
    }
    // The files the cache keeps open are closed (those still being sent, once sent).
    files.close();
  }
  function drained(): Promise<unknown> {
    return Promise.all(connections.values());
  }

  return {
    urls,
    ports,
    context: options.context,
    get connections() {
      return connections.size;
    },
    get bodyBytes() {
      return bodyBudget.held;
    },
    get draining() {
      return draining;
    },
    get healthChecked() {
      return health?.checked ?? false;
    },
    drain(): void {
      draining = true;
    },
    reload(material: TlsContextOptions): void {
      if (options.context === undefined) throw new TypeError('reload: this server has no TLS context');
      // Read and checked on its own first: a certificate out of its dates never replaces the one in force.
      const certificate = createTlsContext(material).describe();
      const problem = certificate === undefined ? undefined : validityProblem(certificate);
      if (problem !== undefined) throw new RangeError(problem);
      options.context.reload(material);
    },
    close(): Promise<void> {
      closed ??= close();
      return closed;
    },
  };
}

/** Whether `promise` settled within `ms`. */
async function settles(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Answers a connection past the limit (or during shutdown) with 503, then closes it. */
async function refuseBusy(skt: Socket, listener: Listener): Promise<void> {
  const response = errorResponse(503, { 'Retry-After': '5' });
  try {
    await writeResponse(skt, response, {
      defaults: listener.options.defaults,
      headOnly: false,
      keepAlive: false,
      http10: false,
      sendTimeout: BUSY_SEND_TIMEOUT,
    });
  } catch (err) {
    if (!(err instanceof SocketError)) throw err;
    // Gone or too slow: it is closed all the same, without waiting for it.
    setSocketMode(skt, SKT$INFO_LINGER, 0);
  }
  await closeSocket(skt);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** A handler's response as the connection sends it. */
function fromHandler(answer: SeraphimResponse): OutgoingResponse {
  const { status } = answer;
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`handler returned status ${String(status)}`);
  const raw = answer.body;
  const body = raw === undefined ? undefined : typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const response = makeResponse(status, bodiless(status) ? undefined : body);
  const type = answer.contentType ?? (body === undefined ? undefined : typeof answer.body === 'string' ? 'text/html; charset=utf-8' : 'application/octet-stream');
  // A preset, replaced like any field when `headers` names Content-Type too (setHeader).
  if (type !== undefined && !bodiless(status)) response.preset = contentTypeBlock(type);
  if (answer.headers !== undefined) for (const [name, value] of Object.entries(answer.headers)) setHeader(response, name, value);
  return response;
}

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/** Where a redirect to HTTPS may go: the host (and port, if fixed) for a request. */
interface RedirectTarget {
  /** The host name for this request's Host header. */
  host(hostHeader: string | undefined): string;
  /** `:port` when the configured host fixed it. */
  port: string | undefined;
}

/**
 * The canonical host if configured; else the request's Host when it names this server (one of
 * its certificate's names at that moment, or the listening address), else the listening address.
 */
function redirectTarget(listenHost: string, canonicalHost: string | undefined, context: TlsContext | undefined): RedirectTarget {
  const fallback = urlHost(listenHost);
  if (canonicalHost !== undefined) {
    const match = /^(.*?)(:\d{1,5})?$/.exec(canonicalHost);
    return { host: () => match?.[1] ?? canonicalHost, port: match?.[2] };
  }
  return {
    host(hostHeader) {
      const name = HOST_HEADER.exec(hostHeader ?? '')?.[1];
      if (name === undefined) return fallback;
      const own = [fallback, ...(context?.describe()?.names ?? [])];
      return own.some((known) => namesMatch(known, name)) ? name : fallback;
    },
    port: undefined,
  };
}

/** Whether `name` (from a Host header) is `known` (a certificate name): the same host, or one label of a wildcard. */
function namesMatch(known: string, name: string): boolean {
  const want = canonicalHostName(known.includes(':') && !known.startsWith('[') ? `[${known}]` : known);
  const got = canonicalHostName(name);
  if (want.startsWith('*.')) {
    const dot = got.indexOf('.');
    return dot > 0 && got.slice(dot) === want.slice(1);
  }
  return want === got;
}

/** A host as URLs write it: lower case, IPv6 compressed in brackets (`0:0:0:0:0:0:0:1` is `[::1]`). */
function canonicalHostName(host: string): string {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return host.toLowerCase(); // not a host a URL can have: compared as it is
  }
}

/** The redirect of the HTTP listener: to this server's own name, the HTTPS port, same path and query. */
function redirectToHttps(request: SeraphimRequest, to: RedirectTarget, httpsPort: number): OutgoingResponse {
  const hostName = to.host(request.headers.get('host'));
  const port = to.port ?? (httpsPort === 443 ? '' : `:${httpsPort}`);
  let target = request.target;
  if (target === '*') target = '/';
  else if (!target.startsWith('/')) target = target.replace(/^[a-z]+:\/\/[^/?]*/i, '') || '/';
  if (!target.startsWith('/')) target = '/' + target;
  const status = request.method === 'GET' || request.method === 'HEAD' ? 301 : 308;
  return errorResponse(status, { Location: `https://${hostName}${port}${target}` });
}

/** A listen address as a URL host: brackets for IPv6, loopback for the wildcard. */
function urlHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
