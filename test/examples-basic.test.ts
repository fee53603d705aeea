// The line-by-line ports in examples/basic/ on scarlet-sockets/basic, run as their users run
// them: child processes on loopback. Serial: each starts tsx (a compile). Their BASIC originals
// run on ScarletDME in test/fidelity.
import test from 'ava';
import { closeSocket, createServerSocket, readSocket, SKT$BLOCKING, SKT$INFO_PORT, socketInfo, SocketError, writeSocket } from '../lib/index.js';
import { client, FM, readLines, readToClose, runExample, startExample } from './helpers/examples.js';

test.serial('the basic line server answers a client line by line, one client at a time, and the basic price client gets its price', async (t) => {
  const server = await startExample(t, 'basic/line-server.ts', 'line server', ['0']);
  const first = await client(t, server.port);
  await writeSocket(first, `PRICE${FM}WIDGET\r\nPRICE${FM}GAD`, 0, 5000);
  await writeSocket(first, `GET\nFOO\nPRICE${FM}NOPE\n`, 0, 5000);
  t.is(await readLines(first, 4), `12.50${FM}WIDGET\n7.25${FM}GADGET\nERR${FM}UNKNOWN COMMAND\nERR${FM}NO SUCH ITEM\n`);

  // One client at a time, as the BASIC: the next is answered once the first hangs up.
  const second = await client(t, server.port);
  await writeSocket(second, `PRICE${FM}SPROCKET\n`, 0, 5000);
  const waiting = await t.throwsAsync(readSocket(second, 100, 0, 1000), { instanceOf: SocketError });
  t.is(waiting?.code, 'ER$TIMEOUT');
  await closeSocket(first);
  t.is(await readLines(second, 1), `3.10${FM}SPROCKET\n`);
  await writeSocket(second, 'X'.repeat(5000), 0, 5000);
  t.is(await readToClose(second), `ERR${FM}LINE TOO LONG\n`);

  const price = await runExample('basic/price-client.ts', [String(server.port)]);
  t.is(price.code, 0, price.stderr);
  t.is(price.stdout, 'Price: 12.50\n');
});

test.serial('the basic price client stops with the status when nobody listens', async (t) => {
  const closed = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  const port = socketInfo(closed, SKT$INFO_PORT);
  await closeSocket(closed);
  const refused = await runExample('basic/price-client.ts', [String(port)]);
  t.is(refused.code, 1, refused.stderr);
  t.is(refused.stdout, 'Cannot connect, status 7005\n');
});

const GET = 'GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
const HELLO = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 21\r\nConnection: close\r\n\r\nYou asked for /hello\n';

test.serial('the basic SERAPHIM loop serves one client at a time; with PHANTOM, a silent client holds up nobody', async (t) => {
  const single = await startExample(t, 'basic/seraphim-loop.ts', 'seraphim loop', ['0']);
  t.true(single.stdout().includes('(single-threaded)'));
  const silent = await client(t, single.port);
  const next = await client(t, single.port);
  await writeSocket(next, GET, 0, 5000);
  const held = await t.throwsAsync(readSocket(next, 4096, 0, 1000), { instanceOf: SocketError });
  t.is(held?.code, 'ER$TIMEOUT');
  await closeSocket(silent);
  t.is(await readToClose(next), HELLO);

  const phantoms = await startExample(t, 'basic/seraphim-loop.ts', 'seraphim loop', ['0', 'PHANTOM']);
  t.true(phantoms.stdout().includes('(phantoms)'));
  const quiet = await client(t, phantoms.port);
  const started = Date.now();
  const answered = await client(t, phantoms.port);
  await writeSocket(answered, GET, 0, 5000);
  t.is(await readToClose(answered), HELLO);
  t.true(Date.now() - started < 5000);
  const post = await client(t, phantoms.port);
  await writeSocket(post, 'POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n', 0, 5000);
  t.regex(await readToClose(post), /^HTTP\/1\.1 405 Method Not Allowed\r\nAllow: GET\r\n/);
  // Its phantom ends now instead of at its 10 s timeout.
  await closeSocket(quiet);
});
