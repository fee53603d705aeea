/**
 * SERAPHIM's original loop from docs/porting.md, ported line by line onto
 * `scarlet-sockets/basic`: accept a connection, read its request head, write one plain-text
 * response, close, accept the next. With PHANTOM after the port, each connection is served in a
 * phantom of its own instead (what the BASIC could not do once its phantoms broke TLS).
 *
 * Run it (from the repository root):
 *
 *   npx tsx examples/basic/seraphim-loop.ts                # 127.0.0.1:8080, one client at a time
 *   npx tsx examples/basic/seraphim-loop.ts 0 PHANTOM      # any free port, every client at once
 *
 * The line it prints first says where it listens. It runs until it is killed, as the BASIC does.
 * examples/seraphim-loop.ts is the same loop on the main API.
 *
 * The Pick BASIC original is in docs/porting.md next to the part of this file between the
 * #region markers (a test checks that the page shows exactly that code); the suite in
 * test/fidelity runs the original on ScarletDME.
 */
// #region docs
import { setTimeout as nap } from 'node:timers/promises';
import {
  acceptSocket, closeSocket, createServerSocket, phantom, readSocket, setSocketMode, socketInfo, status, writeSocket,
  SKT$INFO_BLOCKING, SKT$INFO_PORT, type BasicSocket,
} from 'scarlet-sockets/basic';

const CRLF = '\r\n';
const stop = (message: string): never => { console.log(message); process.exit(1); };

/** GOSUB HANDLE: read one request head from CLI and write the response. */
async function handle(cli: BasicSocket): Promise<void> {
  let req = '';
  do {
    const chunk = await readSocket(cli, 4096, 0, 10000);
    if (status()) {
      console.log('Connection failed, status ' + status());
      return;
    }
    req += chunk;
  } while (!(req.includes(CRLF + CRLF) || req.length > 16384));
  if (!req.includes(CRLF + CRLF)) return;
  const reqline = req.slice(0, req.indexOf(CRLF));
  const method = reqline.split(' ')[0];
  const path = reqline.split(' ')[1] ?? '';
  let body: string;
  let resp: string;
  if (method === 'GET') {
    body = 'You asked for ' + path + '\n';
    resp = 'HTTP/1.1 200 OK' + CRLF;
  } else {
    body = 'Method not allowed' + '\n';
    resp = 'HTTP/1.1 405 Method Not Allowed' + CRLF + 'Allow: GET' + CRLF;
  }
  resp += 'Content-Type: text/plain' + CRLF + 'Content-Length: ' + body.length + CRLF;
  resp += 'Connection: close' + CRLF + CRLF + body;
  await writeSocket(cli, resp, 0, 10000);
  if (status()) console.log('Connection failed, status ' + status());
}

let port = process.argv[2] ?? '';
if (port === '') port = '8080';
const phantoms = process.argv[3] === 'PHANTOM';
const skt = await createServerSocket('127.0.0.1', port, 0);
if (status()) stop('Cannot listen, status ' + status());
console.log('seraphim loop listening on 127.0.0.1:' + socketInfo(skt, SKT$INFO_PORT) + (phantoms ? ' (phantoms)' : ' (single-threaded)'));
for (;;) {
  const cli = await acceptSocket(skt, 0);
  if (status()) {
    console.log('Accept failed, status ' + status());
    await nap(100);
    continue;
  }
  setSocketMode(cli, SKT$INFO_BLOCKING, 1);
  if (phantoms) {                                                     // no BASIC counterpart
    void phantom(async () => {
      await handle(cli);
      await closeSocket(cli);
    });
    continue;
  }
  await handle(cli);
  await closeSocket(cli);
}
// #endregion docs
