/**
 * scarlet-sockets/basic: the same socket calls with BASIC's own calling convention, for ports
 * that keep a Pick BASIC program's shape line by line. Each call returns what ScarletDME returns
 * ('' from a failed read, 0 from a failed open, 1/0 from SOCKET.INFO) and sets {@link status},
 * BASIC's STATUS(), instead of rejecting; numeric strings are taken wherever numbers are. The
 * idiomatic choice for new code is the main entry, `scarlet-sockets`.
 *
 * @example
 * ```ts
 * import { openSocket, readSocket, writeSocket, closeSocket, status, SKT$BLOCKING } from 'scarlet-sockets/basic';
 * const skt = await openSocket('127.0.0.1', '4000', SKT$BLOCKING);
 * if (status()) throw new Error('cannot connect: ' + status());
 * await writeSocket(skt, 'HELLO\r\n', 0, 0);
 * const reply = await readSocket(skt, 1024, 0, 5000);
 * if (reply === '') console.log('no reply, status ' + status());
 * await closeSocket(skt);
 * ```
 *
 * @module scarlet-sockets/basic
 */

export {
  SKT$BLOCKING,
  SKT$NON_BLOCKING,
  SKT$STREAM,
  SKT$DGRM,
  SKT$RAW,
  SKT$TCP,
  SKT$UDP,
  SKT$ICMP,
  SKT$INFO_OPEN,
  SKT$INFO_TYPE,
  SKT$INFO_TYPE_SERVER,
  SKT$INFO_TYPE_INCOMING,
  SKT$INFO_TYPE_OUTGOING,
  SKT$INFO_PORT,
  SKT$INFO_IP_ADDR,
  SKT$INFO_BLOCKING,
  SKT$INFO_NO_DELAY,
  SKT$INFO_KEEP_ALIVE,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV4,
  SKT$INFO_FAMILY_IPV6,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_QUEUED,
  SKT$INFO_DROPPED,
  SKT$INFO_PEER_ADDR,
  SKT$INFO_PEER_PORT,
  SKT$INFO_LINGER,
  SKT$INFO_TLS_PROTOCOL,
  SKT$INFO_TLS_CIPHER,
  SKT$INFO_TLS_PEER_SUBJECT,
  SKT$INFO_TLS_SNI,
  SKT$INFO_TLS_RESUMED,
  SKT$INFO_TLS_ALPN,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_HANDSHAKING,
  ER$MEM,
  ER$BAD_NAME,
  ER$BAD_KEY,
  ER$FAILED,
  ER$TIMEOUT,
  ER$SERVER,
  ER$NOSOCKET,
  ER$CONNECT,
  ER$RESOLVE,
  ER$BIND,
  ER$SKT_CLOSED,
  ERAI$ADDRFAMILY,
  ERAI$AGAIN,
  ERAI$BADFLAGS,
  ERAI$FAIL,
  ERAI$FAMILY,
  ERAI$MEMORY,
  ERAI$NODATA,
  ERAI$NONAME,
  ERAI$SERVICE,
  ERAI$SOCKTYPE,
  ERAI$SYSTEM,
  ER$INCOMP_PROTO,
  ER$NONBLOCK_FAIL,
  ER$BADADDR,
} from '../constants.js';
export {
  ER$TLS_BAD_CERT,
  ER$TLS_EXPIRED,
  ER$TLS_HANDSHAKE,
  ER$TLS_HOSTNAME,
  ER$TLS_KEY_MISMATCH,
  ER$TLS_NO_CERT,
  ER$TLS_PKCS12_PASSWORD,
  ER$TLS_UNTRUSTED,
} from '../tls-status.js';
export { createTlsContext, TlsContext } from '../tls-context.js';
export { phantom, status } from './status.js';
export { acceptSocket, closeSocket, createServerSocket, openSocket, readSocket, writeSocket } from './socket-calls.js';
export { serverAddr, setSocketMode, socketInfo } from './info-calls.js';
export {
  acceptSecureSocket,
  closeSecureSocket,
  createSecureServerSocket,
  openSecureSocket,
  readSecureSocket,
  writeSecureSocket,
} from './secure-calls.js';
export type { BasicNumber, BasicSocket, BasicValue } from '../../types/basic.js';
export type { SecureServerSocket, SecureSocket, ServerSocket, Socket, WriteData } from '../../types/socket.js';
