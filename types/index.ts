export type { SocketErrorCode } from './errors.js';
export type {
  AcceptSocket,
  CloseSocket,
  ReadSocket,
  ReadSocketBuffer,
  ServerSocket,
  Socket,
  SocketData,
  SocketType,
  WriteSocket,
} from './socket.js';
export type { SocketInfoKey, SocketInfoValues, SocketModeKey } from './socket-info.js';
