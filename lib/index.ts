/**
 * scarlet-sockets: ScarletDME's Pick BASIC socket API as a typed, promise-based facade.
 *
 * @module scarlet-sockets
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
  SKT$INFO_PEER_HANDSHAKES,
  SKT$INFO_PEER_HANDSHAKE_RATE,
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
} from './constants.js';
export {
  ER$TLS_BAD_CERT,
  ER$TLS_EXPIRED,
  ER$TLS_HANDSHAKE,
  ER$TLS_HOSTNAME,
  ER$TLS_KEY_MISMATCH,
  ER$TLS_NO_CERT,
  ER$TLS_PKCS12_PASSWORD,
  ER$TLS_UNTRUSTED,
} from './tls-status.js';
export { SocketError } from './errors.js';
export { createCertificateAuthority, createDevelopmentCertificates, issueCertificate } from './certificates.js';
export { createTlsContext, TlsContext } from './tls-context.js';
export {
  acceptSecureSocket,
  closeSecureSocket,
  createSecureServerSocket,
  openSecureSocket,
  readSecureSocket,
  startTls,
  writeSecureSocket,
  type StartTlsOptions,
} from './secure-socket.js';
export { acceptSocket, createServerSocket } from './server-socket.js';
export { openSocket } from './client-socket.js';
export { closeSocket, readSocket, readSocketBuffer, writeSocket } from './socket.js';
export { serverAddr, setSocketMode, socketInfo } from './socket-info.js';
export type * from '../types/index.js';
