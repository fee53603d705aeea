/**
 * ScarletDME's socket constants (SYSCOM/KEYS.H) and status numbers (SYSCOM/ERR.H up to 7013;
 * 7014 to 7027 exist only in ScarletDME's C header gplsrc/err.h), with the same numeric values,
 * named as BASIC names them with dots turned into underscores.
 */

// ---------------------------------------------------------------------------------------------
// Flags for OPEN.SOCKET, CREATE.SERVER.SOCKET, READ.SOCKET and WRITE.SOCKET
// ---------------------------------------------------------------------------------------------

/**
 * `SKT$BLOCKING`: wait up to the timeout (as a read/write flag), or make blocking the socket's
 * default mode (as an open flag).
 *
 * @example
 * ```ts
 * const skt = await openSocket('127.0.0.1', 7000, SKT$BLOCKING);
 * const reply = await readSocket(skt, 1024, 0, 5000); // waits up to 5 s
 * ```
 *
 * @group Flags (SKT$)
 */
export const SKT$BLOCKING = 1;

/**
 * `SKT$NON.BLOCKING`: return at once. This is the default mode of every socket unless it was
 * opened with {@link SKT$BLOCKING} or switched with `setSocketMode(skt, SKT$INFO_BLOCKING, 1)`.
 *
 * @example
 * ```ts
 * // Fails at once with ER$TIMEOUT when nothing is buffered.
 * const data = await readSocket(skt, 1024, SKT$NON_BLOCKING);
 * ```
 *
 * @summary `SKT$NON.BLOCKING`: return at once.
 * @group Flags (SKT$)
 */
export const SKT$NON_BLOCKING = 2;

/**
 * `SKT$STREAM`: a stream (TCP) socket. It is zero, the default.
 *
 * @example
 * ```ts
 * const srvr = await createServerSocket('', 7000, SKT$STREAM | SKT$TCP);
 * ```
 *
 * @summary `SKT$STREAM`: a stream (TCP) socket.
 * @group Flags (SKT$)
 */
export const SKT$STREAM = 0;

/**
 * `SKT$DGRM`: the datagram socket type. As in ScarletDME it only goes with {@link SKT$UDP}:
 * `SKT$UDP` is what makes a datagram socket, and `SKT$DGRM` alone changes nothing (a TCP socket).
 *
 * @example
 * ```ts
 * const skt = await openSocket('127.0.0.1', 5353, SKT$DGRM | SKT$UDP);
 * ```
 *
 * @summary `SKT$DGRM`: the datagram socket type.
 * @group Flags (SKT$)
 */
export const SKT$DGRM = 0x100;

/**
 * `SKT$RAW`: a raw socket. ScarletDME has this value in its C headers but not in SYSCOM/KEYS.H.
 * As there, `openSocket` with it fails with {@link ERAI$SERVICE} and `createServerSocket`
 * ignores it (a TCP server socket).
 *
 * @example
 * ```ts
 * await openSocket('127.0.0.1', 7, SKT$RAW); // throws SocketError ERAI$SERVICE
 * ```
 *
 * @summary `SKT$RAW`: a raw socket.
 * @group Flags (SKT$)
 */
export const SKT$RAW = 0x200;

/**
 * `SKT$TCP`: the TCP protocol. It is zero, the default.
 *
 * @example
 * ```ts
 * const skt = await openSocket('127.0.0.1', 7000, SKT$TCP | SKT$BLOCKING);
 * ```
 *
 * @summary `SKT$TCP`: the TCP protocol.
 * @group Flags (SKT$)
 */
export const SKT$TCP = 0;

/**
 * `SKT$UDP`: the UDP protocol. A server socket made with it receives datagrams with
 * `readSocket` and answers the sender of the last one with `writeSocket`.
 *
 * @example
 * ```ts
 * const srvr = await createServerSocket('127.0.0.1', 0, SKT$UDP | SKT$BLOCKING);
 * ```
 *
 * @summary `SKT$UDP`: the UDP protocol.
 * @group Flags (SKT$)
 */
export const SKT$UDP = 0x10000;

/**
 * `SKT$ICMP`: the ICMP protocol. As in ScarletDME, `openSocket` and `createServerSocket` with
 * it fail with {@link ERAI$SERVICE}.
 *
 * @example
 * ```ts
 * await openSocket('127.0.0.1', 7, SKT$ICMP); // throws SocketError ERAI$SERVICE
 * ```
 *
 * @summary `SKT$ICMP`: the ICMP protocol.
 * @group Flags (SKT$)
 */
