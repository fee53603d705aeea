import { isIPv6, type Socket as NetSocket } from 'node:net';
import {
  CLOSE_LINGER,
  ER$FAILED,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  READ_HIGH_WATER,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV4,
  SKT$INFO_FAMILY_IPV6,
  SKT$INFO_IP_ADDR,
  SKT$INFO_KEEP_ALIVE,
  SKT$INFO_LINGER,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_NO_DELAY,
  SKT$INFO_PORT,
  SKT$INFO_PROXY_ADDR,
  SKT$INFO_PROXY_PORT,
} from './constants.js';
import type { DirectReader } from './direct-reader.js';
import { osErrorOf, SocketError } from './errors.js';
import type { ProxyEndpoint } from './proxy-header.js';
import { readFromHandle, releaseHandleReads } from './handle-reader.js';
import { ReadBuffer } from './read-buffer.js';
import { failNow, SocketBase, type Convert, type Failed } from './socket-base.js';
import { startTimer } from './timer.js';
import { checkTimeout, isBlocking } from './validation.js';
import { ReadWaiter, Waiter } from './waiter.js';
import type { SocketData, WriteData } from '../types/socket.js';

/** A blocking write waiting for the kernel to take its bytes. */
class WriteWaiter extends Waiter<number> {
  constructor(
    readonly length: number,
    timeout: number,
    queue: Waiter<number>[],
    failed: Failed<number> | undefined,
  ) {
    super(timeout, queue, () => writeTimeout(length), failed);
  }
}

function readTimerFired(skt: StreamSocket): void {
  skt.expireRead();
}

const readTimeout = (): SocketError => new SocketError(ER$TIMEOUT, 'readSocket: no data within the timeout');
const writeTimeout = (length: number): SocketError =>
  new SocketError(ER$TIMEOUT, 'writeSocket: the peer did not take the data within the timeout; it stays queued', undefined, length);
const wouldBlock = (): SocketError =>
  new SocketError(ER$TIMEOUT, 'writeSocket: non-blocking write while earlier data is still queued', undefined, 0);

/**
 * Writes one piece of bytes, with no write callback (Node would allocate and schedule one per
 * write). False once the stream's queue is past its high-water mark.
 */
function writePiece(stream: NetSocket, piece: SocketData): boolean {
  return typeof piece === 'string' ? stream.write(piece, 'latin1') : stream.write(piece);
}

/**
 * Writes the pieces of a gathered write corked, so Node hands them to the handle together: one
 * writev, and over TLS one SSL_write (of a copy Node makes of them in native code). Written one
 * by one, a TLS socket's second piece would wait until Node has finished the first write, which
 * it does only after the event loop's poll phase, so after every other connection ready in the
 * same round.
 */
function writeGathered(stream: NetSocket, pieces: readonly SocketData[]): boolean {
  let accepted = true;
  stream.cork();
  try {
    // By index, as byteLengthOf checked them.
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as SocketData;
      if (piece.length > 0) accepted = writePiece(stream, piece);
    }
  } finally {
    // Whatever happened, the stream is not left corked: that would hold back every later write.
    stream.uncork();
  }
  return accepted;
}

/** Why a closing socket was cut off: its queued bytes never reached the peer. */
const lingerExpired = (ms: number): Error =>
  Object.assign(new Error(`the peer did not take the data within ${ms} ms of the close`), { code: 'ETIMEDOUT' });

/**
 * The SocketError for an error the connection failed with. A peer that is gone (EPIPE,
 * ECONNRESET) is ER$FAILED, as ScarletDME's send() and recv() failures are; only a stream this
 * side ended or destroyed is ER$SKT_CLOSED.
 */
export function connectionError(err: Error, op: string): SocketError {
  const os = osErrorOf(err);
  if (os === 'ERR_STREAM_DESTROYED' || os === 'ERR_STREAM_WRITE_AFTER_END') {
    return new SocketError(ER$SKT_CLOSED, `${op}: the connection is closed (${os})`, err);
  }
  return new SocketError(ER$FAILED, `${op}: the connection failed: ${err.message}`, err);
}

/** Both ends of a connection, as socketInfo tells them. */
export interface Endpoints {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly family: 1 | 2;
  /** The proxy's end of a connection that came through one (PROXY protocol): the remote ends are then the client's. */
  readonly proxy?: ProxyEndpoint;
}

