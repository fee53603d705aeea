import { once } from 'node:events';
import { createServer } from 'node:net';
import type { ExecutionContext } from 'ava';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  openSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  socketInfo,
  type ServerSocket,
  type Socket,
} from '../../lib/index.js';
import { openDescriptors } from '../../bench/lib/seraphim-memory.js';
import * as basic from '../../lib/basic/index.js';

/** A server socket on a free loopback port, closed when the test ends. */
export async function listen(t: ExecutionContext, flags = SKT$BLOCKING, addr = '127.0.0.1'): Promise<{ server: ServerSocket; port: number }> {
  const server = await createServerSocket(addr, 0, flags);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

/** A connected pair over loopback (client opened, server side accepted), both blocking, closed when the test ends. */
export async function connectedPair(t: ExecutionContext, flags = SKT$BLOCKING): Promise<{ client: Socket; accepted: Socket; server: ServerSocket; port: number }> {
  const { server, port } = await listen(t, flags);
  const client = await openSocket('127.0.0.1', port, flags);
  t.teardown(() => closeSocket(client));
  const accepted = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));
  return { client, accepted, server, port };
}

/** The number of file descriptors this process (or process `pid`) has open. */
export function openFdCount(pid: number | 'self' = 'self'): number {
  const count = openDescriptors(pid === 'self' ? process.pid : pid);
  if (count === undefined) throw new Error(`no /proc/${pid}/fd (the process is gone)`);
  return count;
}

/** A port on loopback with nobody listening (one that was free a moment ago). */
export async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/** A server socket made with scarlet-sockets/basic on a free loopback port, closed when the test ends. */
export async function basicServer(t: ExecutionContext, flags: number | string = 0): Promise<{ srvr: basic.BasicSocket; port: number }> {
  const srvr = await basic.createServerSocket('127.0.0.1', 0, flags);
  t.is(basic.status(), 0);
  t.teardown(() => basic.closeSocket(srvr));
  return { srvr, port: basic.socketInfo(srvr, SKT$INFO_PORT) as number };
}

/**
 * A connected pair made with scarlet-sockets/basic, closed when the test ends: the client
 * blocking, the accepted side as accepted (non-blocking, as in ScarletDME).
 */
export async function basicPair(t: ExecutionContext): Promise<{ client: basic.BasicSocket; accepted: basic.BasicSocket }> {
  const { srvr, port } = await basicServer(t, SKT$BLOCKING);
  const [client, accepted] = await Promise.all([basic.openSocket('127.0.0.1', port, SKT$BLOCKING), basic.acceptSocket(srvr, 5000)]);
  t.teardown(() => basic.closeSocket(client));
  t.teardown(() => basic.closeSocket(accepted));
  t.not(client, 0);
  t.not(accepted, 0);
  return { client, accepted };
}