export const SKT$ICMP = 0x20000;

// ---------------------------------------------------------------------------------------------
// Keys for SOCKET.INFO and SET.SOCKET.MODE
// ---------------------------------------------------------------------------------------------

/**
 * `SKT$INFO.OPEN`: is this value an open socket? `false` for anything else, never an error.
 *
 * @example
 * ```ts
 * if (!socketInfo(skt, SKT$INFO_OPEN)) console.log('not a socket');
 * ```
 *
 * @summary `SKT$INFO.OPEN`: is this value an open socket?
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_OPEN = 0;

/**
 * `SKT$INFO.TYPE`: {@link SKT$INFO_TYPE_SERVER}, {@link SKT$INFO_TYPE_INCOMING} or
 * {@link SKT$INFO_TYPE_OUTGOING}.
 *
 * @example
 * ```ts
 * if (socketInfo(skt, SKT$INFO_TYPE) === SKT$INFO_TYPE_INCOMING) console.log('accepted');
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TYPE = 1;

/**
 * `SKT$INFO.TYPE.SERVER`: made by `createServerSocket`.
 *
 * @example
 * ```ts
 * socketInfo(srvr, SKT$INFO_TYPE) === SKT$INFO_TYPE_SERVER; // true
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TYPE_SERVER = 1;

/**
 * `SKT$INFO.TYPE.INCOMING`: returned by `acceptSocket`.
 *
 * @example
 * ```ts
 * socketInfo(await acceptSocket(srvr), SKT$INFO_TYPE) === SKT$INFO_TYPE_INCOMING; // true
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TYPE_INCOMING = 2;

/**
 * `SKT$INFO.TYPE.OUTGOING`: made by `openSocket`.
 *
 * @example
 * ```ts
 * socketInfo(await openSocket('127.0.0.1', 7000), SKT$INFO_TYPE) === SKT$INFO_TYPE_OUTGOING;
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TYPE_OUTGOING = 3;

/**
 * `SKT$INFO.PORT`: the port: the bound port of a server socket, the peer's port of a connected
 * socket. Extension: for a server socket created with port 0 it is the port the system picked;
 * ScarletDME reports the port argument, 0.
 *
 * @example
 * ```ts
 * const srvr = await createServerSocket('127.0.0.1', 0);
 * const port = socketInfo(srvr, SKT$INFO_PORT); // the free port the system picked
 * ```
 *
 * @summary `SKT$INFO.PORT`: the port: the bound port of a server socket, the peer's port of a
 *   connected socket.
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PORT = 2;

/**
 * `SKT$INFO.IP.ADDR`: the IP address: the bound address of a server socket, the peer's address
 * of a connected socket.
 *
 * @example
 * ```ts
 * console.log('client from', socketInfo(skt, SKT$INFO_IP_ADDR));
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_IP_ADDR = 3;

/**
 * `SKT$INFO.BLOCKING`: is blocking the socket's default mode? Settable with `setSocketMode`.
 * Extension: a server socket created with `SKT$BLOCKING` says true and passes the mode on to
 * the sockets it accepts; in ScarletDME a new server socket says 0 and accepted sockets are
 * always non-blocking.
 *
 * @example
 * ```ts
 * setSocketMode(skt, SKT$INFO_BLOCKING, 1);
 * socketInfo(skt, SKT$INFO_BLOCKING); // true
 * ```
 *
 * @summary `SKT$INFO.BLOCKING`: is blocking the socket's default mode?
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_BLOCKING = 4;

/**
 * `SKT$INFO.NO.DELAY`: is the Nagle algorithm disabled? Settable with `setSocketMode`.
 *
 * @example
 * ```ts
 * setSocketMode(skt, SKT$INFO_NO_DELAY, 1);
 * ```
 *
 * @summary `SKT$INFO.NO.DELAY`: is the Nagle algorithm disabled?
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_NO_DELAY = 5;

/**
 * `SKT$INFO.KEEP.ALIVE`: are TCP keep-alive probes enabled? Settable with `setSocketMode`: 1
 * turns them on, 0 off. (ScarletDME turns them on for 0 as well, a defect not copied here.)
 *
 * @example
 * ```ts
 * setSocketMode(skt, SKT$INFO_KEEP_ALIVE, 1);
 * ```
 *
 * @summary `SKT$INFO.KEEP.ALIVE`: are TCP keep-alive probes enabled?
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_KEEP_ALIVE = 6;

/**
 * `SKT$INFO.FAMILY`: {@link SKT$INFO_FAMILY_IPV4} or {@link SKT$INFO_FAMILY_IPV6}.
 *
 * @example
 * ```ts
 * const v6 = socketInfo(skt, SKT$INFO_FAMILY) === SKT$INFO_FAMILY_IPV6;
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_FAMILY = 7;

/**
 * `SKT$INFO.FAMILY.IPV4`: an IPv4 socket.
 *
 * @example
 * ```ts
 * socketInfo(await createServerSocket('127.0.0.1', 0), SKT$INFO_FAMILY); // SKT$INFO_FAMILY_IPV4
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_FAMILY_IPV4 = 1;

/**
 * `SKT$INFO.FAMILY.IPV6`: an IPv6 socket.
 *
 * @example
 * ```ts
 * socketInfo(await createServerSocket('::1', 0), SKT$INFO_FAMILY); // SKT$INFO_FAMILY_IPV6
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_FAMILY_IPV6 = 2;

/**
 * Added by scarlet-sockets: the local address of a socket (for a server socket, the same as
 * {@link SKT$INFO_IP_ADDR}).
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_LOCAL_ADDR); // '127.0.0.1'
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_LOCAL_ADDR = 100;

/**
 * Added by scarlet-sockets: the local port of a socket (for a server socket, the same as
 * {@link SKT$INFO_PORT}).
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_LOCAL_PORT); // e.g. 53122
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_LOCAL_PORT = 101;

/**
 * Added by scarlet-sockets: for a server socket, how many connections wait in its accept queue.
 *
 * @example
 * ```ts
 * socketInfo(srvr, SKT$INFO_QUEUED); // 0 when every connection has been accepted
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_QUEUED = 102;

/**
 * Added by scarlet-sockets: for a server socket, how many connections were closed unaccepted
 * because the accept queue was full (for a secure server socket, also those closed because its
 * handshake slots were taken, 1024 in all and 64 for one peer address, or because the peer
 * started more than 32 handshakes a second after a burst of 64; with the PROXY protocol, also
 * those closed because 1024 connections were sending their header already); for a UDP socket,
 * how many datagrams were dropped because nobody read them.
 *
 * @example
 * ```ts
 * if (socketInfo(srvr, SKT$INFO_DROPPED) > 0) console.warn('accept faster');
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_DROPPED = 103;

/**
 * Added by scarlet-sockets: for a UDP socket, the address of the sender of the last datagram
 * read (`''` before the first).
 *
 * @example
 * ```ts
 * const request = await readSocket(udp, 512, SKT$BLOCKING);
 * console.log('from', socketInfo(udp, SKT$INFO_PEER_ADDR));
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PEER_ADDR = 104;

/**
 * Added by scarlet-sockets: for a UDP socket, the port of the sender of the last datagram read
 * (0 before the first).
 *
 * @example
 * ```ts
 * console.log('from port', socketInfo(udp, SKT$INFO_PEER_PORT));
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PEER_PORT = 105;

/**
 * Added by scarlet-sockets: how long `closeSocket` lets queued bytes drain to a peer that does
 * not read, in milliseconds (default 5000), before it cuts the connection off. Set it to 0 to
 * close at once, dropping whatever is still queued: for a peer already known to be hostile or
 * gone, such as one that timed out a write.
 *
 * @example
 * ```ts
 * try {
 *   await writeSocket(skt, page, SKT$BLOCKING, 10_000);
 * } catch (err) {
 *   setSocketMode(skt, SKT$INFO_LINGER, 0); // the peer stopped reading: do not wait for it
 * }
 * await closeSocket(skt);
 * ```
 *
 * @summary Added by scarlet-sockets: how long `closeSocket` lets queued bytes drain to a peer that
 *   does not read, in milliseconds (default 5000), before it cuts the connection off.
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_LINGER = 106;

/**
 * Added by scarlet-sockets: the TLS version of a secure socket (`'TLSv1.3'`, `'TLSv1.2'`).
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_TLS_PROTOCOL); // 'TLSv1.3'
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_PROTOCOL = 200;

/**
 * Added by scarlet-sockets: the cipher suite of a secure socket (`'TLS_AES_256_GCM_SHA384'`).
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_TLS_CIPHER); // 'TLS_AES_256_GCM_SHA384'
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_CIPHER = 201;

/**
 * Added by scarlet-sockets: the subject of the peer's certificate (`'CN=alice'`), `''` when the
 * peer sent none.
 *
 * @example
 * ```ts
 * const user = socketInfo(skt, SKT$INFO_TLS_PEER_SUBJECT); // client certificate of an mTLS client
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_PEER_SUBJECT = 202;

/**
 * Added by scarlet-sockets: the SNI host name: the one the client asked for (on an accepted
 * socket) or sent (on an opened one); `''` when none.
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_TLS_SNI); // 'blog.example'
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_SNI = 203;

/**
 * Added by scarlet-sockets: did the handshake resume an earlier TLS session?
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_TLS_RESUMED); // true for an abbreviated handshake
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_RESUMED = 204;

/**
 * Added by scarlet-sockets: the ALPN protocol agreed on (`'http/1.1'`), `''` when none.
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_TLS_ALPN); // 'http/1.1'
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_ALPN = 205;

/**
 * Added by scarlet-sockets: for a secure server socket, how many handshakes failed (bad
 * protocol, garbage, refused client certificate, reset during the handshake).
 *
 * @example
 * ```ts
 * socketInfo(srvr, SKT$INFO_TLS_HANDSHAKE_FAILURES); // 0 on a quiet day
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_HANDSHAKE_FAILURES = 206;

/**
 * Added by scarlet-sockets: for a secure server socket, how many handshakes were cut off by the
 * context's handshake timeout (or, for a connection that sent no byte, by the 3 s first-byte
 * deadline).
 *
 * @example
 * ```ts
 * socketInfo(srvr, SKT$INFO_TLS_HANDSHAKE_TIMEOUTS); // stalled clients closed so far
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_HANDSHAKE_TIMEOUTS = 207;

/**
 * Added by scarlet-sockets: the description of the peer's certificate (subject, names, issuer,
 * validity, SHA-256 fingerprint), `undefined` when the peer sent none.
 *
 * @example
 * ```ts
 * const cert = socketInfo(skt, SKT$INFO_TLS_PEER_CERT);
 * console.log(cert?.fingerprint256);
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_PEER_CERT = 208;

/**
 * Added by scarlet-sockets: for a secure server socket, how many handshakes are running now.
 *
 * @example
 * ```ts
 * socketInfo(srvr, SKT$INFO_TLS_HANDSHAKING); // connections still negotiating TLS
 * ```
 *
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_TLS_HANDSHAKING = 209;

/**
 * Added by scarlet-sockets: for a secure server socket, how many TLS handshakes one peer (an
 * IPv4 address, or an IPv6 /64) may run at once; past it the peer's new connections are closed
 * at once and counted in `SKT$INFO_DROPPED`. Default 64; 0 means no limit. Settable with
 * `setSocketMode`: raise it (or set 0) when every client comes through one address, a proxy or
 * load balancer on the same machine, a benchmark on loopback.
 *
 * @example
 * ```ts
 * setSocketMode(srvr, SKT$INFO_PEER_HANDSHAKES, 256); // many clients behind one NAT address
 * ```
 *
 * @summary Added by scarlet-sockets: for a secure server socket, how many TLS handshakes one peer
 *   (an IPv4 address, or an IPv6 /64) may run at once; past it the peer's new connections are closed
 *   at once and counted in `SKT$INFO_DROPPED`.
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PEER_HANDSHAKES = 210;

/**
 * Added by scarlet-sockets: for a secure server socket, how many TLS handshakes one peer may
 * start a second once it has used a burst of `SKT$INFO_PEER_HANDSHAKES` (64); past it the peer's
 * new connections are closed before any TLS work and counted in `SKT$INFO_DROPPED`. Default 32;
 * 0 means no limit. Settable with `setSocketMode`.
 *
 * @example
 * ```ts
 * setSocketMode(srvr, SKT$INFO_PEER_HANDSHAKE_RATE, 0); // a load balancer on loopback in front
 * ```
 *
 * @summary Added by scarlet-sockets: for a secure server socket, how many TLS handshakes one peer
 *   may start a second once it has used a burst of `SKT$INFO_PEER_HANDSHAKES` (64); past it the
 *   peer's new connections are closed before any TLS work and counted in `SKT$INFO_DROPPED`.
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PEER_HANDSHAKE_RATE = 211;

/**
 * Added by scarlet-sockets: for a socket accepted on a server socket with the PROXY protocol
 * (`createServerSocket`'s `proxyProtocol` option), the address of the proxy the connection came
 * through, while `SKT$INFO_IP_ADDR` is the client's as the proxy's header names it. `''` for a
 * socket that came without a proxy (and for an opened one).
 *
 * @example
 * ```ts
 * const skt = await acceptSocket(srvr);
 * console.log(socketInfo(skt, SKT$INFO_IP_ADDR), 'through', socketInfo(skt, SKT$INFO_PROXY_ADDR));
 * ```
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PROXY_ADDR = 212;

/**
 * Added by scarlet-sockets: the port of the proxy's end of a connection that came through a
 * proxy (see {@link SKT$INFO_PROXY_ADDR}); 0 for a socket that came without one.
 *
 * @example
 * ```ts
 * socketInfo(skt, SKT$INFO_PROXY_PORT); // e.g. 41002, the proxy's own port
 * ```
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PROXY_PORT = 213;

/**
 * Added by scarlet-sockets: for a server socket with the PROXY protocol, how many connections it
 * closed unaccepted for a PROXY reason: from an address not in the `trusted` list, or with a
 * header that was missing, malformed, longer than the protocol allows (107 bytes for version 1,
 * 4328 here for version 2) or not complete within `headerTimeout`. A connection that hangs up
 * before its header is whole is not counted (it left; a health check that connects and closes
 * does that). 0 on a server socket without the PROXY protocol.
 *
 * @example
 * ```ts
 * if (socketInfo(srvr, SKT$INFO_PROXY_REFUSED) > 0) console.warn('something connects around the proxy');
 * ```
 * @group SOCKET.INFO keys
 */
