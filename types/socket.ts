/**
 * The socket handle every function of the library takes: the TypeScript form of a BASIC
 * socket variable. Values of this type come only from `openSocket`, `acceptSocket` and
 * `createServerSocket` (or their secure twins); the library checks that at run time.
 *
 * @example
 * ```ts
 * async function greet(skt: Socket): Promise<void> {
 *   await writeSocket(skt, 'HELLO\r\n');
 *   await closeSocket(skt);
 * }
 * ```
 *
 * @summary The socket handle every function of the library takes: the TypeScript form of a BASIC
 *   socket variable.
 * @group Types
 */
export interface Socket {
  /**
   * What made the socket, as `SOCKET.INFO(skt, SKT$INFO.TYPE)` returns it: 1 server
   * (`SKT$INFO_TYPE_SERVER`), 2 accepted (`SKT$INFO_TYPE_INCOMING`), 3 opened
   * (`SKT$INFO_TYPE_OUTGOING`).
   */
  readonly type: SocketType;
  /** `true` for a socket that speaks TLS. */
  readonly secure: boolean;
  /** `true` once `closeSocket` was called on it (or `startTls` took its connection over). */
  readonly closed: boolean;
}

/**
 * A listening socket from `createServerSocket`. It is a {@link Socket}, as in BASIC, so
 * `socketInfo`, `setSocketMode` and `closeSocket` take it; a UDP server socket is also read and
 * written with `readSocket` and `writeSocket`.
 *
 * @example
 * ```ts
 * const srvr: ServerSocket = await createServerSocket('127.0.0.1', 0);
 * const client = await acceptSocket(srvr, 10_000);
 * ```
 *
 * @summary A listening socket from `createServerSocket`.
 * @group Types
 */
export interface ServerSocket extends Socket {
  /** Always `SKT$INFO_TYPE_SERVER` (1). */
  readonly type: 1;
}

/**
 * A socket that speaks TLS: from `openSecureSocket`, `acceptSecureSocket` or `startTls`. It is a
 * {@link Socket}, so every plain function takes it too; the secure functions take only this.
 *
 * @example
 * ```ts
 * const skt: SecureSocket = await openSecureSocket('127.0.0.1', 8443, SKT$BLOCKING, clientContext);
 * await writeSocket(skt, 'GET / HTTP/1.0\r\n\r\n'); // the plain function works on it
 * ```
 *
 * @summary A socket that speaks TLS: from `openSecureSocket`, `acceptSecureSocket` or `startTls`.
 * @group Types
 */
export interface SecureSocket extends Socket {
  /** Always `true`. */
  readonly secure: true;
}

/**
 * A listening socket whose accepted connections speak TLS: from `createSecureServerSocket`, or
 * `createServerSocket` with a TlsContext.
 *
 * @example
 * ```ts
 * const srvr: SecureServerSocket = await createSecureServerSocket('', 8443, SKT$BLOCKING, context);
 * const client: SecureSocket = await acceptSecureSocket(srvr);
 * ```
 *
 * @group Types
 */
export interface SecureServerSocket extends ServerSocket {
  /** Always `true`. */
  readonly secure: true;
}

/**
 * The values of `SKT$INFO_TYPE`: 1 server, 2 incoming (accepted), 3 outgoing (opened).
 *
 * @example
 * ```ts
 * const kind: SocketType = socketInfo(skt, SKT$INFO_TYPE);
 * ```
 *
 * @group Types
 */
export type SocketType = 1 | 2 | 3;

/**
 * Bytes to send: a Pick byte string (one character per byte, U+0000 to U+00FF) or raw bytes.
 *
 * @example
 * ```ts
 * const data: SocketData = 'ABC' + String.fromCharCode(254) + 'DEF'; // with a field mark
 * ```
 *
 * @group Types
 */
export type SocketData = string | Uint8Array;

/**
 * What `writeSocket` takes: one piece of bytes, or several pieces sent in order as one gathered
 * write (one datagram on a UDP socket).
 *
 * @example
 * ```ts
 * const one: WriteData = 'PING\r\n';
 * const gathered: WriteData = ['HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n', Buffer.from('body')];
 * ```
 *
 * @group Types
 */
export type WriteData = SocketData | readonly SocketData[];

/**
 * The type of `readSocket` (`READ.SOCKET`), and of its secure twin narrowed to secure sockets.
 * Resolves with the bytes read as a Pick byte string (latin1: one character per byte).
 *
 * @example
 * ```ts
 * const read: ReadSocket = readSocket;
 * const text = await read(skt, 1024, SKT$BLOCKING, 5000);
 * ```
 *
 * @summary The type of `readSocket` (`READ.SOCKET`), and of its secure twin narrowed to secure
 *   sockets.
 * @group Types
 */
export type ReadSocket<S extends Socket = Socket> = (
  skt: S,
  maxLen: number,
  flags?: number,
  timeout?: number,
) => Promise<string>;

/**
 * The type of `readSocketBuffer`: `readSocket` that resolves with a `Buffer`.
 *
 * @example
 * ```ts
 * const read: ReadSocketBuffer = readSocketBuffer;
 * const bytes = await read(skt, 65536, SKT$BLOCKING);
 * ```
 *
 * @group Types
 */
export type ReadSocketBuffer<S extends Socket = Socket> = (
  skt: S,
  maxLen: number,
  flags?: number,
  timeout?: number,
) => Promise<Buffer>;

/**
 * The type of `writeSocket` (`WRITE.SOCKET`), and of its secure twin narrowed to secure
 * sockets. Resolves with the number of bytes written. `data` is one piece of bytes, or several
 * sent as one gathered write.
 *
 * @example
 * ```ts
 * const write: WriteSocket = writeSocket;
 * const sent = await write(skt, 'PING\r\n', SKT$BLOCKING, 5000); // 6
 * const both = await write(skt, ['HEAD\r\n', Buffer.from('body')], SKT$BLOCKING, 5000); // 10
 * ```
 *
 * @summary The type of `writeSocket` (`WRITE.SOCKET`), and of its secure twin narrowed to secure
 *   sockets.
 * @group Types
 */
export type WriteSocket<S extends Socket = Socket> = (
  skt: S,
  data: WriteData,
  flags?: number,
  timeout?: number,
) => Promise<number>;

/**
 * The type of `closeSocket` (`CLOSE.SOCKET`), and of its secure twin narrowed to secure sockets.
 *
 * @example
 * ```ts
 * const close: CloseSocket = closeSocket;
 * await close(skt);
 * ```
 *
 * @group Types
 */
export type CloseSocket<S extends Socket = Socket> = (skt: S) => Promise<void>;

/**
 * The type of `acceptSocket` (`ACCEPT.SOCKET.CONNECTION`), and of its secure twin narrowed to
 * secure sockets.
 *
 * @example
 * ```ts
 * const accept: AcceptSocket = acceptSocket;
 * const client = await accept(srvr, 10_000);
 * ```
 *
 * @group Types
 */
export type AcceptSocket<Server extends ServerSocket = ServerSocket, S extends Socket = Socket> = (
  server: Server,
  timeout?: number,
) => Promise<S>;
