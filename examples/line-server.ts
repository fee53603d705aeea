/**
 * A ported line-oriented server: a price lookup that answers each line a client sends.
 *
 * Run it (from the repository root):
 *
 *   npx tsx examples/line-server.ts               # 127.0.0.1:4000
 *   npx tsx examples/line-server.ts --port 0      # any free port; the line it prints says which
 *
 * The protocol: each request is one line, `PRICE` and an item name separated by a field mark
 * (CHAR(254)), ended by LF or CRLF. The answer is one line: the price and the item
 * (`12.50<FM>WIDGET`), or `ERR<FM>` and a reason. A client may send many lines on one
 * connection and several lines in one packet; it ends the conversation by closing. The client
 * ported in docs/porting.md ("A complete port, side by side") talks to it on port 4000.
 *
 * SIGINT or SIGTERM closes the server socket and every open connection, then the process
 * exits 0 after printing `line server stopped`.
 *
 * The Pick BASIC original is in docs/porting.md next to the part of this file between the
 * #region markers; a test checks that the page shows exactly that code.
 */
import { parseArgs } from 'node:util';
// #region docs
import {
  acceptSocket, closeSocket, createServerSocket, readSocket, socketInfo, writeSocket,
  ER$SKT_CLOSED, SKT$BLOCKING, SKT$INFO_PORT, SocketError, type Socket,
} from 'scarlet-sockets';

const FM = '\xFE';
const PRICES = new Map([['WIDGET', '12.50'], ['GADGET', '7.25'], ['SPROCKET', '3.10']]);
const MAX_LINE = 4096;
const open = new Set<Socket>();

/** One request line in, one answer line out (without its LF). */
function answer(request: string): string {
  const [verb, item = ''] = request.split(FM);
  if (verb !== 'PRICE') return 'ERR' + FM + 'UNKNOWN COMMAND';
  const price = PRICES.get(item);                                     // LOCATE ... SETTING IX
  return price === undefined ? 'ERR' + FM + 'NO SUCH ITEM' : price + FM + item;
}

/** Answers one client's lines until it closes, stays silent for a minute, or sends too long a line. */
async function serve(skt: Socket): Promise<void> {
  open.add(skt);
  let buf = '';
  try {
    for (;;) {
      buf += await readSocket(skt, 1024, 0, 60_000);                  // ER$SKT_CLOSED: the client hung up
      for (let at = buf.indexOf('\n'); at >= 0; at = buf.indexOf('\n')) {
        let line = buf.slice(0, at);
        buf = buf.slice(at + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);            // CRLF clients too
        await writeSocket(skt, answer(line) + '\n', 0, 5000);
      }
      if (buf.length > MAX_LINE) {
        await writeSocket(skt, 'ERR' + FM + 'LINE TOO LONG\n', 0, 5000);
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof SocketError)) console.error('line server: bug:', err);
    else if (err.status !== ER$SKT_CLOSED) console.error(`line server: client dropped, status ${err.status} (${err.code})`);
  } finally {
    open.delete(skt);
    await closeSocket(skt);
  }
}

async function lineServer(port: number): Promise<void> {
  const srvr = await createServerSocket('127.0.0.1', port, SKT$BLOCKING);   // ER$BIND, ...
  console.log(`line server listening on 127.0.0.1:${socketInfo(srvr, SKT$INFO_PORT)}`);
  const stop = (): void => void closeSocket(srvr);                    // ends the loop below
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (;;) {
    let skt: Socket;
    try {
      skt = await acceptSocket(srvr);
    } catch (err) {
      if (err instanceof SocketError && err.status === ER$SKT_CLOSED) break;
      throw err;
    }
    void serve(skt);                                                  // not awaited: next client at once
  }
  await Promise.all([...open].map((skt) => closeSocket(skt)));
  console.log('line server stopped');
}
// #endregion docs

/** The port of `--port N` (0 picks a free one); 4000 without it. */
function portOption(): number {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' } } });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    console.error(`line server: bad port ${JSON.stringify(values.port)} (use --port 0..65535)`);
    process.exit(2);
  }
  return port;
}

lineServer(portOption()).catch((err: unknown) => {
  console.error('line server:', err instanceof Error ? err.message : err);
  process.exit(1);
});
