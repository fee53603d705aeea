// Helpers of the SERAPHIM tests: a server on free loopback ports, curl, and raw clients on the
// library's own openSocket.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { closeSocket, openSocket, readSocketBuffer, SKT$BLOCKING, SocketError, writeSocket, type Socket } from '../../lib/index.js';
import { startSeraphim, type SeraphimOptions, type SeraphimServer } from '../../examples/seraphim/server.js';
import type { SeraphimRequest } from '../../examples/seraphim/http/types.js';
import { waitFor } from './assertions.js';
import { devCertificates, serverContext } from './tls.js';

const run = promisify(execFile);

/** The sample site. */
export const SITE = fileURLToPath(new URL('../../examples/seraphim/site/', import.meta.url));

/** A temporary directory, removed when the test ends. */
export function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'seraphim-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The development CA as a file, for curl --cacert. */
export function caFile(t: ExecutionContext): string {
  const file = join(tempDir(t), 'ca.pem');
  writeFileSync(file, devCertificates().ca.cert);
  return file;
}

/** SERAPHIM on free loopback ports (HTTPS with the development certificate unless `httpsPort: false`), closed when the test ends. */
export async function startTestServer(t: ExecutionContext, options: Partial<SeraphimOptions> = {}): Promise<SeraphimServer> {
  const httpsOn = options.httpsPort !== false;
  const server = await startSeraphim({
    root: SITE,
    host: '127.0.0.1',
    httpPort: 0,
    httpsPort: 0,
    accessLog: false,
    onError: () => undefined,
    ...(httpsOn ? { context: serverContext() } : {}),
    ...options,
  });
  t.teardown(() => server.close());
  return server;
}

export interface CurlResult {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** Runs curl (no redirects followed unless asked) and parses its `-i` output: the last response head and the body. */
export async function curl(args: readonly string[]): Promise<CurlResult> {
  const { stdout } = await run('curl', ['-sS', '-i', '--max-time', '20', ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  let rest = stdout;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`no response head in curl output: ${rest.toString('latin1').slice(0, 200)}`);
    const head = rest.subarray(0, end).toString('latin1');
    const body = rest.subarray(end + 4);
    const lines = head.split('\r\n');
    const status = Number(/^HTTP\/\S+ (\d{3})/.exec(lines[0] ?? '')?.[1]);
    // With -L, several responses follow each other: keep the last.
    if ((status >= 300 && status < 400 && args.includes('-L')) || status === 100) {
      rest = body;
      continue;
    }
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    return { status, headers, body };
  }
}

/** What a test request carries besides its method and target. */
export interface TestRequestInit {
  /** Header fields; names in any case (lower-cased, as the core hands them over). */
  headers?: Record<string, string>;
  body?: Buffer | string;
  secure?: boolean;
}

/**
 * A request as the core hands it over (for calling a handler or StaticFiles directly): path
 * percent-decoded once (left as it is when malformed), query parsed, header names lower-cased.
 */
export function seraphimRequest(method: string, target: string, init: TestRequestInit = {}): SeraphimRequest {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  return {
    method,
    target,
    path: decodedOrAsIs(rawPath),
    query: new URLSearchParams(q === -1 ? '' : target.slice(q + 1)),
    version: '1.1',
    headers: new Map(Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    body: typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : (init.body ?? Buffer.alloc(0)),
    remoteAddress: '127.0.0.1',
    secure: init.secure ?? false,
    slugs: {},
  };
}

/** A plain GET of `path` with no headers, as the static files get it. */
export function getRequest(path: string): SeraphimRequest {
  return seraphimRequest('GET', path);
}

function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    // A malformed escape reaches the handler as it was sent.
    if (!(err instanceof URIError)) throw err;
    return text;
  }
}

/** A raw plain client to the server, closed when the test ends. */
export async function rawClient(t: ExecutionContext, port: number): Promise<Socket> {
  const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);
  t.teardown(() => closeSocket(skt));
  return skt;
}

/** Reads until the peer closes (or `timeoutMs` passes with nothing new); returns all bytes and whether it closed. */
export async function readAll(skt: Socket, timeoutMs = 5000): Promise<{ bytes: Buffer; closed: boolean }> {
  const parts: Buffer[] = [];
  for (;;) {
    try {
      parts.push(await readSocketBuffer(skt, 65536, SKT$BLOCKING, timeoutMs));
    } catch (err) {
      if (err instanceof SocketError && err.code === 'ER$TIMEOUT') return { bytes: Buffer.concat(parts), closed: false };
      if (err instanceof SocketError) return { bytes: Buffer.concat(parts), closed: true };
      throw err;
    }
  }
}

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/**
 * The head of the response that starts at `at`, and where its body lies (framed by
 * Content-Length; none for a HEAD's, `headOnly`, a 304's or a 1xx's); undefined while the head
 * is incomplete.
 */
