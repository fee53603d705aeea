import { createSocket, type RemoteInfo, type Socket as UdpSocket, type SocketType as UdpType } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { lookup } from 'node:dns/promises';
import { isResolveError, resolveError } from './address.js';
import {
  DATAGRAM_QUEUE_LIMIT,
  ER$BIND,
  ER$CONNECT,
  ER$FAILED,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  SKT$INFO_DROPPED,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV4,
  SKT$INFO_FAMILY_IPV6,
  SKT$INFO_IP_ADDR,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_PEER_ADDR,
  SKT$INFO_PEER_PORT,
  SKT$INFO_PORT,
  SKT$INFO_TYPE_OUTGOING,
  SKT$INFO_TYPE_SERVER,
} from './constants.js';
import { SocketError } from './errors.js';
import { failNow, SocketBase, type Convert, type Failed } from './socket-base.js';
import { isBlocking } from './validation.js';
import { ReadWaiter } from './waiter.js';
import type { SocketData, WriteData } from '../types/socket.js';

const datagramTimeout = (): SocketError => new SocketError(ER$TIMEOUT, 'readSocket: no datagram within the timeout');

interface Datagram {
  readonly bytes: Buffer;
  readonly from: RemoteInfo;
}

/**
 * A UDP socket (SKT$UDP). Each `readSocket` returns one datagram, cut to `maxLen` as recv()
 * does. A server socket answers the sender of the last datagram it read; an opened one sends to
 * the address it was opened with. Unread datagrams wait in a bounded queue; past it they are
 * dropped and counted, as the kernel would.
 */
export class DatagramSocket extends SocketBase {
  readonly type: 1 | 3;
  private readonly udp: UdpSocket;
  private readonly queue: Datagram[] = [];
  private readonly readers: ReadWaiter<any>[] = [];
  private dropped = 0;
  private lastPeer: RemoteInfo | undefined;
  private failure: Error | undefined;
  private readonly family: 1 | 2;

  constructor(udp: UdpSocket, type: 1 | 3, blocking: boolean) {
    super(blocking);
    this.udp = udp;
    this.type = type;
    this.family = udp.address().family === 'IPv6' ? SKT$INFO_FAMILY_IPV6 : SKT$INFO_FAMILY_IPV4;
    udp.on('message', this.onMessage);
    // An ICMP error for an earlier send (ECONNREFUSED: nobody listens there) ends the waiting
    // reads at once and fails the next ones, as recv() does on a connected UDP socket.
    udp.on('error', (err: Error) => {
      this.failure = err;
      const failed = this.failed('readSocket');
      for (const reader of this.readers.splice(0)) reader.reject(failed);
    });
  }

  read<T>(maxLen: number, flags: number, timeout: number, convert: Convert<T>, failed?: Failed<T>): Promise<T> {
    if (this.closed) return failNow(new SocketError(ER$SKT_CLOSED, 'readSocket: the socket was closed'), failed);
    const datagram = this.queue.shift();
    if (datagram !== undefined) return Promise.resolve(convert(this.receive(datagram, maxLen)));
    if (this.failure !== undefined) {
      const pending = this.failed('readSocket');
      this.failure = undefined; // reported once, as recv() reports a pending socket error
      return failNow(pending, failed);
    }
    if (!isBlocking(flags, this.blocking)) {
      return failNow(new SocketError(ER$TIMEOUT, 'readSocket: no datagram waiting (non-blocking read)'), failed);
    }
    const reader = new ReadWaiter<T>(maxLen, convert, timeout, this.readers, datagramTimeout, failed);
    this.readers.push(reader);
    return reader.promise;
  }

