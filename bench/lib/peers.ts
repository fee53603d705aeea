/**
 * The two sides of each plain and TLS benchmark, once raw and once on the facade.
 *
 * Plain (no `tls` argument): raw node:net against openSocket / createServerSocket. TLS (a
 * TlsMaterial): raw node:tls (`tls.createServer`, `tls.connect`) against openSecureSocket /
 * createSecureServerSocket with the same certificate (see ./tls-material.ts). The loops are the
 * same for both transports, so the plain and the TLS figures measure the same work.
 *
 * Ping-pong has two more variants, for bench/basic.ts: `main`, the facade loops reading latin1
 * strings (readSocket) as a port of a BASIC program does, and `basic`, the same loops ported to
 * scarlet-sockets/basic (./basic-peers.ts).
 *
 * Server side (may run in a worker thread): the bulk receiver and the echo server.
 * Client side (always the main thread): the bulk sender and the ping-pong clients.
 *
 * Every loop here is bounded by a count, and every wait ends by itself: the sender stops at its
 * byte count or its deadline, which ends the receiver's stream; the ping-pong clients stop at
 * their deadline or round-trip cap and close, which ends the echo loops. `abort()` is the
 * watchdog's last resort: it closes every socket of the role, which fails every pending call.
 */
import { createServer, connect, type Server, type Socket as NetSocket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, createServer as createTlsServer, Server as TlsServer, TLSSocket } from 'node:tls';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  ER$SKT_CLOSED,
  openSecureSocket,
  openSocket,
  readSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  SKT$INFO_TLS_CIPHER,
  SKT$INFO_TLS_PROTOCOL,
  SocketError,
  socketInfo,
  writeSocket,
  type SecureServerSocket,
  type ServerSocket,
  type Socket,
} from '../../lib/index.js';
import { runPingPongBasic, startEchoBasic } from './basic-peers.js';
import { listenOnFreePort } from './listen.js';
import { facadeClientContext, facadeServerContext, rawClientOptions, rawServerOptions, type Negotiated, type TlsMaterial } from './tls-material.js';

export type Variant = 'raw' | 'facade';
/** The ping-pong variants: raw and facade, and the pair bench/basic.ts compares. */
export type PingPongVariant = Variant | 'main' | 'basic';

export const HOST = '127.0.0.1';
/** How long a server side waits for its connections before it gives up. */
export const ACCEPT_TIMEOUT = 10_000;

/** A started server side: where to connect, what it reports when done, how to force it to stop. */
export interface ServerRole<R> {
  port: number;
  result: Promise<R>;
  abort(): void;
}

export interface BulkReceived {
  /** Bytes received in all. */
  bytes: number;
  /** Bytes received after the first chunk, over `ms`. */
  timedBytes: number;
  /** Milliseconds from the first chunk to the end of stream. */
  ms: number;
}

export interface EchoServed {
  /** Messages echoed, all connections together. */
  echoed: number;
}

export interface BulkSent {
  bytes: number;
  writes: number;
}

/** A started client side: its result, how to force it to stop, and (TLS) what it negotiated. */
export interface ClientRole<R> {
  abort: () => void;
  done: Promise<R>;
  negotiated?: Negotiated;
}

export interface PingPongDone {
  roundTrips: number;
  ms: number;
}

function isClosed(err: unknown): boolean {
  return err instanceof SocketError && err.status === ER$SKT_CLOSED;
}

/** A raw connection: node:net, or node:tls once its handshake is done. */
function connectRaw(port: number, tls?: TlsMaterial): Promise<NetSocket> {
  return new Promise((resolve, reject) => {
    const sock = tls === undefined ? connect({ host: HOST, port }) : tlsConnect(rawClientOptions(tls, HOST, port));
    sock.once('error', reject);
    sock.once(tls === undefined ? 'connect' : 'secureConnect', () => {
      sock.off('error', reject);
      resolve(sock);
    });
  });
}

/** A raw server: `net.createServer()`, or `tls.createServer` with the benchmark certificate. */
function createRawServer(tls?: TlsMaterial): Server {
  return tls === undefined ? createServer() : createTlsServer(rawServerOptions(tls));
}

