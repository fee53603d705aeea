/**
 * The price client of docs/porting.md, ported line by line onto `scarlet-sockets/basic`: it asks
 * a price server for the price of WIDGET and prints the first field of the reply.
 *
 * Run it (from the repository root), with a line server listening (examples/line-server.ts or
 * examples/basic/line-server.ts):
 *
 *   npx tsx examples/basic/price-client.ts          # the server on 127.0.0.1:4000
 *   npx tsx examples/basic/price-client.ts 5000     # the server on port 5000
 *
 * It prints `Price: 12.50`. A failed call prints what the BASIC's STOP prints
 * (`Cannot connect, status 7005`) and the process exits 1.
 *
 * The Pick BASIC original is in docs/porting.md next to the part of this file between the
 * #region markers (a test checks that the page shows exactly that code); the suite in
 * test/fidelity runs the original on ScarletDME.
 */
// #region docs
import { closeSocket, openSocket, readSocket, status, writeSocket, SKT$BLOCKING } from 'scarlet-sockets/basic';

const FM = '\xFE';
const stop = (message: string): never => { console.log(message); process.exit(1); };

let port = process.argv[2] ?? '';
if (port === '') port = '4000';
const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);
if (status()) stop('Cannot connect, status ' + status());
await writeSocket(skt, 'PRICE' + FM + 'WIDGET' + '\n', 0, 5000);
if (status()) stop('Cannot send, status ' + status());
let reply = '';
do {
  const data = await readSocket(skt, 1024, 0, 5000);
  if (status()) stop('No reply, status ' + status());
  reply += data;
} while (!(reply.includes('\n') || reply.length > 65536));
await closeSocket(skt);
reply = reply.slice(0, Math.max(reply.indexOf('\n'), 0));
console.log('Price: ' + reply.split(FM)[0]);
// #endregion docs
