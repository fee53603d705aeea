// Compile-time tests of the public types, run by `tsc -p test/types/tsconfig.json`; nothing here
// is executed. Each `@ts-expect-error` must mark a real error: tsc fails on an unused one.
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  openSocket,
  readSocket,
  readSocketBuffer,
  serverAddr,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_BLOCKING,
  SKT$INFO_FAMILY,
  SKT$INFO_IP_ADDR,
  SKT$INFO_KEEP_ALIVE,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_NO_DELAY,
  SKT$INFO_OPEN,
  SKT$INFO_PORT,
  SKT$INFO_TYPE,
  socketInfo,
  SocketError,
  writeSocket,
  type ServerSocket,
  type Socket,
  type SocketData,
  type SocketErrorCode,
  type SocketType,
} from '../../lib/index.js';
import { type Equal, expectType, expectTypeOf } from './expect-type.js';

declare const skt: Socket;
declare const server: ServerSocket;

// The helpers themselves reject what they should.
expectType<Equal<number, number>>();
// @ts-expect-error number is not string
expectType<Equal<number, string>>();
// @ts-expect-error any is not number
expectType<Equal<any, number>>();
// @ts-expect-error 1 | 2 is not 1 | 2 | 3
expectType<Equal<1 | 2, SocketType>>();

// socketInfo's return type follows the key.
expectType<Equal<ReturnType<typeof socketInfo<typeof SKT$INFO_PORT>>, number>>();
expectType<Equal<ReturnType<typeof socketInfo<typeof SKT$INFO_IP_ADDR>>, string>>();
expectType<Equal<ReturnType<typeof socketInfo<typeof SKT$INFO_OPEN>>, boolean>>();
expectType<Equal<ReturnType<typeof socketInfo<typeof SKT$INFO_TYPE>>, 1 | 2 | 3>>();
const port = socketInfo(server, SKT$INFO_PORT);
expectType<Equal<typeof port, number>>();
const address = socketInfo(skt, SKT$INFO_IP_ADDR);
expectType<Equal<typeof address, string>>();
const open = socketInfo(undefined, SKT$INFO_OPEN); // any value may be asked whether it is open
expectType<Equal<typeof open, boolean>>();
const kind = socketInfo(skt, SKT$INFO_TYPE);
expectType<Equal<typeof kind, 1 | 2 | 3>>();
expectTypeOf<1 | 2>()(socketInfo(skt, SKT$INFO_FAMILY));
expectTypeOf<boolean>()(socketInfo(skt, SKT$INFO_BLOCKING));
expectTypeOf<number>()(socketInfo(skt, SKT$INFO_LOCAL_PORT));
// @ts-expect-error a port is not a string
expectTypeOf<string>()(socketInfo(skt, SKT$INFO_PORT));
// @ts-expect-error 42 is not a key
socketInfo(skt, 42);

// Reads, writes and the rest resolve with what they say.
expectType<Equal<ReturnType<typeof readSocket>, Promise<string>>>();
expectType<Equal<ReturnType<typeof readSocketBuffer>, Promise<Buffer>>>();
expectType<Equal<ReturnType<typeof writeSocket>, Promise<number>>>();
expectType<Equal<ReturnType<typeof closeSocket>, Promise<void>>>();
// createServerSocket and openSocket are overloaded (a TlsContext makes them secure): check calls.
const plainServer = createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
expectType<Equal<typeof plainServer, Promise<ServerSocket>>>();
// The options are the last argument, after BASIC's; with no context it stays a plain server socket.
const proxiedServer = createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, { proxyProtocol: { trusted: ['127.0.0.1'] } });
expectType<Equal<typeof proxiedServer, Promise<ServerSocket>>>();
// @ts-expect-error a header timeout is milliseconds, a number
void createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, { proxyProtocol: { trusted: [], headerTimeout: '5s' } });
expectType<Equal<ReturnType<typeof acceptSocket>, Promise<Socket>>>();
const plainClient = openSocket('127.0.0.1', 4000, SKT$BLOCKING, 10);
expectType<Equal<typeof plainClient, Promise<Socket>>>();
expectType<Equal<ReturnType<typeof serverAddr>, Promise<string>>>();
expectTypeOf<Promise<string>>()(readSocket(skt, 1024, SKT$BLOCKING, 5000));
expectTypeOf<Promise<Buffer>>()(readSocketBuffer(skt, 1024));
expectTypeOf<Promise<number>>()(writeSocket(skt, 'PING\r\n'));
expectTypeOf<Promise<number>>()(writeSocket(skt, new Uint8Array([1, 2, 3]), SKT$BLOCKING, 5000));
// A gathered write: several pieces, strings and bytes mixed, from a mutable or a readonly array.
expectTypeOf<Promise<number>>()(writeSocket(skt, ['HEAD\r\n', Buffer.from('body')], SKT$BLOCKING, 5000));
const pieces: readonly SocketData[] = ['a', new Uint8Array([1])];
expectTypeOf<Promise<number>>()(writeSocket(skt, pieces));

// Arguments of the wrong kind are refused.
// @ts-expect-error maxLen is a number, not a string
void readSocket(skt, '1024');
// @ts-expect-error data is a string or bytes, not a number
void writeSocket(skt, 42);
// @ts-expect-error the pieces of a gathered write are bytes, not numbers
void writeSocket(skt, [1, 2, 3]);
// @ts-expect-error SKT$INFO_PORT can be read but not set
setSocketMode(skt, SKT$INFO_PORT, 1);
setSocketMode(skt, SKT$INFO_NO_DELAY, 1);
setSocketMode(skt, SKT$INFO_KEEP_ALIVE, true);
expectTypeOf<true>()(setSocketMode(skt, SKT$INFO_BLOCKING, 0));
// @ts-expect-error a server socket is what acceptSocket takes, not any socket
void acceptSocket(skt);

// A server socket is a socket; errors carry their ER$ name.
expectTypeOf<1>()(server.type);
const asSocket: Socket = server;
void asSocket;
declare const err: SocketError;
expectTypeOf<SocketErrorCode>()(err.code);
expectTypeOf<number>()(err.status);
expectTypeOf<string | undefined>()(err.osError);