function responseHead(bytes: Buffer, at: number, headOnly: boolean): { status: number; headers: Map<string, string>; bodyStart: number; bodyEnd: number } | undefined {
  const end = bytes.indexOf('\r\n\r\n', at);
  if (end < 0) return undefined;
  const lines = bytes.subarray(at, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0] ?? '')?.[1]);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const length = headOnly || status === 304 || status < 200 ? 0 : Number(headers.get('content-length') ?? 0);
  return { status, headers, bodyStart: end + 4, bodyEnd: end + 4 + length };
}

/** Splits bytes into responses framed by Content-Length (`headOnly`: the responses to HEAD have no body). */
export function parseResponses(bytes: Buffer, headOnly = false): RawResponse[] {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const head = responseHead(bytes, at, headOnly);
    if (head === undefined) throw new Error(`incomplete response head: ${bytes.subarray(at, at + 200).toString('latin1')}`);
    responses.push({ status: head.status, headers: head.headers, body: bytes.subarray(head.bodyStart, head.bodyEnd) });
    at = head.bodyEnd;
  }
  return responses;
}

/**
 * Reads exactly one response (framed as parseResponses frames it) from a connection that stays open, within `timeoutMs`; fails if the peer closes first or
 * sends more than one response.
 */
export async function readOneResponse(skt: Socket, timeoutMs = 5000, headOnly = false): Promise<RawResponse> {
  const deadline = Date.now() + timeoutMs;
  let bytes = Buffer.alloc(0);
  for (;;) {
    const head = responseHead(bytes, 0, headOnly);
    if (head !== undefined && bytes.length >= head.bodyEnd) {
      const responses = parseResponses(bytes, headOnly);
      if (responses.length !== 1) throw new Error(`expected one response, got ${responses.length}`);
      return responses[0] as RawResponse;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no complete response within ${timeoutMs} ms: ${bytes.toString('latin1').slice(0, 200)}`);
    bytes = Buffer.concat([bytes, await readSocketBuffer(skt, 65536, SKT$BLOCKING, left)]);
  }
}

/** What a client got for its requests: the responses, their raw bytes, and whether the server closed. */
export interface Exchanged {
  responses: RawResponse[];
  bytes: Buffer;
  closed: boolean;
}

/** Sends `request` on `skt` and reads until the server closes it (or `timeoutMs` of silence). */
export async function exchangeOn(skt: Socket, request: string | Buffer, timeoutMs = 5000): Promise<Exchanged> {
  await writeSocket(skt, request, SKT$BLOCKING, 5000);
  const { bytes, closed } = await readAll(skt, timeoutMs);
  return { responses: parseResponses(bytes), bytes, closed };
}

/** Sends `request` on a new connection and returns the responses, their raw bytes, and whether the server closed. */
export async function exchange(t: ExecutionContext, port: number, request: string | Buffer, timeoutMs = 5000): Promise<Exchanged> {
  return exchangeOn(await rawClient(t, port), request, timeoutMs);
}

/**
 * Clients of the server's HTTP listener that each send `request`, let the server (in this
 * process) read it in the next turn of the event loop, and reset (linger 0): what the server
 * writes then goes to a connection that is gone. Bounded: 40 clients, 20 s. Resolves once the
 * server holds no connection (watched, 10 s at most: it has no event for a connection it ended).
 */
export async function resetAfterSending(server: SeraphimServer, request: string): Promise<void> {
  const port = server.ports.http as number;
  const deadline = Date.now() + 20_000;
  // A node:net client: the library's own sockets never reset a connection this way.
  for (let i = 0; i < 40 && Date.now() < deadline; i++) {
    const client = connect(port, '127.0.0.1');
    client.on('error', () => undefined); // the reset is this client's own doing
    await once(client, 'connect');
    await new Promise((resolve) => client.write(request, resolve));
    await new Promise((resolve) => setImmediate(resolve));
    client.resetAndDestroy();
    await once(client, 'close');
  }
  await waitFor(() => server.connections === 0, 10_000, 50);
}