export const SKT$INFO_PROXY_REFUSED = 214;

// ---------------------------------------------------------------------------------------------
// Status numbers (ERR.H), the value of STATUS() after a failed call
// ---------------------------------------------------------------------------------------------

/**
 * `ER$MEM`: out of memory. Kept for ScarletDME compatibility; this release does not raise it.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$MEM) console.error('out of memory');
 * ```
 *
 * @summary `ER$MEM`: out of memory.
 * @group Statuses (ER$)
 */
export const ER$MEM = 1001;

/**
 * `ER$BAD.NAME`: an empty address or name, or one longer than ScarletDME takes (80 characters
 * for `openSocket` and `createServerSocket`, 64 for `serverAddr`).
 *
 * @example
 * ```ts
 * await openSocket('', 4000); // throws SocketError ER$BAD_NAME
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$BAD_NAME = 1003;

/**
 * `ER$BAD.KEY`: `socketInfo` got a key this socket does not have, or `setSocketMode` a key that
 * cannot be set on it.
 *
 * @example
 * ```ts
 * socketInfo(connected, SKT$INFO_QUEUED); // only server sockets have it: throws SocketError ER$BAD_KEY
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$BAD_KEY = 1006;

/**
 * `ER$FAILED`: the operation failed; `osError` says why (a reset connection: ECONNRESET; a peer gone
 * under a write: EPIPE).
 *
 * @example
 * ```ts
 * try {
 *   await readSocket(skt, 1024, SKT$BLOCKING);
 * } catch (err) {
 *   if (err instanceof SocketError && err.status === ER$FAILED) console.log('failed:', err.osError); // 'ECONNRESET'
 * }
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$FAILED = 1008;

/**
 * `ER$TIMEOUT`: nothing happened within the timeout, or a non-blocking call could not go on at
 * once.
 *
 * @example
 * ```ts
 * await readSocket(skt, 1024, SKT$NON_BLOCKING); // nothing buffered: throws SocketError ER$TIMEOUT
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TIMEOUT = 1011;

/**
 * `ER$SERVER`: `serverAddr` could not resolve the name.
 *
 * @example
 * ```ts
 * await serverAddr('no-such-host.invalid'); // throws SocketError ER$SERVER
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$SERVER = 7001;

/**
 * `ER$NOSOCKET`: the system could not create a socket. Kept for ScarletDME compatibility; this
 * release does not raise it (running out of descriptors shows as `ER$CONNECT` or `ER$BIND` with
 * `osError` EMFILE).
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$NOSOCKET) console.error('no socket');
 * ```
 *
 * @summary `ER$NOSOCKET`: the system could not create a socket.
 * @group Statuses (ER$)
 */
