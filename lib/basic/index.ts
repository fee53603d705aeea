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

export * from '../public-constants.js';
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
export type { ProxyProtocolOptions, ServerSocketOptions } from '../../types/server-options.js';