/** The facade's server socket: plain, or secure with the benchmark certificate's context. */
function createFacadeServer(tls?: TlsMaterial): Promise<ServerSocket> {
  return tls === undefined
    ? createServerSocket(HOST, 0, SKT$BLOCKING)
    : createSecureServerSocket(HOST, 0, SKT$BLOCKING, facadeServerContext(tls));
}

function acceptFacade(server: ServerSocket, tls?: TlsMaterial): Promise<Socket> {
  return tls === undefined ? acceptSocket(server, ACCEPT_TIMEOUT) : acceptSecureSocket(server as SecureServerSocket, ACCEPT_TIMEOUT);
}

function openFacade(port: number, tls?: TlsMaterial): Promise<Socket> {
  return tls === undefined ? openSocket(HOST, port, SKT$BLOCKING) : openSecureSocket(HOST, port, SKT$BLOCKING, facadeClientContext(tls));
}

/** What a raw TLS connection negotiated (nothing for plain TCP). */
function negotiatedRaw(sock: NetSocket | undefined): Negotiated | undefined {
  if (!(sock instanceof TLSSocket)) return undefined;
  return { protocol: sock.getProtocol() ?? '', cipher: sock.getCipher()?.standardName ?? '' };
}

/** What a facade TLS connection negotiated (nothing for plain TCP). */
function negotiatedFacade(skt: Socket | undefined, tls?: TlsMaterial): Negotiated | undefined {
  if (tls === undefined || skt === undefined) return undefined;
  return { protocol: String(socketInfo(skt, SKT$INFO_TLS_PROTOCOL)), cipher: String(socketInfo(skt, SKT$INFO_TLS_CIPHER)) };
}

/** Accepts `count` raw connections on `server` (TLS: handshakes done), then stops listening. */
function acceptRaw(server: Server, count: number, sockets: NetSocket[], onSocket: (sock: NetSocket) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Every way out stops listening and the timer; the accepted sockets stay open.
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      server.close();
      if (err === undefined) resolve();
      else reject(err);
    };
    const timer = setTimeout(() => finish(new Error(`raw server: only ${sockets.length} of ${count} connections came within ${ACCEPT_TIMEOUT} ms`)), ACCEPT_TIMEOUT);
    // An accept that fails (EMFILE) fails the round instead of the process.
    server.on('error', finish);
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (sock: NetSocket) => {
      sockets.push(sock);
      onSocket(sock);
      if (sockets.length === count) finish();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Bulk: one connection, the client sends, the server counts.

/**
 * The bulk receiver. Raw: counts 'data' events until 'end'. Facade: loops on
 * `readSocketBuffer(skt, 65536, SKT$BLOCKING)` until ER$SKT_CLOSED.
 */
export async function startBulkReceiver(variant: Variant, maxBytes: number, tls?: TlsMaterial): Promise<ServerRole<BulkReceived>> {
  return variant === 'raw' ? startBulkReceiverRaw(tls) : startBulkReceiverFacade(maxBytes, tls);
}

async function startBulkReceiverRaw(tls?: TlsMaterial): Promise<ServerRole<BulkReceived>> {
  const server = createRawServer(tls);
  const port = await listenOnFreePort(server, HOST);
  const sockets: NetSocket[] = [];
  const result = new Promise<BulkReceived>((resolve, reject) => {
    acceptRaw(server, 1, sockets, (sock) => {
      let bytes = 0;
      let first = 0;
      let t0 = 0;
      sock.on('data', (chunk: Buffer) => {
        if (bytes === 0) {
          t0 = performance.now();
          first = chunk.length;
        }
        bytes += chunk.length;
      });
      sock.on('end', () => {
        const ms = performance.now() - t0;
        resolve({ bytes, timedBytes: bytes - first, ms });
      });
      sock.on('error', reject);
      sock.on('close', () => reject(new Error('raw bulk receiver: closed before the end of stream')));
    }).catch(reject);
  });
  return { port, result, abort: () => abortRaw(server, sockets) };
}

async function startBulkReceiverFacade(maxBytes: number, tls?: TlsMaterial): Promise<ServerRole<BulkReceived>> {
  const server = await createFacadeServer(tls);
  const port = socketInfo(server, SKT$INFO_PORT);
  const sockets: Socket[] = [server];
  const result = (async (): Promise<BulkReceived> => {
    const skt = await acceptFacade(server, tls);
    sockets.push(skt);
    await closeSocket(server);
    let bytes = 0;
    let first = 0;
    let t0 = 0;
    try {
      // Each read returns at least one byte: maxBytes + 1 reads always reach the end of stream.
      for (let reads = 0; reads <= maxBytes; reads++) {
        const chunk = await readSocketBuffer(skt, 65536, SKT$BLOCKING);
        if (bytes === 0) {
          t0 = performance.now();
          first = chunk.length;
        }
        bytes += chunk.length;
      }
    } catch (err) {
      if (!isClosed(err)) throw err;
    }
    const ms = performance.now() - t0;
    await closeSocket(skt);
    return { bytes, timedBytes: bytes - first, ms };
  })();
  return { port, result, abort: () => abortFacade(sockets) };
}

/** Bulk write sizes, cycled: 64 KiB, 256 KiB, 1 MiB (the same Buffers for both variants). */
const BULK_CHUNKS: readonly Buffer[] = [64 * 1024, 256 * 1024, 1024 * 1024].map((size) => {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + 7) & 0xff;
  return buf;
});