export const ER$NOSOCKET = 7004;

/**
 * `ER$CONNECT`: the connection could not be made (ECONNREFUSED, ETIMEDOUT, ...).
 *
 * @example
 * ```ts
 * await openSocket('127.0.0.1', portNobodyListensOn); // throws SocketError ER$CONNECT, osError 'ECONNREFUSED'
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$CONNECT = 7005;

/**
 * `ER$RESOLVE`: the host name could not be resolved, for a reason without an `ERAI$` number.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$RESOLVE) console.error('cannot resolve:', err.osError);
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$RESOLVE = 7007;

/**
 * `ER$BIND`: the address could not be bound (EADDRINUSE, EACCES, EADDRNOTAVAIL).
 *
 * @example
 * ```ts
 * await createServerSocket('127.0.0.1', portInUse); // throws SocketError ER$BIND, osError 'EADDRINUSE'
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$BIND = 7012;

/**
 * `ER$SKT.CLOSED`: the socket is closed: the peer closed it and every byte it sent was read, or
 * it was closed here.
 *
 * @example
 * ```ts
 * try {
 *   for (;;) await writeSocket(skt, await readSocket(skt, 4096, SKT$BLOCKING));
 * } catch (err) {
 *   if (!(err instanceof SocketError && err.status === ER$SKT_CLOSED)) throw err;
 *   // the peer closed the connection: the normal end
 * }
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$SKT_CLOSED = 7013;

/**
 * `ERAI$ADDRFAMILY`: the host has no address in the requested family.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$ADDRFAMILY) console.error('no address of that family');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$ADDRFAMILY = 7014;

/**
 * `ERAI$AGAIN`: temporary failure in name resolution; try again later.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$AGAIN) setTimeout(retry, 1000);
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$AGAIN = 7015;

/**
 * `ERAI$BADFLAGS`: invalid resolver flags.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$BADFLAGS) console.error(err.osError);
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$BADFLAGS = 7016;

/**
 * `ERAI$FAIL`: non-recoverable failure in name resolution.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$FAIL) console.error('resolver failed');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$FAIL = 7017;

/**
 * `ERAI$FAMILY`: address family not supported.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$FAMILY) console.error('family not supported');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$FAMILY = 7018;

/**
 * `ERAI$MEMORY`: the resolver ran out of memory.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$MEMORY) console.error('resolver out of memory');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$MEMORY = 7019;

/**
 * `ERAI$NODATA`: the name exists but has no address.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$NODATA) console.error('the name has no address');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$NODATA = 7020;

/**
 * `ERAI$NONAME`: the host name is not known, or is malformed (`'256.1.1.1'`, `'bad name!'`):
 * as in ScarletDME, what is not an IP address goes to the resolver as a name.
 *
 * @example
 * ```ts
 * await openSocket('no-such-host.invalid', 80); // throws SocketError ERAI$NONAME
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$NONAME = 7021;

/**
 * `ERAI$SERVICE`: the resolver refuses the service for this socket type. As in ScarletDME, this
 * is what `SKT$RAW` and `SKT$ICMP` sockets and ports outside 0 to 65535 fail with.
 *
 * @example
 * ```ts
 * await openSocket('127.0.0.1', 7, SKT$ICMP); // throws SocketError ERAI$SERVICE
 * await openSocket('127.0.0.1', 70000); // throws SocketError ERAI$SERVICE
 * ```
 *
 * @summary `ERAI$SERVICE`: the resolver refuses the service for this socket type.
 * @group Statuses (ER$)
 */
