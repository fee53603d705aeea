import type { SocketType } from './socket.js';
import type { CertificateDescription } from './tls-context.js';

/**
 * What `socketInfo` returns for each key: its return type follows the key. The keys are the
 * `SKT$INFO_*` constants (0 to 7 as in ScarletDME, 100 and up added by scarlet-sockets).
 *
 * @example
 * ```ts
 * const port: SocketInfoValues[typeof SKT$INFO_PORT] = socketInfo(srvr, SKT$INFO_PORT); // number
 * ```
 *
 * @summary What `socketInfo` returns for each key: its return type follows the key.
 * @group Types
 */
export interface SocketInfoValues {
  /** `SKT$INFO_OPEN`: is the value an open socket? */
  0: boolean;
  /** `SKT$INFO_TYPE`: server (1), incoming (2) or outgoing (3). */
  1: SocketType;
  /** `SKT$INFO_PORT`: bound port of a server socket, peer's port of a connected socket. */
  2: number;
  /** `SKT$INFO_IP_ADDR`: bound address of a server socket, peer's address of a connected socket. */
  3: string;
  /** `SKT$INFO_BLOCKING`: is blocking the default mode? */
  4: boolean;
  /** `SKT$INFO_NO_DELAY`: is Nagle's algorithm off? */
  5: boolean;
  /** `SKT$INFO_KEEP_ALIVE`: are keep-alive probes on? */
  6: boolean;
  /** `SKT$INFO_FAMILY`: IPv4 (1) or IPv6 (2). */
  7: 1 | 2;
  /** `SKT$INFO_LOCAL_ADDR`: the local address. */
  100: string;
  /** `SKT$INFO_LOCAL_PORT`: the local port. */
  101: number;
  /** `SKT$INFO_QUEUED`: connections waiting in a server socket's accept queue. */
  102: number;
  /** `SKT$INFO_DROPPED`: connections (or datagrams) dropped because the queue (or a secure server's handshake slots) was full. */
  103: number;
  /** `SKT$INFO_PEER_ADDR`: a UDP socket's last sender's address. */
  104: string;
  /** `SKT$INFO_PEER_PORT`: a UDP socket's last sender's port. */
  105: number;
  /** `SKT$INFO_LINGER`: milliseconds a close waits for queued bytes to drain. */
  106: number;
  /** `SKT$INFO_TLS_PROTOCOL`: TLS version of a secure socket. */
  200: string;
  /** `SKT$INFO_TLS_CIPHER`: cipher suite of a secure socket. */
  201: string;
  /** `SKT$INFO_TLS_PEER_SUBJECT`: subject of the peer's certificate, `''` without one. */
  202: string;
  /** `SKT$INFO_TLS_SNI`: the SNI host name asked for or sent, `''` without one. */
  203: string;
  /** `SKT$INFO_TLS_RESUMED`: was the TLS session resumed? */
  204: boolean;
  /** `SKT$INFO_TLS_ALPN`: the ALPN protocol agreed on, `''` without one. */
  205: string;
  /** `SKT$INFO_TLS_HANDSHAKE_FAILURES`: a secure server socket's failed handshakes. */
  206: number;
  /** `SKT$INFO_TLS_HANDSHAKE_TIMEOUTS`: a secure server socket's timed-out handshakes. */
  207: number;
  /** `SKT$INFO_TLS_PEER_CERT`: the peer's certificate, `undefined` without one. */
  208: CertificateDescription | undefined;
  /** `SKT$INFO_TLS_HANDSHAKING`: a secure server socket's handshakes in progress. */
  209: number;
  /** `SKT$INFO_PEER_HANDSHAKES`: a secure server socket's handshakes at once per peer (0: no limit). */
  210: number;
  /** `SKT$INFO_PEER_HANDSHAKE_RATE`: a secure server socket's handshakes a second per peer after the burst (0: no limit). */
  211: number;
  /** `SKT$INFO_PROXY_ADDR`: the proxy's address of a connection that came through one, `''` without one. */
  212: string;
  /** `SKT$INFO_PROXY_PORT`: the proxy's port of a connection that came through one, 0 without one. */
  213: number;
  /** `SKT$INFO_PROXY_REFUSED`: connections a server socket with the PROXY protocol refused (untrusted, bad or late header). */
  214: number;
}

/**
 * A key `socketInfo` knows: one of the `SKT$INFO_*` constants.
 *
 * @example
 * ```ts
 * const keys: SocketInfoKey[] = [SKT$INFO_PORT, SKT$INFO_IP_ADDR];
 * ```
 *
 * @group Types
 */
export type SocketInfoKey = keyof SocketInfoValues;

/**
 * A key `setSocketMode` takes: `SKT$INFO_BLOCKING`, `SKT$INFO_NO_DELAY`, `SKT$INFO_KEEP_ALIVE`,
 * `SKT$INFO_LINGER`, and on a secure server socket `SKT$INFO_PEER_HANDSHAKES` or
 * `SKT$INFO_PEER_HANDSHAKE_RATE`.
 *
 * @example
 * ```ts
 * const key: SocketModeKey = SKT$INFO_NO_DELAY;
 * setSocketMode(skt, key, 1);
 * ```
 *
 * @group Types
 */
export type SocketModeKey = 4 | 5 | 6 | 106 | 210 | 211;