/** The bulk sender: writes `total` bytes or until `maxMs` has passed, then closes. */
export async function runBulkSender(variant: Variant, port: number, total: number, maxMs: number, tls?: TlsMaterial): Promise<ClientRole<BulkSent>> {
  if (variant === 'raw') {
    const sock = await connectRaw(port, tls);
    return { abort: () => sock.destroy(), done: sendRaw(sock, total, maxMs), negotiated: negotiatedRaw(sock) };
  }
  const skt = await openFacade(port, tls);
  return { abort: () => abortFacade([skt]), done: sendFacade(skt, total, maxMs), negotiated: negotiatedFacade(skt, tls) };
}

function nextChunk(writes: number, remaining: number): Buffer {
  const chunk = BULK_CHUNKS[writes % BULK_CHUNKS.length] as Buffer;
  return remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
}

async function sendRaw(sock: NetSocket, total: number, maxMs: number): Promise<BulkSent> {
  const deadline = performance.now() + maxMs;
  let bytes = 0;
  let writes = 0;
  let failure: Error | undefined;
  sock.on('error', (err) => (failure = err));
  // Bounded: every write sends at least one byte, and the deadline ends it early.
  while (bytes < total && writes <= total && failure === undefined) {
    const chunk = nextChunk(writes, total - bytes);
    writes++;
    bytes += chunk.length;
    if (!sock.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          sock.off('drain', done);
          sock.off('close', done);
          resolve();
        };
        sock.on('drain', done);
        sock.on('close', done);
      });
    }
    if (performance.now() >= deadline) break;
  }
  if (failure !== undefined) throw failure;
  await new Promise<void>((resolve) => sock.end(resolve));
  return { bytes, writes };
}

async function sendFacade(skt: Socket, total: number, maxMs: number): Promise<BulkSent> {
  const deadline = performance.now() + maxMs;
  let bytes = 0;
  let writes = 0;
  while (bytes < total && writes <= total) {
    const chunk = nextChunk(writes, total - bytes);
    writes++;
    bytes += await writeSocket(skt, chunk, SKT$BLOCKING);
    if (performance.now() >= deadline) break;
  }
  await closeSocket(skt);
  return { bytes, writes };
}

// ---------------------------------------------------------------------------------------------
// Ping-pong: the client writes a message, the server echoes it, the client reads it back whole.

/**
 * How a facade loop reads: Buffers (readSocketBuffer), or latin1 strings (readSocket) as a port
 * of a BASIC program reads, which is what the `main` variant compares with scarlet-sockets/basic
 * (whose READ.SOCKET returns strings only).
 */
interface Reads<T extends Buffer | string> {
  read(skt: Socket, maxLen: number, flags: number, timeout: number): Promise<T>;
  /** The parts of a message read in more than one piece, as one. */
  join(parts: T[], length: number): T;
  /** The client's message, as this variant writes it. */
  message(bytes: Buffer): T;
}

