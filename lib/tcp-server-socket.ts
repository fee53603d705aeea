import { createServer, isIPv6, type Server, type Socket as NetSocket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { isResolveError, resolveError } from './address.js';
import {
  ACCEPT_QUEUE_LIMIT,
  ER$BIND,
  ER$INCOMP_PROTO,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  LISTEN_BACKLOG,
  PROXY_HEADER_LIMIT,
  SKT$INFO_DROPPED,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV4,
  SKT$INFO_FAMILY_IPV6,
  SKT$INFO_IP_ADDR,
  SKT$INFO_KEEP_ALIVE,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_NO_DELAY,
  SKT$INFO_PORT,
  SKT$INFO_PROXY_REFUSED,
  SKT$INFO_QUEUED,
  SKT$INFO_TYPE_INCOMING,
} from './constants.js';
import { SocketError } from './errors.js';
import { readProxyHeader, type ProxyHeader } from './proxy-reader.js';
import type { ProxySettings } from './proxy-trust.js';
import { asSocket, SocketBase } from './socket-base.js';
import { endpointsOf, StreamSocket, type Endpoints } from './stream-socket.js';
import { Waiter } from './waiter.js';
import type { ServerSocket } from '../types/socket.js';

const acceptTimeout = (): SocketError => new SocketError(ER$TIMEOUT, 'acceptSocket: no connection within the timeout');

/**
 * A listening TCP socket. Connections that arrive before `acceptSocket` asks for them wait in a
 * bounded queue (already buffering their first bytes); past the bound they are closed and
 * counted in SKT$INFO_DROPPED. With the PROXY protocol, each connection's header is read first,
 * in the background, and only connections from a trusted proxy with a good header go on.
 */
export class TcpServerSocket extends SocketBase implements ServerSocket {
  readonly type = 1 as const;
  readonly server: Server;
  protected readonly queue: StreamSocket[] = [];
  private readonly waiters: Waiter<StreamSocket>[] = [];
  private dropped = 0;
  /** Modes applied to every accepted socket (SET.SOCKET.MODE on the server socket). */
  private noDelay = false;
  private keepAlive = false;
  private readonly address: string;
  private readonly port: number;
  private readonly family: 1 | 2;
  /** The PROXY protocol settings, when every connection must open with a header. */
  private readonly proxy: ProxySettings | undefined;
  /** Connections whose PROXY header is being read now, so close() can end them. */
  private readonly readingHeader = new Set<NetSocket>();
  /** Connections closed for a PROXY reason (SKT$INFO_PROXY_REFUSED). */
  private proxyRefused = 0;

  constructor(server: Server, blocking: boolean, proxy?: ProxySettings) {
    super(blocking);
    this.server = server;
    this.proxy = proxy;
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new TypeError('server socket is not bound to an IP address');
    this.address = bound.address;
    this.port = bound.port;
    this.family = bound.family === 'IPv6' ? SKT$INFO_FAMILY_IPV6 : SKT$INFO_FAMILY_IPV4;
    server.on('connection', (raw: NetSocket) => this.arrive(raw));
    // A failed accept (EMFILE: out of file descriptors) is a connection lost before anyone could
    // accept it: counted with the dropped ones. Node keeps listening.
    server.on('error', () => this.countDropped());
  }

  /**
   * A new connection: admitted as it is, or with the PROXY protocol, once its header has been
   * read. Its ends are taken now (Node asks the kernel only while the socket is open).
   */
  private arrive(raw: NetSocket): void {
    const endpoints = endpointsOf(raw);
    const proxy = this.proxy;
    if (proxy === undefined) {
      this.admit(raw, endpoints, 0);
      return;
    }
    // Reset before Node took it (HAProxy's health check sends its header and resets at once):
    // no peer to judge and nothing to read, a connection gone, not refused.
    if (endpoints.remoteAddress === '') {
      raw.destroy();
      return;
    }
    if (this.closed) {
      this.countDropped();
      raw.destroy();
      return;
    }
    // Whoever can connect from a trusted address can claim any client: nobody else may try.
    if (!proxy.trusts(endpoints.remoteAddress)) {
      this.proxyRefused++;
      raw.destroy();
      return;
    }
    // No share per address here: only the trusted proxies get this far, each carrying everyone.
    if (this.readingHeader.size >= PROXY_HEADER_LIMIT) {
      this.countDropped();
      raw.destroy();
      return;
    }
    this.readingHeader.add(raw);
    readProxyHeader(
      raw,
      proxy.headerTimeout,
      (header) => {
        this.readingHeader.delete(raw);
        this.admit(raw, proxiedEndpoints(endpoints, header), header.length);
      },
      (why) => {
        this.readingHeader.delete(raw);
        // A peer that hung up before its header was whole was not refused: it left (a proxy's
        // health check that connects and closes at once, a client gone early). Nor is a
        // connection cut off by close().
        if (why !== 'hung-up' && !this.closed) this.proxyRefused++;
      },
    );
  }

  /**
   * Takes a new connection whose ends are known (with the PROXY protocol, after its header: the
   * connection is then paused). A secure server socket runs the TLS handshake here first.
   *
   * @param headerLength - bytes of PROXY header read off the connection already, 0 without one
   */
  protected admit(raw: NetSocket, endpoints: Endpoints, headerLength: number): void {
    if (this.closed || this.full()) {
      this.countDropped();
      raw.destroy();
      return;
    }
    const skt = new StreamSocket(raw, SKT$INFO_TYPE_INCOMING, this.blocking, undefined, endpoints);
    this.applyModes(skt);
    // Buffering starts at once, as for any queued connection; the header reader left it paused.
    if (headerLength > 0) raw.resume();
    this.offer(skt);
  }

  /** Gives a ready socket to the first waiting accept, or queues it, or drops it when full. */
  protected offer(skt: StreamSocket): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve(skt);
    } else if (this.closed || this.full()) {
      this.countDropped();
      skt.stream.destroy();
    } else {
      this.queue.push(skt);
    }
  }

  /** Applies the modes set on the server socket to a socket it accepted. */
  protected applyModes(skt: StreamSocket): void {
    if (this.noDelay) skt.setMode(SKT$INFO_NO_DELAY, 1);
    if (this.keepAlive) skt.setMode(SKT$INFO_KEEP_ALIVE, 1);
  }

  protected countDropped(): void {
    this.dropped++;
  }

  private full(): boolean {
    return this.waiters.length === 0 && this.queue.length >= ACCEPT_QUEUE_LIMIT;
  }

  accept(timeout: number): Promise<StreamSocket> {
    if (this.closed) return Promise.reject(new SocketError(ER$SKT_CLOSED, 'acceptSocket: the server socket is closed'));
    const ready = this.queue.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    const waiter = new Waiter<StreamSocket>(timeout, this.waiters, acceptTimeout);
    this.waiters.push(waiter);
    return waiter.promise;
  }

  read(): Promise<never> {
    return Promise.reject(new TypeError('skt is a TCP server socket: read the sockets that acceptSocket returns'));
  }

  write(): Promise<never> {
    return Promise.reject(new TypeError('skt is a TCP server socket: write to the sockets that acceptSocket returns'));
  }

  /**
   * Stops listening. Sockets already accepted are not touched; queued, unaccepted ones are reset,
   * as the kernel resets the connections waiting on a listening socket that ScarletDME closes
   * (their client reads ER$FAILED with ECONNRESET, not an orderly end).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    const closed = new SocketError(ER$SKT_CLOSED, 'acceptSocket: the server socket was closed');
    for (const waiter of this.waiters.splice(0)) waiter.reject(closed);
    for (const skt of this.queue.splice(0)) reset(skt.stream);
    for (const raw of [...this.readingHeader]) raw.destroy();
  }

  override info(key: number): unknown {
    switch (key) {
      case SKT$INFO_PORT:
      case SKT$INFO_LOCAL_PORT:
        return this.port;
      case SKT$INFO_IP_ADDR:
      case SKT$INFO_LOCAL_ADDR:
        return this.address;
      case SKT$INFO_FAMILY:
        return this.family;
      case SKT$INFO_NO_DELAY:
        return this.noDelay;
      case SKT$INFO_KEEP_ALIVE:
        return this.keepAlive;
      case SKT$INFO_QUEUED:
        return this.queue.length;
      case SKT$INFO_DROPPED:
        return this.dropped;
      case SKT$INFO_PROXY_REFUSED:
        return this.proxyRefused;
      default:
        return super.info(key);
    }
  }

  override setMode(key: number, value: unknown): void {
    if (key === SKT$INFO_NO_DELAY) this.noDelay = Boolean(value);
    else if (key === SKT$INFO_KEEP_ALIVE) this.keepAlive = Boolean(value);
    else super.setMode(key, value);
  }

}

/**
 * A proxied connection's ends: the client's as the header names it, the local ones as they are,
 * and the proxy's kept apart. A header that names no client (a v1 UNKNOWN, a v2 LOCAL health
 * check) leaves the connection standing for itself.
 */