export const ERAI$SERVICE = 7022;

/**
 * `ERAI$SOCKTYPE`: socket type not supported.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$SOCKTYPE) console.error(err.osError);
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$SOCKTYPE = 7023;

/**
 * `ERAI$SYSTEM`: system error during name resolution; see `osError`.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ERAI$SYSTEM) console.error('system error:', err.osError);
 * ```
 *
 * @group Statuses (ER$)
 */
export const ERAI$SYSTEM = 7024;

/**
 * `ER$INCOMP.PROTO`: the call does not go with this kind of socket: `SKT$UDP` given to a
 * secure call (TLS runs over TCP), or `acceptSocket` on a UDP socket.
 *
 * @example
 * ```ts
 * await acceptSocket(udpServer); // throws SocketError ER$INCOMP_PROTO
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$INCOMP_PROTO = 7025;

/**
 * `ER$NONBLOCK.FAIL`: the socket could not be made non-blocking. Kept for ScarletDME
 * compatibility; Node.js sockets never raise it.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$NONBLOCK_FAIL) console.error('never happens in Node.js');
 * ```
 *
 * @summary `ER$NONBLOCK.FAIL`: the socket could not be made non-blocking.
 * @group Statuses (ER$)
 */
export const ER$NONBLOCK_FAIL = 7026;