const BUFFER_READS: Reads<Buffer> = {
  read: readSocketBuffer,
  join: (parts, length) => Buffer.concat(parts, length),
  message: (bytes) => bytes,
};

const STRING_READS: Reads<string> = {
  read: readSocket,
  join: (parts) => parts.join(''),
  message: (bytes) => bytes.toString('latin1'),
};

/**
 * The echo server for `connections` connections. Raw: writes back each 'data' chunk. Facade and
 * main: reads until a whole message is there, writes it back, until ER$SKT_CLOSED. Basic: the
 * same loop on scarlet-sockets/basic.
 */
export async function startEchoServer(
  variant: PingPongVariant,
  connections: number,
  messageSize: number,
  maxEchoes: number,
  tls?: TlsMaterial,
): Promise<ServerRole<EchoServed>> {
  switch (variant) {
    case 'raw':
      return startEchoRaw(connections, messageSize, tls);
    case 'facade':
      return startEchoFacade(connections, messageSize, maxEchoes, BUFFER_READS, tls);
    case 'main':
      return startEchoFacade(connections, messageSize, maxEchoes, STRING_READS, plainOnly(variant, tls));
    case 'basic':
      plainOnly(variant, tls);
      return startEchoBasic(connections, messageSize, maxEchoes);
  }
}

/** The main/basic pair runs on plain TCP only (bench/basic.ts). */
function plainOnly(variant: PingPongVariant, tls: TlsMaterial | undefined): undefined {
  if (tls !== undefined) throw new Error(`ping-pong variant ${variant} runs on plain TCP only`);
  return undefined;
}

async function startEchoRaw(connections: number, messageSize: number, tls?: TlsMaterial): Promise<ServerRole<EchoServed>> {
  const server = createRawServer(tls);
  const port = await listenOnFreePort(server, HOST);
  const sockets: NetSocket[] = [];
  let echoedBytes = 0;
  let closed = 0;
  const result = new Promise<EchoServed>((resolve, reject) => {
    acceptRaw(server, connections, sockets, (sock) => {
      sock.on('data', (chunk: Buffer) => {
        echoedBytes += chunk.length;
        sock.write(chunk);
      });
      sock.on('error', reject);
      sock.on('close', () => {
        if (++closed === connections) resolve({ echoed: Math.floor(echoedBytes / messageSize) });
      });
    }).catch(reject);
  });
  return { port, result, abort: () => abortRaw(server, sockets) };
}

async function startEchoFacade<T extends Buffer | string>(
  connections: number,
  messageSize: number,
  maxEchoes: number,
  reads: Reads<T>,
  tls?: TlsMaterial,
): Promise<ServerRole<EchoServed>> {
  const server = await createFacadeServer(tls);
  const port = socketInfo(server, SKT$INFO_PORT);
  const sockets: Socket[] = [server];
  const result = (async (): Promise<EchoServed> => {
    const loops: Promise<number>[] = [];
    for (let i = 0; i < connections; i++) {
      const skt = await acceptFacade(server, tls);
      sockets.push(skt);
      loops.push(echoFacade(skt, messageSize, maxEchoes, reads));
    }
    await closeSocket(server);
    const counts = await Promise.all(loops);
    return { echoed: counts.reduce((a, b) => a + b, 0) };
  })();
  return { port, result, abort: () => abortFacade(sockets) };
}

/** The ported echo loop: read a whole message, write it back; ends when the peer closes. */
async function echoFacade<T extends Buffer | string>(skt: Socket, messageSize: number, maxEchoes: number, reads: Reads<T>): Promise<number> {
  let echoed = 0;
  try {
    // Bounded by the cap on round trips; the client's close ends it much earlier.
    while (echoed <= maxEchoes) {
      let message = await reads.read(skt, messageSize, SKT$BLOCKING, 0);
      if (message.length < messageSize) {
        const parts = [message];
        let got = message.length;
        while (got < messageSize) {
          const part = await reads.read(skt, messageSize - got, SKT$BLOCKING, 0);
          parts.push(part);
          got += part.length;
        }
        message = reads.join(parts, got);
      }
      await writeSocket(skt, message, SKT$BLOCKING, 0);
      echoed++;
    }
  } catch (err) {
    if (!isClosed(err)) throw err;
  }
  await closeSocket(skt);
  return echoed;
}

