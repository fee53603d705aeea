/**
 * scarlet-sockets: ScarletDME's Pick BASIC socket API as a typed, promise-based facade.
 *
 * @module scarlet-sockets
 */

export * from './public-constants.js';
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