/**
 * Reads both ends of a connected stream. Taken once, when the connection is accepted (or
 * connects): Node asks the kernel only while the socket is open, so read later (after a TLS
 * handshake) it gives '' for a peer that has reset meanwhile, and a request could be served
 * from an address nobody can see.
 */
export function endpointsOf(stream: NetSocket): Endpoints {
  // A connection reset while it was being made (see connectTcp) has no peer address any more:
  // its error names the peer.
  const peer = (stream.errored ?? {}) as { address?: unknown; port?: unknown };
  const remoteAddress = stream.remoteAddress ?? (typeof peer.address === 'string' ? peer.address : '');
  return {
    remoteAddress,
    remotePort: stream.remotePort ?? (typeof peer.port === 'number' ? peer.port : 0),
    localAddress: stream.localAddress ?? '',
    localPort: stream.localPort ?? 0,
    family: (stream.remoteFamily ?? (isIPv6(remoteAddress) ? 'IPv6' : 'IPv4')) === 'IPv6' ? SKT$INFO_FAMILY_IPV6 : SKT$INFO_FAMILY_IPV4,
  };
}

/** Where a stream's StreamSocket is kept, for the shared event listeners. */
const owner = Symbol('StreamSocket');
type OwnedStream = NetSocket & { [owner]: StreamSocket };
const ownerOf = (stream: NetSocket): StreamSocket => (stream as OwnedStream)[owner];

/**
 * A connected TCP socket, accepted or opened (and, wrapped in TLS, a secure one). Reads are
 * pull-style: bytes wait in a bounded ReadBuffer, and the kernel is not read while it is full,
 * so a peer that sends faster than the program reads is held back by TCP flow control.
 */
export class StreamSocket extends SocketBase {
  readonly type: 2 | 3;
  readonly stream: NetSocket;
  private readonly buffer = new ReadBuffer();
  private readonly readers: ReadWaiter<any>[] = [];
  /** Blocking writes waiting for Node's queue to drain to the kernel. */
  private readonly writers: WriteWaiter[] = [];
  private paused = false;
  /** The peer sent FIN: once the buffer is empty, reads fail with ER$SKT_CLOSED. */
  private ended = false;
  /**
   * The connection failed (ECONNRESET, ...): once the buffer is empty, the next read fails with
   * it, and the reads after that with ER$SKT_CLOSED, as recv() reports a socket error once.
   * Writes keep failing with it.
   */
  private failure: Error | undefined;
  private failureReported = false;
  /**
   * The timer of timed reads: a server that reads each request with a timeout makes no timer
   * per request. It is unreferenced (the connection keeps the process alive while a read waits)
   * and never moved later: a read whose deadline comes after the running timer's lets it fire as
   * it is, and expireRead then waits out the rest. A busy connection so costs one timer start per
   * timeout period instead of a re-insertion into Node's timer list per read; a timer that fires
   * after its read was answered finds no read waiting and does nothing.
   */
  private readTimer: NodeJS.Timeout | undefined;
  /** When the running read timer fires (performance.now() time). */
  private readTimerDue = 0;
  private noDelay = false;
  private keepAlive = false;
  /** Milliseconds a close lets queued bytes drain (SKT$INFO_LINGER); 0 closes at once. */
  private linger = CLOSE_LINGER;
  /** Both ends, kept so socketInfo still answers after the connection is gone. */
  readonly endpoints: Endpoints;

