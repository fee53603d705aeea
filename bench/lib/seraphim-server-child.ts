/**
 * One web server of bench/seraphim.ts, alone in its own process (so that wrk, the server and the
 * parent that measures never share an event loop): SERAPHIM or a minimal node:https / node:http
 * static server, serving the same files.
 *
 * Variants:
 * - `node-https`, `node-http`: `https.createServer` / `http.createServer` whose request listener
 *   answers the benchmark's URLs from Buffers read once at start (Content-Type, Content-Length
 *   and node's own Date / Connection / Keep-Alive headers), 404 otherwise.
 * - `seraphim-https`, `seraphim-http`: `startSeraphim` with a handler answering the same URLs
 *   from the same in-memory Buffers (what a route handler returns), with SERAPHIM's default
 *   headers (Server, HSTS on HTTPS, nosniff, X-Frame-Options, CSP, Referrer-Policy), no access
 *   log; the static files answer everything else.
 * - `seraphim-static-https`: `startSeraphim` with no handler: its real static-file path with its
 *   default file cache (files up to 512 KiB from memory, larger ones streamed from a descriptor
 *   kept open; both rechecked once a second), ETag / Last-Modified.
 * - `floor-https`: node:tls answering each chunk with a response built at start, no HTTP at all
 *   (bench/lib/tls-floor.ts): what node:tls's own streams cost per request, under every Node
 *   server's figures.
 * - `floor-lean-https`: the same, reading from each socket's handle and writing a round's
 *   responses together at its end, as SERAPHIM does: a Node server with no HTTP at all.
 *
 * The parent sends `start`, then `sample` messages (the child answers with its own
 * process.cpuUsage()), and `stop` (the child closes and exits, so a `--cpu-prof` profile gets
 * written). The child exits when the parent goes away, and after MAX_SILENCE without a message
 * from it in any case; the parent kills it by PID anyway.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { createTlsContext } from '../../lib/index.js';
import { startSeraphim, type SeraphimServer } from '../../examples/seraphim/server.js';
import { listenOnFreePort } from './listen.js';
import { startTlsFloor } from './tls-floor.js';

/**
 * A child that hears nothing from its parent for this long exits. The parent samples every server
 * before and after each of its wrk runs, so a silence this long means it is gone or stuck, however
 * many rounds the run makes (a fixed lifetime would cut a long run short).
 */
const MAX_SILENCE = 15 * 60_000;
const HOST = '127.0.0.1';

export type ServerVariant = 'node-https' | 'node-http' | 'seraphim-https' | 'seraphim-http' | 'seraphim-static-https' | 'floor-https' | 'floor-lean-https';

/** A file the benchmark fetches: its URL path and its name in the site directory. */
export interface BenchFile {
  path: string;
  contentType: string;
}

export type ToWebChild =
  | { type: 'start'; variant: ServerVariant; root: string; files: BenchFile[]; cert: string; key: string }
  | { type: 'sample'; id: number }
  | { type: 'stop' };
export type FromWebChild =
  | { type: 'ready'; port: number }
  | { type: 'sample'; id: number; cpu: { user: number; system: number }; rss: number }
  | { type: 'error'; message: string };

const send = (msg: FromWebChild): void => {
  process.send?.(msg);
};

interface Loaded {
  body: Buffer;
  contentType: string;
  length: string;
}

/** Reads every file once: both kinds of server answer from these Buffers. */
function load(root: string, files: BenchFile[]): Map<string, Loaded> {
  const map = new Map<string, Loaded>();
  for (const f of files) {
    const body = readFileSync(join(root, f.path));
    map.set(f.path, { body, contentType: f.contentType, length: String(body.length) });
  }
  return map;
}

async function startNode(secure: boolean, files: Map<string, Loaded>, cert: string, key: string): Promise<{ port: number; close: () => Promise<void> }> {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const file = req.method === 'GET' || req.method === 'HEAD' ? files.get(req.url ?? '') : undefined;
    if (file === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': '10' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
  const server: Server = secure ? createHttpsServer({ cert, key, minVersion: 'TLSv1.2' }, listener) : createHttpServer(listener);
  return {
    port: await listenOnFreePort(server, HOST),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startSeraphimVariant(variant: ServerVariant, root: string, files: Map<string, Loaded>, cert: string, key: string): Promise<{ port: number; close: () => Promise<void> }> {
  const secure = variant !== 'seraphim-http';
  const fromMemory = variant !== 'seraphim-static-https';
  const server: SeraphimServer = await startSeraphim({
    root,
    host: HOST,
    httpPort: secure ? false : 0,
    httpsPort: secure ? 0 : false,
    ...(secure ? { context: createTlsContext({ cert, key, minVersion: 'TLSv1.2' }) } : {}),
    // Every client of the benchmark comes from one address, and node:https has no limits per
    // client address: SERAPHIM's are off, so both do the same work.
    maxConnectionsPerAddress: 0,
    maxHandshakesPerAddress: 0,
    handshakesPerSecondPerAddress: 0,
    ...(fromMemory
      ? {
          handler: (request) => {
            if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
            const file = files.get(request.target);
            return file === undefined ? undefined : { status: 200, contentType: file.contentType, body: file.body };
          },
        }
      : {}),
    accessLog: false,
    // wrk's 64 connections stay well under the default 1024; nothing else is changed.
    onError: (err) => console.error('seraphim (bench child):', err),
  });
  const port = secure ? server.ports.https : server.ports.http;
  if (port === undefined) throw new Error('SERAPHIM has no listener');
  return { port, close: () => server.close() };
}

let close: (() => Promise<void>) | undefined;

async function stop(): Promise<void> {
  const timer = setTimeout(() => process.exit(0), 3_000);
  timer.unref();
  try {
    await close?.();
  } finally {
    process.exit(0);
  }
}

/** Starts the server a `start` message names, on the files it lists. */
function startVariant(msg: Extract<ToWebChild, { type: 'start' }>): Promise<{ port: number; close: () => Promise<void> }> {
  const files = load(msg.root, msg.files);
  if (msg.variant === 'floor-https' || msg.variant === 'floor-lean-https') return startTlsFloor(HOST, files, msg.cert, msg.key, msg.variant === 'floor-lean-https');
  if (msg.variant.startsWith('node-')) return startNode(msg.variant === 'node-https', files, msg.cert, msg.key);
  return startSeraphimVariant(msg.variant, msg.root, files, msg.cert, msg.key);
}

const silence = setTimeout(() => process.exit(0), MAX_SILENCE).unref();

process.on('message', (raw: unknown) => {
  silence.refresh();
  const msg = raw as ToWebChild;
  if (msg.type === 'start') {
    startVariant(msg).then(
      (s) => {
        close = s.close;
        send({ type: 'ready', port: s.port });
      },
      (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  } else if (msg.type === 'sample') {
    send({ type: 'sample', id: msg.id, cpu: process.cpuUsage(), rss: process.memoryUsage.rss() });
  } else if (msg.type === 'stop') {
    void stop();
  }
});

process.on('disconnect', () => void stop());
