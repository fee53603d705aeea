/**
 * scarlet-sockets: ScarletDME's Pick BASIC socket API as a typed, promise-based facade.
 *
 * @packageDocumentation
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
export { SocketError } from './errors.js';
export { acceptSocket, createServerSocket } from './server-socket.js';
export { openSocket } from './client-socket.js';
export { closeSocket, readSocket, readSocketBuffer, writeSocket } from './socket.js';
export { serverAddr, setSocketMode, socketInfo } from './socket-info.js';
export type * from '../types/index.js';
