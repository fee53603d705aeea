/**
 * A ported client: asks a price server for the price of WIDGET and prints the first field of
 * the reply.
 *
 * Run it (from the repository root), with examples/line-server.ts listening:
 *
 *   npx tsx examples/price-client.ts               # the server on 127.0.0.1:4000
 *   npx tsx examples/price-client.ts --port 5000   # the server on another port
 *
 * It sends `PRICE`, a field mark (CHAR(254)), `WIDGET` and LF, reads until a LF arrives (at
 * most 64 KiB, each read waiting at most 5 s), and prints `Price: ` and the reply's first field
 * (`Price: 12.50`). A reply with no LF in its first 64 KiB prints `Price: ` and nothing, as the
 * BASIC does. A socket call that fails prints `Failed, status <n> (<code>)` on stderr and the
 * process exits 1.
 *
 * The Pick BASIC original is in docs/porting.md ("A complete port, side by side") next to the
 * part of this file between the #region markers; a test checks that the page shows exactly
 * that code. The only thing the file adds is `port`, set from `--port` before that code runs.
 */
import { parseArgs } from 'node:util';

/** The port of `--port N`; 4000 without it. */
function portOption(): number {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' } } });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port < 1 || port > 65535) {
    console.error(`price client: bad port ${JSON.stringify(values.port)} (use --port 1..65535)`);
    process.exit(2);
  }
  return port;
}

const port = portOption();
// #region docs
import { closeSocket, openSocket, readSocket, SKT$BLOCKING, SocketError, writeSocket } from 'scarlet-sockets';

const FM = '\xFE';
try {
  const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);      // ER$CONNECT, ERAI$NONAME, ...
  try {
    await writeSocket(skt, 'PRICE' + FM + 'WIDGET' + '\n', 0, 5000);   // ER$TIMEOUT, ER$SKT_CLOSED, ...
    let reply = '';
    do {
      reply += await readSocket(skt, 1024, 0, 5000);                   // ER$TIMEOUT, ER$SKT_CLOSED, ...
    } while (!reply.includes('\n') && reply.length <= 65536);
    reply = reply.includes('\n') ? reply.slice(0, reply.indexOf('\n')) : '';  // no LF in 64 KiB: ''
    console.log('Price: ' + reply.split(FM)[0]);
  } finally {
    await closeSocket(skt);                                            // closed on every path
  }
} catch (err) {
  if (!(err instanceof SocketError)) throw err;
  console.error(`Failed, status ${err.status} (${err.code})`);        // the STOP branches
  process.exitCode = 1;
}
// #endregion docs