function proxiedEndpoints(endpoints: Endpoints, header: ProxyHeader): Endpoints {
  const proxy = { address: endpoints.remoteAddress, port: endpoints.remotePort };
  const client = header.source;
  if (client === undefined) return { ...endpoints, proxy };
  const family = isIPv6(client.address) ? SKT$INFO_FAMILY_IPV6 : SKT$INFO_FAMILY_IPV4;
  return { ...endpoints, remoteAddress: client.address, remotePort: client.port, family, proxy };
}

/** Closes a connection with a TCP reset. A TLS socket has no TCP handle of its own: it is destroyed. */
function reset(stream: NetSocket): void {
  if (stream instanceof TLSSocket) stream.destroy();
  else stream.resetAndDestroy();
}

/** Binds and listens; resolves with the listening net.Server. */
export async function listenTcp(host: string | undefined, port: number, op: string): Promise<Server> {
  const server = createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      server.close();
      if (isResolveError(err)) reject(resolveError(err, host ?? '', op));
      else reject(new SocketError(ER$BIND, `${op}: cannot listen on ${host ?? '*'}:${port}: ${err.message}`, err));
    };
    server.once('error', onError);
    server.listen({ host, port, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return server;
}

/** The argument check of the accept functions. */
export function asServer(value: unknown, op: string): TcpServerSocket {
  const skt = asSocket(value, 'server');
  if (skt instanceof TcpServerSocket) return skt;
  if (skt.type === 1) throw new SocketError(ER$INCOMP_PROTO, `${op}: a UDP socket has no connections to accept`);
  throw new TypeError(`server is not a server socket; ${op} takes what createServerSocket returned`);
}
