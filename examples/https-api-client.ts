/**
 * A client of an HTTPS JSON API on openSecureSocket: one GET request written by hand, the
 * response read until its Content-Length body is complete, the JSON parsed, one field printed.
 *
 * Run it (from the repository root) against SERAPHIM's sample site (`npm start` in another
 * terminal serves it on https://127.0.0.1:8443/ and writes its development CA to
 * .seraphim/dev-ca.pem):
 *
 *   npx tsx examples/https-api-client.ts
 *   npx tsx examples/https-api-client.ts --url https://127.0.0.1:8443/api/posts --field posts.1.title
 *   npx tsx examples/https-api-client.ts --url https://localhost:8443/api/posts/renewing-certificates --ca dev-ca.pem
 *
 * Options:
 *   --url URL      the https: URL to GET (default https://127.0.0.1:8443/api/posts/the-phantom-gap)
 *   --ca FILE      the CA certificate to trust (default .seraphim/dev-ca.pem when it exists,
 *                  otherwise the system's trusted CAs, as for a public API)
 *   --field PATH   the field to print, dots between names and array indexes (default title)
 *
 * It prints `<field>: <value>` (a string as is, anything else as JSON) and exits 0. It exits 1,
 * saying why, on a socket error (with the status BASIC's STATUS() would give, for example
 * ER$TLS_UNTRUSTED (7101) for a server the CA does not vouch for), a status other than 200, a
 * body that is not JSON, or a missing field.
 *
 * HTTP is kept to what this needs: HTTP/1.1 with `Connection: close`, a body framed by
 * Content-Length (or, without one, by the end of the connection); a chunked response is refused.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  closeSocket,
  createTlsContext,
  openSecureSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  SocketError,
  writeSocket,
  type Socket,
  type TlsContext,
} from 'scarlet-sockets';

const DEFAULT_URL = 'https://127.0.0.1:8443/api/posts/the-phantom-gap';
/** Where SERAPHIM (`npm start`, default --state-dir) keeps the development CA it trusts. */
const SERAPHIM_CA = '.seraphim/dev-ca.pem';
/** Bounds: a response head and body larger than these are refused, so nothing reads without end. */
const MAX_HEAD = 64 * 1024;
const MAX_BODY = 10 * 1024 * 1024;
/** Each read and the write wait at most this long. */
const TIMEOUT = 10_000;

interface Response {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** Reads one response: the head up to CRLF CRLF, then the body by Content-Length or to the close. */
async function readResponse(skt: Socket): Promise<Response> {
  let bytes = Buffer.alloc(0);
  let end = -1;
  while ((end = bytes.indexOf('\r\n\r\n')) < 0) {
    if (bytes.length > MAX_HEAD) throw new Error(`response head longer than ${MAX_HEAD} bytes`);
    bytes = Buffer.concat([bytes, await readSocketBuffer(skt, 16384, 0, TIMEOUT)]);
  }
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (match === null) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (headers.has('transfer-encoding')) throw new Error(`transfer-encoding ${headers.get('transfer-encoding')} is not supported here`);

  let body = bytes.subarray(end + 4);
  const lengthText = headers.get('content-length');
  if (lengthText !== undefined) {
    if (!/^\d+$/.test(lengthText) || Number(lengthText) > MAX_BODY) throw new Error(`bad Content-Length ${JSON.stringify(lengthText)}`);
    const length = Number(lengthText);
    while (body.length < length) body = Buffer.concat([body, await readSocketBuffer(skt, length - body.length, 0, TIMEOUT)]);
    body = body.subarray(0, length);
  } else {
    // No length: the body ends where the server closes the connection (ER$SKT_CLOSED).
    for (;;) {
      if (body.length > MAX_BODY) throw new Error(`body longer than ${MAX_BODY} bytes`);
      try {
        body = Buffer.concat([body, await readSocketBuffer(skt, 65536, 0, TIMEOUT)]);
      } catch (err) {
        if (err instanceof SocketError && err.code === 'ER$SKT_CLOSED') break;
        throw err;
      }
    }
  }
  return { status: Number(match[1]), headers, body };
}

/** `a.b.0.c` in a parsed JSON value; undefined when any step is missing. */
function field(value: unknown, path: string): unknown {
  let at = value;
  for (const name of path.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, name)) return undefined;
    at = (at as Record<string, unknown>)[name];
  }
  return at;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: DEFAULT_URL },
      ca: { type: 'string' },
      field: { type: 'string', default: 'title' },
    },
  });
  const url = new URL(values.url);
  if (url.protocol !== 'https:') throw new TypeError(`only https: URLs, not ${url.protocol}`);
  const port = url.port === '' ? 443 : Number(url.port);
  const caFile = values.ca ?? (existsSync(SERAPHIM_CA) ? SERAPHIM_CA : undefined);
  // Without a CA file the library trusts the system's CAs, as a browser would.
  const context: TlsContext | undefined = caFile === undefined ? undefined : createTlsContext({ ca: caFile });

  // url.hostname keeps an IPv6 address's brackets; openSecureSocket takes it either way.
  const skt = await openSecureSocket(url.hostname, port, SKT$BLOCKING, context); // verifies chain and name
  let response: Response;
  try {
    const request =
      `GET ${url.pathname}${url.search} HTTP/1.1\r\n` +
      `Host: ${url.host}\r\n` +
      'Accept: application/json\r\n' +
      'User-Agent: scarlet-sockets-example\r\n' +
      'Connection: close\r\n\r\n';
    await writeSocket(skt, request, 0, TIMEOUT); // the URL's characters are ASCII: a valid byte string
    response = await readResponse(skt);
  } finally {
    await closeSocket(skt);
  }

  if (response.status !== 200) throw new Error(`${url.href} answered ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`);
  const type = response.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) throw new Error(`${url.href} sent ${type || 'no content type'}, not JSON`);
  const value = field(JSON.parse(response.body.toString('utf8')) as unknown, values.field);
  if (value === undefined) throw new Error(`the response has no field ${values.field}`);
  console.log(`${values.field}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

main().catch((err: unknown) => {
  if (err instanceof SocketError) console.error(`https api client: ${err.code} (${err.status}): ${err.message}`);
  else console.error('https api client:', err instanceof Error ? err.message : err);
  process.exit(1);
});