  write(data: WriteData, length: number, _flags: number, _timeout: number, failed?: Failed<number>): Promise<number> {
    if (this.closed) return failNow(new SocketError(ER$SKT_CLOSED, 'writeSocket: the socket was closed', undefined, 0), failed);
    // The pieces of a gathered write make one datagram, joined here: send() would take them as
    // a list, but the kernel refuses more than 1024 pieces, and a datagram is small to copy.
    const bytes = Array.isArray(data) ? Buffer.concat(data.map(datagramBytes)) : datagramBytes(data as SocketData);
    return new Promise((resolve, reject) => {
      const fail = (err: SocketError): void => (failed === undefined ? reject(err) : resolve(failed(err)));
      const sent = (err: Error | null): void => {
        if (err) fail(new SocketError(ER$FAILED, `writeSocket: cannot send the datagram: ${err.message}`, err, 0));
        else resolve(length);
      };
      if (this.type === SKT$INFO_TYPE_OUTGOING) {
        this.udp.send(bytes, sent);
      } else if (this.lastPeer !== undefined) {
        this.udp.send(bytes, this.lastPeer.port, this.lastPeer.address, sent);
      } else {
        fail(new SocketError(ER$FAILED, 'writeSocket: this UDP server socket has read no datagram yet, so it has nobody to answer', undefined, 0));
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closed = new SocketError(ER$SKT_CLOSED, 'readSocket: the socket was closed');
    for (const reader of this.readers.splice(0)) reader.reject(closed);
    this.queue.length = 0;
    await new Promise<void>((resolve) => this.udp.close(resolve));
  }

  override info(key: number): unknown {
    const local = this.closed ? undefined : this.udp.address();
    const remote = this.type === SKT$INFO_TYPE_OUTGOING && !this.closed ? this.udp.remoteAddress() : local;
    switch (key) {
      case SKT$INFO_PORT:
        return remote?.port ?? 0;
      case SKT$INFO_IP_ADDR:
        return remote?.address ?? '';
      case SKT$INFO_LOCAL_PORT:
        return local?.port ?? 0;
      case SKT$INFO_LOCAL_ADDR:
        return local?.address ?? '';
      case SKT$INFO_FAMILY:
        return this.family;
      case SKT$INFO_DROPPED:
        return this.dropped;
      case SKT$INFO_PEER_ADDR:
        return this.lastPeer?.address ?? '';
      case SKT$INFO_PEER_PORT:
        return this.lastPeer?.port ?? 0;
      default:
        return super.info(key);
    }
  }

  private failed(op: string): SocketError {
    const err = this.failure as Error;
    return new SocketError(ER$FAILED, `${op}: ${err.message}`, err);
  }

  private receive(datagram: Datagram, maxLen: number): Buffer {
    this.lastPeer = datagram.from;
    return datagram.bytes.length > maxLen ? datagram.bytes.subarray(0, maxLen) : datagram.bytes;
  }

  private readonly onMessage = (bytes: Buffer, from: RemoteInfo): void => {
    const reader = this.readers.shift();
    if (reader !== undefined) reader.resolve(reader.convert(this.receive({ bytes, from }, reader.maxLen)));
    else if (this.queue.length < DATAGRAM_QUEUE_LIMIT) this.queue.push({ bytes, from });
    else this.dropped++;
  };

}

/** Starts a dgram socket of the family of `address` and runs `start` on it, mapping failures. */
async function startUdp(
  type: UdpType,
  start: (udp: UdpSocket, done: (err?: Error) => void) => void,
  status: number,
  op: string,
): Promise<UdpSocket> {
  const udp = createSocket(type);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      udp.close();
      reject(new SocketError(status, `${op}: ${err.message}`, err));
    };
    udp.once('error', fail);
    start(udp, (err) => {
      if (err) return fail(err);
      udp.off('error', fail);
      resolve();
    });
  });
  return udp;
}

/** The server half of SKT$UDP: a UDP socket bound to `host` (every address when undefined). */
export async function bindDatagramSocket(
  host: string | undefined,
  port: number,
  blocking: boolean,
  op: string,
): Promise<DatagramSocket & { readonly type: 1 }> {
  const bind = (address: string): Promise<UdpSocket> =>
    startUdp(isIPv6(address) ? 'udp6' : 'udp4', (socket, done) => socket.bind(port, address, () => done()), ER$BIND, op);
  let udp: UdpSocket;
  if (host !== undefined) {
    udp = await bind(await resolveOne(host, op));
  } else {
    // '' binds every address: IPv6 and, through it, IPv4 (dual stack), as a TCP server socket
    // does; IPv4 alone on a system without IPv6.
    udp = await bind('::').catch((err: unknown) => {
      if (err instanceof SocketError && err.osError === 'EAFNOSUPPORT') return bind('0.0.0.0');
      throw err;
    });
  }
  return new DatagramSocket(udp, SKT$INFO_TYPE_SERVER, blocking) as DatagramSocket & { readonly type: 1 };
}

/** The client half of SKT$UDP: a UDP socket connected to `host` and `port`. */
export async function openDatagramSocket(host: string, port: number, blocking: boolean, op: string): Promise<DatagramSocket> {
  const address = await resolveOne(host, op);
  const udp = await startUdp(isIPv6(address) ? 'udp6' : 'udp4', (socket, done) => socket.connect(port, address, done), ER$CONNECT, op);
  return new DatagramSocket(udp, SKT$INFO_TYPE_OUTGOING, blocking);
}

async function resolveOne(host: string, op: string): Promise<string> {
  try {
    return (await lookup(host)).address;
  } catch (err) {
    if (isResolveError(err)) throw resolveError(err, host, op);
    throw err;
  }
}

/** A piece of a datagram as send() takes it: strings are Pick byte strings, not UTF-8. */
function datagramBytes(piece: SocketData): Uint8Array {
  return typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
}