  /**
   * @param reader - where the bytes come from when the socket was connected with one; otherwise
   *   they are read straight from the stream's handle (readFromHandle), or by 'data' events
   * @param endpoints - both ends as taken when the connection was accepted or connected; read
   *   from the stream now when omitted (a connection made just before)
   */
  constructor(stream: NetSocket, type: 2 | 3, blocking: boolean, reader?: DirectReader, endpoints?: Endpoints) {
    super(blocking);
    this.type = type;
    this.stream = stream;
    this.endpoints = endpoints ?? endpointsOf(stream);
    (stream as OwnedStream)[owner] = this;
    // A socket Node made (accepted, or TLS over one) is read straight from its handle as an
    // opened one is through its DirectReader, when this Node allows it; 'data' events otherwise.
    if (reader === undefined) readFromHandle(stream, this);
    // Read either of those ways, no 'data' event fires, but the listener still puts the stream
    // in flowing mode, which is what makes it emit 'end'.
    stream.on('data', StreamSocket.onData);
    reader?.attach(this);
    stream.on('end', StreamSocket.onEnd);
    stream.on('error', StreamSocket.onError);
    stream.on('close', StreamSocket.onClose);
    stream.on('drain', StreamSocket.onDrain);
    // A connection that failed or closed between its handshake and now emitted 'error' and
    // 'close' before these listeners were there: its state is taken as it is.
    if (stream.destroyed) {
      const error = stream.errored;
      if (error) this.failure = error;
      else this.ended = true;
    }
  }

  /** Bytes received and not read yet: the kernel is read again once reads take this below READ_HIGH_WATER. */
  get bufferedLength(): number {
    return this.buffer.length;
  }

  read<T>(maxLen: number, flags: number, timeout: number, convert: Convert<T>, failed?: Failed<T>): Promise<T> {
    if (this.buffer.length > 0) return Promise.resolve(convert(this.take(maxLen)));
    const error = this.readError();
    if (error !== undefined) return failNow(error, failed);
    if (!isBlocking(flags, this.blocking)) {
      return failNow(new SocketError(ER$TIMEOUT, 'readSocket: no data buffered (non-blocking read)'), failed);
    }
    // The only read waiting (the usual case) times out on the socket's own timer (armReadTimer),
    // not one made for each read; a read queued behind others gets a timer of its own.
    const shared = timeout > 0 && this.readers.length === 0;
    const waiter = new ReadWaiter<T>(maxLen, convert, shared ? 0 : timeout, this.readers, readTimeout, failed);
    if (shared) this.armReadTimer(waiter, timeout);
    this.readers.push(waiter);
    return waiter.promise;
  }

  write(data: WriteData, length: number, flags: number, timeout: number, failed?: Failed<number>): Promise<number> {
    const broken = this.closed ? undefined : (this.failure ?? this.stream.errored);
    if (broken) return failNow(connectionError(broken, 'writeSocket'), failed);
    if (this.closed || this.stream.writableEnded || this.stream.destroyed) {
      return failNow(new SocketError(ER$SKT_CLOSED, 'writeSocket: the socket is closed', undefined, 0), failed);
    }
    if (length === 0) return Promise.resolve(0);
    const stream = this.stream;
    const blocking = isBlocking(flags, this.blocking);
    if (!blocking && stream.writableNeedDrain) return failNow(wouldBlock(), failed);
    const accepted = Array.isArray(data) ? writeGathered(stream, data) : writePiece(stream, data as SocketData);
    // A write the kernel refused at once (ECONNRESET, EPIPE) marks the stream errored now; the
    // 'error' event only follows on the next tick.
    const refused = stream.errored;
    if (refused) return failNow(connectionError(refused, 'writeSocket'), failed);
    // Taken: handed to the kernel, or (TLS, a full kernel buffer) queued within the stream's
    // 16 KiB high-water mark. A non-blocking write never waits.
    if (accepted || !blocking) return Promise.resolve(length);
    // Past the high-water mark: wait until everything queued has gone to the kernel.
    const waiter = new WriteWaiter(length, timeout, this.writers, failed);
    this.writers.push(waiter);
    return waiter.promise;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopReadTimer();
    this.buffer.clear();
    this.failReaders(() => new SocketError(ER$SKT_CLOSED, 'readSocket: the socket was closed'));
    const stream = this.stream;
    if (stream.destroyed) return;
    if (this.linger === 0) {
      stream.destroy();
      return;
    }
    if (this.paused) stream.resume(); // drain the peer so the close is not a reset
    await new Promise<void>((resolve) => {
      // A peer that never reads or never closes is cut off after CLOSE_LINGER.
      // Once everything was sent, only the peer's FIN is missing: no error for that.
      const linger = startTimer(this.linger, () => stream.destroy(stream.writableFinished ? undefined : lingerExpired(this.linger)));
      stream.once('close', () => {
        clearTimeout(linger);
        resolve();
      });
      // end() flushes queued writes, then sends FIN (and close_notify first on TLS).
      stream.end((err?: Error | null) => {
        // Finished: every queued byte went to the kernel, so writes still waiting are done
        // (an ending stream emits no 'drain').
        if (!err) this.drained();
        if (this.ended) stream.destroy();
        resolve();
      });
    });
  }