/**
 * `ER$BADADDR`: ScarletDME's status for an address the system gave that it could not print.
 * Kept for ScarletDME compatibility; this release does not raise it. A malformed address is, as
 * in ScarletDME, a name the resolver does not know: {@link ERAI$NONAME}.
 *
 * @example
 * ```ts
 * await openSocket('256.1.1.1', 80); // throws SocketError ERAI$NONAME, not ER$BADADDR
 * ```
 *
 * @summary `ER$BADADDR`: ScarletDME's status for an address the system gave that it could not
 *   print.
 * @group Statuses (ER$)
 */
export const ER$BADADDR = 7027;

// ---------------------------------------------------------------------------------------------
// Internal defaults (not exported from the package root)
// ---------------------------------------------------------------------------------------------

/** Bytes a connected socket buffers from the kernel before it stops reading. */
export const READ_HIGH_WATER = 256 * 1024;
/**
 * The listen backlog a server socket asks the kernel for: connections the kernel has completed
 * and the process has not yet taken (the kernel caps it at net.core.somaxconn, 4096 by default
 * on Linux 5.4 and later). Node's default, 511, is less than a thousand connections that one
 * address keeps opening as fast as they are closed: the kernel then drops everyone's new
 * connections alike, and a client waits a second or more for its retransmitted SYN.
 */
