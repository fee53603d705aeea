/**
 * The TLS server of the handshake and memory tests, alone in its own process so that its CPU
 * time and memory are its own: raw `tls.createServer` or the facade's `createSecureServerSocket`
 * with the same certificate. Both do the same thing with a connection: wait for an HTTP request
 * (up to the blank line), answer a tiny HTTP/1.0 response and close; a connection that sends
 * nothing stays open and idle (raw: a 'data' listener; facade: a pending blocking
 * readSocketBuffer, as a ported BASIC server waits in READ.SOCKET).
 *
 * It answers `sample` messages with process.cpuUsage(), process.memoryUsage() (after gc() when
 * asked) and its handshake counts. It exits when the parent goes away, and after MAX_LIFETIME
 * in any case; the parent kills it by PID anyway.
 */
import type { Socket as NetSocket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import {
  acceptSecureSocket,
  closeSocket,
  createSecureServerSocket,
  readSocketBuffer,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_PEER_HANDSHAKE_RATE,
  SKT$INFO_PEER_HANDSHAKES,
  SKT$INFO_PORT,
  SKT$INFO_TLS_CIPHER,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_PROTOCOL,
  SKT$INFO_TLS_RESUMED,
  socketInfo,
  writeSocket,
  type SecureServerSocket,
  type SecureSocket,
} from '../../lib/index.js';
import type { CpuMemSample, FromServerChild, ToServerChild } from './children.js';
import { HOST } from './peers.js';
import { listenOnFreePort } from './listen.js';
import { facadeServerContext, negotiatedKey, rawServerOptions, type TlsMaterial } from './tls-material.js';

const MAX_LIFETIME = 20 * 60_000;
/** No run accepts more connections than this; the accept loop is bounded by it. */
const MAX_ACCEPTS = 10_000_000;
/** A request longer than this is not waited for: the response goes out anyway. */
const MAX_REQUEST = 16 * 1024;
const RESPONSE = Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n', 'latin1');
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');

const counts = { full: 0, resumed: 0, failed: 0, open: 0, served: 0 };
const negotiated = new Set<string>();
let failedOf: () => number = () => counts.failed;

const send = (msg: FromServerChild): void => {
  process.send?.(msg);
};

function noteHandshake(resumed: boolean, protocol: string, cipher: string): void {
  if (resumed) counts.resumed++;
  else counts.full++;
  counts.open++;
  if (negotiated.size < 8) negotiated.add(negotiatedKey({ protocol, cipher }));
}

async function startRaw(tls: TlsMaterial): Promise<number> {
  const server = createTlsServer(rawServerOptions(tls), (sock: TLSSocket) => {
    noteHandshake(sock.isSessionReused(), sock.getProtocol() ?? '', sock.getCipher()?.standardName ?? '');
    let head = 0;
    let answered = false;
    sock.on('data', (chunk: Buffer) => {
      if (answered) return;
      head += chunk.length;
      if (chunk.includes(END_OF_HEAD) || head >= MAX_REQUEST) {
        answered = true;
        counts.served++;
        sock.end(RESPONSE);
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => counts.open--);
  });
  server.on('tlsClientError', (_err: Error, sock: NetSocket) => {
    counts.failed++;
    sock.destroy();
  });
  return listenOnFreePort(server, HOST, 4096);
}

async function startFacade(tls: TlsMaterial): Promise<number> {
  const srvr = await createSecureServerSocket(HOST, 0, SKT$BLOCKING, facadeServerContext(tls));
  // Every client of the benchmark comes from one address, as through a proxy, and node:tls has
  // no limits per client address: the facade's are off, so both do the same work.
  setSocketMode(srvr, SKT$INFO_PEER_HANDSHAKES, 0);
  setSocketMode(srvr, SKT$INFO_PEER_HANDSHAKE_RATE, 0);
  failedOf = () => Number(socketInfo(srvr, SKT$INFO_TLS_HANDSHAKE_FAILURES)) + Number(socketInfo(srvr, SKT$INFO_TLS_HANDSHAKE_TIMEOUTS));
  void acceptLoop(srvr);
  return socketInfo(srvr, SKT$INFO_PORT);
}

/** The BASIC-style server: accept, then serve each connection on its own. */
async function acceptLoop(srvr: SecureServerSocket): Promise<void> {
  for (let i = 0; i < MAX_ACCEPTS; i++) {
    const skt = await acceptSecureSocket(srvr, 0);
    noteHandshake(socketInfo(skt, SKT$INFO_TLS_RESUMED) === true, String(socketInfo(skt, SKT$INFO_TLS_PROTOCOL)), String(socketInfo(skt, SKT$INFO_TLS_CIPHER)));
    void serveFacade(skt);
  }
}

async function serveFacade(skt: SecureSocket): Promise<void> {
  try {
    let head = 0;
    // Each read returns at least one byte: bounded by MAX_REQUEST reads.
    for (let reads = 0; reads < MAX_REQUEST; reads++) {
      const chunk = await readSocketBuffer(skt, 4096, SKT$BLOCKING, 0);
      head += chunk.length;
      if (chunk.includes(END_OF_HEAD) || head >= MAX_REQUEST) {
        await writeSocket(skt, RESPONSE, SKT$BLOCKING, 0);
        counts.served++;
        break;
      }
    }
  } catch {
    // the client went away (ER$SKT_CLOSED, ER$FAILED): nothing to answer
  }
  await closeSocket(skt).catch(() => undefined);
  counts.open--;
}

async function sample(gc: boolean): Promise<CpuMemSample> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect !== undefined) {
    // Twice, with a turn of the event loop between, so that finalizers run and their memory goes too.
    for (let i = 0; i < 3; i++) {
      collect();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return {
    cpu: process.cpuUsage(),
    memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
    full: counts.full,
    resumed: counts.resumed,
    failed: failedOf(),
    open: counts.open,
    served: counts.served,
    negotiated: [...negotiated],
  };
}

process.on('message', (msg: ToServerChild) => {
  if (msg.type === 'start') {
    (msg.variant === 'raw' ? startRaw(msg.tls) : startFacade(msg.tls)).then(
      (port) => send({ type: 'ready', port }),
      (err: unknown) => send({ type: 'error', message: String(err) }),
    );
  } else if (msg.type === 'sample') {
    sample(msg.gc).then(
      (s) => send({ type: 'sample', id: msg.id, sample: s }),
      (err: unknown) => send({ type: 'error', message: String(err) }),
    );
  }
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(3), MAX_LIFETIME).unref();