  /**
   * Hands the connection over to a new owner (startTls): this socket stops reading and counts as
   * closed, and the bytes it had buffered are returned so they are not lost.
   */
  detach(): { stream: NetSocket; pending: Buffer | undefined; noDelay: boolean; keepAlive: boolean; endpoints: Endpoints } {
    const stream = this.stream;
    releaseHandleReads(stream);
    stream.off('data', StreamSocket.onData);
    stream.off('end', StreamSocket.onEnd);
    stream.off('error', StreamSocket.onError);
    stream.off('close', StreamSocket.onClose);
    stream.off('drain', StreamSocket.onDrain);
    // Undefined, not deleted: deleting a property makes V8 slow down every access to the stream.
    (stream as Partial<OwnedStream>)[owner] = undefined;
    stream.pause();
    const pending = this.buffer.length > 0 ? this.buffer.take(this.buffer.length) : undefined;
    this.closed = true;
    this.stopReadTimer();
    const upgraded = (): SocketError => new SocketError(ER$SKT_CLOSED, 'the socket was upgraded to TLS; use the secure socket');
    this.failReaders(upgraded);
    this.failWriters(upgraded);
    return { stream, pending, noDelay: this.noDelay, keepAlive: this.keepAlive, endpoints: this.endpoints };
  }

  override info(key: number): unknown {
    switch (key) {
      case SKT$INFO_PORT:
        return this.endpoints.remotePort;
      case SKT$INFO_IP_ADDR:
        return this.endpoints.remoteAddress;
      case SKT$INFO_NO_DELAY:
        return this.noDelay;
      case SKT$INFO_KEEP_ALIVE:
        return this.keepAlive;
      case SKT$INFO_FAMILY:
        return this.endpoints.family;
      case SKT$INFO_LOCAL_ADDR:
        return this.endpoints.localAddress;
      case SKT$INFO_LOCAL_PORT:
        return this.endpoints.localPort;
      case SKT$INFO_LINGER:
        return this.linger;
      case SKT$INFO_PROXY_ADDR:
        return this.endpoints.proxy?.address ?? '';
      case SKT$INFO_PROXY_PORT:
        return this.endpoints.proxy?.port ?? 0;
      default:
        return super.info(key);
    }
  }

  override setMode(key: number, value: unknown): void {
    if (key === SKT$INFO_NO_DELAY) {
      this.noDelay = Boolean(value);
      this.stream.setNoDelay(this.noDelay);
    } else if (key === SKT$INFO_KEEP_ALIVE) {
      this.keepAlive = Boolean(value);
      this.stream.setKeepAlive(this.keepAlive);
    } else if (key === SKT$INFO_LINGER) {
      this.linger = checkTimeout(value, 'linger');
    } else {
      super.setMode(key, value);
    }
  }

  private take(maxLen: number): Buffer {
    const bytes = this.buffer.take(maxLen);
    if (this.paused && this.buffer.length < READ_HIGH_WATER) {
      this.paused = false;
      this.stream.resume();
    }
    return bytes;
  }

  /** Why a read with an empty buffer cannot wait, if it cannot. */
  private readError(): SocketError | undefined {
    if (this.closed) return new SocketError(ER$SKT_CLOSED, 'readSocket: the socket was closed');
    if (this.failure !== undefined && !this.failureReported) {
      this.failureReported = true;
      return connectionError(this.failure, 'readSocket');
    }
    if (this.failure !== undefined) return new SocketError(ER$SKT_CLOSED, 'readSocket: the connection failed earlier');
    if (this.ended) return new SocketError(ER$SKT_CLOSED, 'readSocket: the peer closed the connection');
    return undefined;
  }

  /**
   * Ends every waiting read with the error `make` builds. Built only when someone waits: a
   * SocketError captures a stack trace, too dear to make for each connection that closes.
   */
  private failReaders(make: () => SocketError | undefined): void {
    if (this.readers.length === 0) return;
    const err = make() as SocketError;
    for (const reader of this.readers.splice(0)) reader.reject(err);
  }