export const LISTEN_BACKLOG = 4096;
/** Connections a server socket holds for `acceptSocket` before it closes new ones. */
export const ACCEPT_QUEUE_LIMIT = 512;
/** Datagrams a UDP socket holds for `readSocket` before it drops new ones. */
export const DATAGRAM_QUEUE_LIMIT = 1024;
/** How long `openSocket` waits for a connection when no connect timeout is given (ms). */
export const DEFAULT_CONNECT_TIMEOUT = 30_000;
/** TLS handshakes a secure server socket runs at once before it closes new connections. */
export const HANDSHAKE_LIMIT = 1024;
/**
 * TLS handshakes a secure server socket runs at once for one peer (an IPv4 address, an IPv6
 * /64) before it closes that peer's new connections: a sixteenth of HANDSHAKE_LIMIT, so one
 * address that stalls its handshakes leaves the other slots to everyone else. A browser opens
 * about six connections to a site; this leaves room for a few dozen behind one NAT address
 * handshaking at the same moment.
 */
export const HANDSHAKE_PEER_LIMIT = 64;
/**
 * TLS handshakes a secure server socket starts for one peer a second, once it has used its
 * first HANDSHAKE_PEER_LIMIT: a full handshake costs the server a private-key operation (about
 * a millisecond of CPU, more on a busy machine), so a peer that reconnects as fast as it is
 * closed could otherwise take the whole process for its handshakes. Past the rate the peer's
 * new connections are closed at once, before any TLS work.
 */
export const HANDSHAKE_PEER_RATE = 32;
/**
 * How long a connection to a secure server socket may stay silent before its first byte (ms),
 * when the context's handshake timeout is longer. A real client sends its ClientHello as soon
 * as TCP connects; one that sends nothing holds a handshake slot for nothing.
 */
export const FIRST_BYTE_TIMEOUT = 3_000;
/**
 * How long a connection to a server socket with the PROXY protocol has to send its header (ms),
 * unless `headerTimeout` says otherwise: a proxy sends it at once, in its first packet.
 */
export const PROXY_HEADER_TIMEOUT = 5_000;
/**
 * Connections a server socket with the PROXY protocol reads headers from at once before it
 * closes new ones (as HANDSHAKE_LIMIT for handshakes). There is no share per address: every
 * connection comes from a trusted proxy, and one proxy carries every client.
 */
export const PROXY_HEADER_LIMIT = 1024;
/** How long a closed socket keeps draining its peer before it is destroyed (ms). */
export const CLOSE_LINGER = 5_000;
