/**
 * The line server of docs/porting.md, ported line by line onto `scarlet-sockets/basic`: a price
 * lookup that answers each line a client sends, one client at a time as the BASIC does.
 *
 * Run it (from the repository root):
 *
 *   npx tsx examples/basic/line-server.ts          # 127.0.0.1:4000
 *   npx tsx examples/basic/line-server.ts 0        # any free port; the line it prints says which
 *
 * A request is `PRICE`, a field mark (CHAR(254)) and an item name, ended by LF or CRLF; the answer
 * is the price and the item, or `ERR`, a field mark and a reason. It runs until it is killed, as
 * the BASIC does. examples/line-server.ts is the same server on the main API, serving every
 * client at once.
 *
 * The Pick BASIC original is in docs/porting.md next to the part of this file between the
 * #region markers (a test checks that the page shows exactly that code); the suite in
 * test/fidelity runs the original on ScarletDME.
 */
// #region docs
import {
  acceptSocket, closeSocket, createServerSocket, readSocket, setSocketMode, socketInfo, status, writeSocket,
  ER$SKT_CLOSED, SKT$INFO_BLOCKING, SKT$INFO_PORT,
} from 'scarlet-sockets/basic';

const FM = '\xFE';
const stop = (message: string): never => { console.log(message); process.exit(1); };
const ITEMS = 'WIDGET' + FM + 'GADGET' + FM + 'SPROCKET';
const PRICES = '12.50' + FM + '7.25' + FM + '3.10';

/** GOSUB ANSWER: the answer to one request line. */
function answer(req: string): string {
  const [verb, item = ''] = req.split(FM);
  if (verb !== 'PRICE') return 'ERR' + FM + 'UNKNOWN COMMAND';
  const ix = ITEMS.split(FM).indexOf(item) + 1;                        // LOCATE(REQ<2>, ITEMS; IX)
  return ix ? PRICES.split(FM)[ix - 1] + FM + item : 'ERR' + FM + 'NO SUCH ITEM';
}

let port = process.argv[2] ?? '';
if (port === '') port = '4000';
const srvr = await createServerSocket('127.0.0.1', port, 0);
if (status()) stop('Cannot listen, status ' + status());
console.log('line server listening on 127.0.0.1:' + socketInfo(srvr, SKT$INFO_PORT));
for (;;) {
  const skt = await acceptSocket(srvr, 0);
  if (status()) stop('Accept failed, status ' + status());
  setSocketMode(skt, SKT$INFO_BLOCKING, 1);
  let buf = '';
  let st: number;
  for (;;) {
    const chunk = await readSocket(skt, 1024, 0, 60000);
    st = status();
    if (st !== 0) break;
    buf += chunk;
    for (;;) {
      const eol = buf.indexOf('\n') + 1;
      if (!eol) break;
      let req = buf.slice(0, eol - 1);
      buf = buf.slice(eol);
      if (req.endsWith('\r')) req = req.slice(0, -1);
      await writeSocket(skt, answer(req) + '\n', 0, 5000);
    }
    if (buf.length > 4096) {
      await writeSocket(skt, 'ERR' + FM + 'LINE TOO LONG' + '\n', 0, 5000);
      break;
    }
  }
  if (st && st !== ER$SKT_CLOSED) console.log('Client dropped, status ' + st);
  await closeSocket(skt);
}
// #endregion docs