  /** Ends every waiting write, as failReaders does the reads. */
  private failWriters(make: () => SocketError): void {
    if (this.writers.length === 0) return;
    const err = make();
    for (const waiter of this.writers.splice(0)) waiter.reject(err);
  }

  private armReadTimer(waiter: ReadWaiter<any>, ms: number): void {
    const deadline = performance.now() + ms;
    waiter.deadline = deadline;
    // The running timer fires first: expireRead finds this read's time not up and waits the rest.
    if (this.readTimer !== undefined && this.readTimerDue <= deadline) return;
    this.startReadTimer(ms, deadline);
  }

  private startReadTimer(ms: number, due = performance.now() + ms): void {
    this.stopReadTimer();
    this.readTimer = startTimer(ms, readTimerFired, this);
    this.readTimerDue = due;
  }

  /** The read timer went off: fails the first read if its time is up. */
  expireRead(): void {
    // It fired: none runs until one is started again.
    this.readTimer = undefined;
    const first = this.readers[0];
    if (first?.deadline === undefined) return; // answered already, or it has a timer of its own
    const left = first.deadline - performance.now();
    // Re-armed for a later read in the meantime (or capped at setTimeout's limit): wait for
    // the rest of its time.
    if (left >= 1) this.startReadTimer(left);
    else {
      this.readers.shift();
      first.reject(readTimeout());
    }
  }

  private stopReadTimer(): void {
    if (this.readTimer === undefined) return;
    clearTimeout(this.readTimer);
    this.readTimer = undefined;
  }

  // One set of listeners serves every socket: they find their StreamSocket on the stream. A
  // closure per socket and event would cost memory for each of thousands of idle connections.
  private static onData(this: NetSocket, chunk: Buffer): void {
    ownerOf(this).receive(chunk);
  }

  private static onDrain(this: NetSocket): void {
    ownerOf(this).drained();
  }

  private static onEnd(this: NetSocket): void {
    ownerOf(this).peerEnded();
  }

  private static onError(this: NetSocket, err: Error): void {
    ownerOf(this).failed(err);
  }

  private static onClose(this: NetSocket): void {
    ownerOf(this).streamClosed();
  }

  /** A chunk arrived: from a DirectReader, from the stream's handle, or from a 'data' event. */
  receive(chunk: Buffer): void {
    if (this.closed) return; // draining after close: the bytes have no reader any more
    const first = this.readers[0];
    if (first !== undefined && this.buffer.length === 0 && chunk.length <= first.maxLen) {
      // The ping-pong path: straight to the waiting read, without a trip through the buffer.
      this.readers.shift();
      first.resolve(first.convert(chunk));
      return;
    }
    this.buffer.push(chunk);
    let reader: ReadWaiter<unknown> | undefined;
    while (this.buffer.length > 0 && (reader = this.readers.shift()) !== undefined) {
      reader.resolve(reader.convert(this.buffer.take(reader.maxLen)));
    }
    if (this.buffer.length >= READ_HIGH_WATER && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
  }

  /** Everything queued has gone to the kernel: every waiting write is done. */
  private drained(): void {
    for (const waiter of this.writers.splice(0)) waiter.resolve(waiter.length);
  }

  private peerEnded(): void {
    this.ended = true;
    if (this.closed) this.stream.destroy();
    else this.failReaders(() => new SocketError(ER$SKT_CLOSED, 'readSocket: the peer closed the connection'));
  }

  private failed(err: Error): void {
    // Kept, not thrown: the next read (after the buffered bytes) or write reports it.
    this.failure ??= err;
    this.failReaders(() => this.readError());
    // A TLS error (a corrupt record, an alert) is emitted without destroying the socket; a
    // connection that failed is of no more use, and a peer must not keep it open.
    if (!this.stream.destroyed) this.stream.destroy();
  }

  private streamClosed(): void {
    this.stopReadTimer();
    if (this.failure === undefined) this.ended = true;
    this.failReaders(() => this.readError());
    const failure = this.failure;
    this.failWriters(() =>
      failure === undefined
        ? new SocketError(ER$SKT_CLOSED, 'writeSocket: the connection closed before the data was sent')
        : connectionError(failure, 'writeSocket'),
    );
  }
}
