// Compile-time tests of scarlet-sockets/basic, run by `tsc -p test/types/tsconfig.json`; nothing
// here is executed. Each `@ts-expect-error` must mark a real error: tsc fails on an unused one.
// The calls resolve to BASIC values (0 for a failed socket, '' for a failed read, 1/0 answers),
// never reject with a SocketError, and take numeric strings wherever numbers go.
import {
  acceptSecureSocket,
  acceptSocket,
  closeSocket,
  createServerSocket,
  openSocket,
  phantom,
  readSecureSocket,
  readSocket,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  socketInfo,
  status,
  writeSocket,
  type BasicSocket,
  type BasicValue,
  type SecureSocket,
  type Socket,
} from 'scarlet-sockets/basic';
import { type Equal, expectType } from './expect-type.js';

export async function basicTypes(): Promise<void> {
  const srvr = await createServerSocket('', '4000', 0);
  expectType<Equal<typeof srvr, BasicSocket>>();
  expectType<Equal<BasicSocket, Socket | 0>>();
  const skt = await acceptSocket(srvr, '10000');
  const data = await readSocket(skt, 1024, SKT$BLOCKING, 5000);
  expectType<Equal<typeof data, string>>();
  const n = await writeSocket(skt, data, 0, 0);
  expectType<Equal<typeof n, number>>();
  expectType<Equal<ReturnType<typeof status>, number>>();
  expectType<Equal<ReturnType<typeof setSocketMode>, 0 | 1>>();
  const port = socketInfo(srvr, SKT$INFO_PORT);
  expectType<Equal<typeof port, BasicValue>>();
  const client = await openSocket('127.0.0.1', port, SKT$BLOCKING);
  await closeSocket(client);
  const result = await phantom(async () => readSocket(skt, 10, 0, 0));
  expectType<Equal<typeof result, string>>();
  // @ts-expect-error a port is a number or a numeric string, not a boolean
  await openSocket('127.0.0.1', true, 0);
  // @ts-expect-error a plain socket is not a secure one
  await readSecureSocket(skt as Socket, 10, 0, 0);
  const secure: SecureSocket | 0 = await acceptSecureSocket(0);
  await readSecureSocket(secure, 10, 0, 0);
}
