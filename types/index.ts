export type { SocketErrorCode } from './errors.js';
export type {
  AcceptSocket,
  CloseSocket,
  ReadSocket,
  ReadSocketBuffer,
  SecureServerSocket,
  SecureSocket,
  ServerSocket,
  Socket,
  SocketData,
  SocketType,
  WriteData,
  WriteSocket,
} from './socket.js';
export type { ProxyProtocolOptions, ServerSocketOptions } from './server-options.js';
export type { SocketInfoKey, SocketInfoValues, SocketModeKey } from './socket-info.js';
export type { CertificateAndKey, CertificateAuthorityOptions, CertificateOptions, DevelopmentCertificates } from './certificates.js';
export type { CertificateDescription, TlsContextOptions } from './tls-context.js';
