/**
 * Options of a TCP server socket that BASIC's `CREATE.SERVER.SOCKET` has no argument for: the
 * last, optional argument of `createServerSocket` and `createSecureServerSocket`, after the
 * arguments BASIC has, so a ported call keeps its shape.
 *
 * @example
 * ```ts
 * const options: ServerSocketOptions = { proxyProtocol: { trusted: ['127.0.0.0/8', '::1'] } };
 * const srvr = await createSecureServerSocket('', 8443, SKT$BLOCKING, context, options);
 * ```
 * @group Types
 */
export interface ServerSocketOptions {
  /**
   * Expect a PROXY protocol header (version 1 or 2, told apart by their first bytes) at the
   * start of every connection, from a trusted proxy or load balancer only; omitted: none is
   * expected, and a connection stands for itself. See {@link ProxyProtocolOptions}.
   */
  readonly proxyProtocol?: ProxyProtocolOptions;
}

/**
 * The PROXY protocol on a server socket: every connection must come from one of the `trusted`
 * addresses and open with a PROXY header (HAProxy's `send-proxy` or `send-proxy-v2`, nginx's
 * `proxy_protocol on`, a cloud L4 balancer's "proxy protocol" setting). The header is read
 * before anything else (before the TLS handshake on a secure server socket); the accepted
 * socket's `SKT$INFO_IP_ADDR` and `SKT$INFO_PORT` are then the client's, as the header names
 * it, and `SKT$INFO_PROXY_ADDR` / `SKT$INFO_PROXY_PORT` the proxy's own end. A connection from
 * any other address, or whose header is missing, malformed, too long or later than
 * `headerTimeout`, is closed unaccepted and counted in the server socket's
 * `SKT$INFO_PROXY_REFUSED` (one that hangs up before its header is whole is closed too, but it
 * left: not counted).
 *
 * @example
 * ```ts
 * const proxied: ProxyProtocolOptions = { trusted: ['10.0.0.0/8', 'fd00::/8'], headerTimeout: 2000 };
 * const srvr = await createServerSocket('', 8080, SKT$BLOCKING, undefined, { proxyProtocol: proxied });
 * ```
 * @group Types
 */
export interface ProxyProtocolOptions {
  /**
   * The addresses proxies connect from: IPv4 or IPv6 addresses (`'127.0.0.1'`, `'::1'`) or
   * ranges in CIDR notation (`'10.0.0.0/8'`, `'fd00::/8'`). An IPv4 client seen through a
   * dual-stack listener (`::ffff:a.b.c.d`) matches as its IPv4 address. A header is believed
   * only from these: whoever can connect from one of them can claim to be any client.
   */
  readonly trusted: readonly string[];
  /**
   * Milliseconds a connection has to send its whole header, from the moment it is accepted;
   * default 5000. A proxy sends the header at once, in its first packet, so a few seconds is
   * generous even across a slow network, and keeps a connection that never sends one from
   * holding its place for long. A positive number (0, "no limit" elsewhere in the library, is
   * refused here: the header is owed at once).
   */
  readonly headerTimeout?: number;
}
