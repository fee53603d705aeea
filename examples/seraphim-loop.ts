/**
 * SERAPHIM's accept/read/write loop, ported: the heart of the original Pick BASIC web server,
 * reduced to one answer per connection (what you asked for, as text).
 *
 * Run it (from the repository root):
 *
 *   npx tsx examples/seraphim-loop.ts                 # concurrent, http://127.0.0.1:8080/
 *   npx tsx examples/seraphim-loop.ts --port 0        # any free port; the line it prints says which
 *   npx tsx examples/seraphim-loop.ts --single        # the original single-threaded loop
 *
 * then `curl http://127.0.0.1:8080/hello`. The concurrent form (the default) goes back to
 * acceptSocket as soon as a connection is accepted, so a slow client never holds up the next
 * one, and a connection that fails is reported on stderr while the loop goes on. `--single`
 * serves one connection from accept to close before accepting the next, as the BASIC did once
 * its phantoms were gone.
 *
 * SIGINT or SIGTERM closes the server socket: the loop ends, connections in flight finish
 * (each is bounded by its 10 s timeouts), `seraphim loop stopped` is printed and the process
 * exits 0.
 *
 * The Pick BASIC original is in docs/porting.md next to the part of this file between the
 * #region markers; a test checks that the page shows exactly that code. The full server,
 * with keep-alive, files, TLS and limits, is examples/seraphim/.
 */
import { parseArgs } from 'node:util';
// #region docs
import { setTimeout as sleep } from 'node:timers/promises';
import {
  acceptSocket, closeSocket, createServerSocket, readSocket, socketInfo, writeSocket,
  ER$SKT_CLOSED, SKT$BLOCKING, SKT$INFO_PORT, SocketError, type ServerSocket, type Socket,
} from 'scarlet-sockets';

const CRLF = '\r\n';
const MAX_HEAD = 16384;

/** One connection from accept to close: read the request head, write one response, close. */
async function handle(cli: Socket): Promise<void> {
  try {
    let req = '';
    do {
      req += await readSocket(cli, 4096, 0, 10_000);                  // ER$TIMEOUT after 10 s of silence
    } while (!req.includes(CRLF + CRLF) && req.length <= MAX_HEAD);
    if (!req.includes(CRLF + CRLF)) return;                           // head too long: just close
    const [method = '', path = ''] = req.slice(0, req.indexOf(CRLF)).split(' ');
    let resp: string;
    let body: string;
    if (method === 'GET') {
      body = 'You asked for ' + path + '\n';
      resp = 'HTTP/1.1 200 OK' + CRLF;
    } else {
      body = 'Method not allowed\n';
      resp = 'HTTP/1.1 405 Method Not Allowed' + CRLF + 'Allow: GET' + CRLF;
    }
    resp += 'Content-Type: text/plain' + CRLF + 'Content-Length: ' + body.length + CRLF;
    resp += 'Connection: close' + CRLF + CRLF + body;
    await writeSocket(cli, resp, 0, 10_000);
  } finally {
    await closeSocket(cli);
  }
}

/** A failed connection is reported (the BASIC's CRT), and the loop goes on. */
function report(err: unknown): void {
  if (err instanceof SocketError) console.error(`seraphim loop: connection failed, status ${err.status} (${err.code})`);
  else console.error('seraphim loop: connection failed:', err);
}

/** The original loop: the next client waits until this one is done. */
async function singleThreaded(skt: ServerSocket): Promise<void> {
  for (;;) {
    const cli = await acceptSocket(skt);                             // ER$SKT_CLOSED once skt is closed
    await handle(cli).catch(report);
  }
}

/** The concurrent loop: every connection runs on its own, the server socket never stops listening. */
async function concurrent(skt: ServerSocket): Promise<void> {
  for (;;) {
    const cli = await acceptSocket(skt);                             // ER$SKT_CLOSED once skt is closed
    void handle(cli).catch(report);                                   // not awaited: back to accept at once
  }
}

async function seraphimLoop(port: number, single: boolean): Promise<void> {
  const skt = await createServerSocket('127.0.0.1', port, SKT$BLOCKING);    // ER$BIND, ...
  const form = single ? 'single-threaded' : 'concurrent';
  console.log(`seraphim loop listening on 127.0.0.1:${socketInfo(skt, SKT$INFO_PORT)} (${form})`);
  const stop = (): void => void closeSocket(skt);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (;;) {
    try {
      await (single ? singleThreaded(skt) : concurrent(skt));
    } catch (err) {
      if (err instanceof SocketError && err.status === ER$SKT_CLOSED) break;
      report(err);                                                    // the accept itself failed
      await sleep(100);                                               // a lasting fault cannot spin
    }
  }
  console.log('seraphim loop stopped');
}
// #endregion docs

function options(): { port: number; single: boolean } {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8080' }, single: { type: 'boolean', default: false } },
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    console.error(`seraphim loop: bad port ${JSON.stringify(values.port)} (use --port 0..65535)`);
    process.exit(2);
  }
  return { port, single: values.single };
}

const { port, single } = options();
seraphimLoop(port, single).catch((err: unknown) => {
  console.error('seraphim loop:', err instanceof Error ? err.message : err);
  process.exit(1);
});