/**
 * The ping-pong clients: `connections` connections, each doing round trips until `ms` has passed
 * or the connections together made `maxRoundTrips`; then each closes.
 */
export async function runPingPong(
  variant: PingPongVariant,
  port: number,
  connections: number,
  messageSize: number,
  ms: number,
  maxRoundTrips: number,
  tls?: TlsMaterial,
): Promise<ClientRole<PingPongDone>> {
  const bytes = Buffer.alloc(messageSize, 0x5a);
  const perConnection = Math.ceil(maxRoundTrips / connections);
  const state = { stop: false };
  switch (variant) {
    case 'raw': {
      const sockets = await Promise.all(Array.from({ length: connections }, () => connectRaw(port, tls)));
      const done = timed(state, ms, () => sockets.map((sock) => pingPongRaw(sock, bytes, state, perConnection)));
      return { abort: () => sockets.forEach((sock) => sock.destroy()), done, negotiated: negotiatedRaw(sockets[0]) };
    }
    case 'facade':
      return runPingPongFacade(port, connections, BUFFER_READS, bytes, ms, state, perConnection, tls);
    case 'main':
      return runPingPongFacade(port, connections, STRING_READS, bytes, ms, state, perConnection, plainOnly(variant, tls));
    case 'basic':
      plainOnly(variant, tls);
      return runPingPongBasic(port, connections, bytes.toString('latin1'), ms, state, perConnection);
  }
}

async function runPingPongFacade<T extends Buffer | string>(
  port: number,
  connections: number,
  reads: Reads<T>,
  bytes: Buffer,
  ms: number,
  state: { stop: boolean },
  perConnection: number,
  tls?: TlsMaterial,
): Promise<ClientRole<PingPongDone>> {
  const message = reads.message(bytes);
  const sockets = await Promise.all(Array.from({ length: connections }, () => openFacade(port, tls)));
  const done = timed(state, ms, () => sockets.map((skt) => pingPongFacade(skt, message, reads, state, perConnection)));
  return { abort: () => abortFacade(sockets), done, negotiated: negotiatedFacade(sockets[0], tls) };
}

/** Starts the loops, raises `state.stop` after `ms`, and times until every loop has finished. */
export async function timed(state: { stop: boolean }, ms: number, start: () => Promise<number>[]): Promise<PingPongDone> {
  const timer = setTimeout(() => (state.stop = true), ms);
  const t0 = performance.now();
  try {
    const counts = await Promise.all(start());
    const elapsed = performance.now() - t0;
    return { roundTrips: counts.reduce((a, b) => a + b, 0), ms: elapsed };
  } finally {
    clearTimeout(timer);
  }
}

function pingPongRaw(sock: NetSocket, message: Buffer, state: { stop: boolean }, max: number): Promise<number> {
  const size = message.length;
  return new Promise((resolve, reject) => {
    let roundTrips = 0;
    let pending = 0;
    sock.on('data', (chunk: Buffer) => {
      pending += chunk.length;
      if (pending < size) return;
      pending -= size;
      roundTrips++;
      if (state.stop || roundTrips >= max) sock.end();
      else sock.write(message);
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(roundTrips));
    sock.write(message);
  });
}

async function pingPongFacade<T extends Buffer | string>(skt: Socket, message: T, reads: Reads<T>, state: { stop: boolean }, max: number): Promise<number> {
  const size = message.length;
  let roundTrips = 0;
  try {
    while (!state.stop && roundTrips < max) {
      await writeSocket(skt, message, SKT$BLOCKING, 0);
      // Each read returns at least one byte: at most `size` reads.
      let got = 0;
      while (got < size) got += (await reads.read(skt, size - got, SKT$BLOCKING, 0)).length;
      roundTrips++;
    }
  } finally {
    await closeSocket(skt);
  }
  return roundTrips;
}

// ---------------------------------------------------------------------------------------------

function abortRaw(server: Server, sockets: NetSocket[]): void {
  server.close();
  for (const sock of sockets) sock.destroy();
}

function abortFacade(sockets: Socket[]): void {
  for (const skt of sockets) void closeSocket(skt).catch(() => undefined);
}
