// The programs in examples/, run as their users run them: child processes on loopback, checked
// by what they print and how they exit. Serial: each starts tsx (a compile) and some make RSA
// keys, and the machine running the suite may have two cores.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import {
  closeSocket,
  createCertificateAuthority,
  createServerSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  socketInfo,
  SocketError,
  writeSocket,
} from '../lib/index.js';
import { createSampleHandler } from '../examples/seraphim/routes/sample-routes.js';
import { waitFor } from './helpers/assertions.js';
import { client, FM, readLines, readToClose, runExample, startExample, STOP_TIMEOUT, stopExample } from './helpers/examples.js';
import { caFile, startTestServer, tempDir } from './helpers/seraphim.js';

test.serial('the echo server example echoes the echo client example and stops on SIGTERM', async (t) => {
  const server = await startExample(t, 'echo-server.ts', 'echo server', ['--port', '0']);
  const message = 'hello from ava, ünïcödé too';
  const result = await runExample('echo-client.ts', ['127.0.0.1', String(server.port), message]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `${message}\n`);
  await stopExample(t, server);
});

test.serial('the secure echo client verifies the secure echo server by the CA it wrote, and refuses another CA', async (t) => {
  const dir = tempDir(t);
  const ca = join(dir, 'echo-ca.pem');
  const server = await startExample(t, 'secure-echo-server.ts', 'secure echo server', ['--port', '0', '--ca-out', ca]);
  t.true(server.stdout().includes(`(CA: ${ca})`));

  const message = 'over TLS, ünïcödé too';
  const result = await runExample('secure-echo-client.ts', ['--ca', ca, '127.0.0.1', String(server.port), message]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^connected with TLSv1\.[23] \(\w+\) to CN=localhost\n/);
  t.true(result.stdout.endsWith(`\n${message}\n`), result.stdout);

  // A CA that did not sign the server's certificate: the client must refuse the server.
  const other = join(dir, 'other-ca.pem');
  writeFileSync(other, createCertificateAuthority('some other CA').cert);
  const refused = await runExample('secure-echo-client.ts', ['--ca', other, '127.0.0.1', String(server.port), 'secret']);
  t.is(refused.code, 1);
  t.true(refused.stderr.includes('ER$TLS_UNTRUSTED (7101)'), refused.stderr);
  t.false(refused.stdout.includes('secret'));

  await stopExample(t, server);
  t.regex(server.stdout(), /secure echo server stopped; failed handshakes: 1\n/);
});

test.serial('the starttls example talks in clear, upgrades both ends of one connection, then talks over TLS', async (t) => {
  const result = await runExample('starttls.ts', ['--port', '0']);
  t.is(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  t.regex(lines[0] ?? '', /^starttls server listening on 127\.0\.0\.1:\d+$/);
  for (const line of [
    'client got (plain): 220 ready',
    'server got (plain): STARTTLS',
    'client got (plain): 220 go ahead',
    'server got (tls): AUTH PLAIN c2VjcmV0LXBhc3N3b3Jk',
    'client got (tls): 235 authenticated',
    'done',
  ]) {
    t.true(lines.includes(line), `no line ${JSON.stringify(line)} in:\n${result.stdout}`);
  }
  // Nothing secret went out before the upgrade, and both ends agree on what they upgraded to.
  t.true(lines.indexOf('server got (tls): AUTH PLAIN c2VjcmV0LXBhc3N3b3Jk') > lines.indexOf('client got (plain): 220 go ahead'));
  const upgraded = (side: string): string | undefined => lines.find((line) => line.startsWith(`${side} upgraded: `))?.slice(`${side} upgraded: `.length);
  t.regex(upgraded('server') ?? '', /^TLSv1\.[23] \w+$/);
  t.is(upgraded('client'), upgraded('server'));
});

test.serial('the https API client reads a JSON field from SERAPHIM over openSecureSocket', async (t) => {
  const server = await startTestServer(t, { handler: createSampleHandler(), httpPort: false });
  const base = `https://127.0.0.1:${server.ports.https}`;
  const ca = caFile(t);

  const list = await runExample('https-api-client.ts', ['--url', `${base}/api/posts`, '--field', 'posts.1.title', '--ca', ca]);
  t.is(list.code, 0, list.stderr);
  t.is(list.stdout, 'posts.1.title: Porting READ.SOCKET line by line\n');

  const missing = await runExample('https-api-client.ts', ['--url', `${base}/api/posts/no-such-post`, '--ca', ca]);
  t.is(missing.code, 1);
  t.true(missing.stderr.includes('answered 404'), missing.stderr);
});

test.serial('the line server answers lines (LF, CRLF, split and batched) of several clients at once and stops on SIGTERM', async (t) => {
  const server = await startExample(t, 'line-server.ts', 'line server', ['--port', '0']);
  const first = await client(t, server.port);
  const second = await client(t, server.port);

  // Two lines in one packet, the second split across two writes, one with CRLF.
  await writeSocket(first, `PRICE${FM}WIDGET\r\nPRICE${FM}GAD`, 0, 5000);
  await writeSocket(first, `GET\nFOO\nPRICE${FM}NOPE\n`, 0, 5000);
  t.is(await readLines(first, 4), `12.50${FM}WIDGET\n7.25${FM}GADGET\nERR${FM}UNKNOWN COMMAND\nERR${FM}NO SUCH ITEM\n`);

  // The second client is served while the first is still connected (the BASIC could not).
  await writeSocket(second, `PRICE${FM}SPROCKET\n`, 0, 5000);
  t.is(await readLines(second, 1), `3.10${FM}SPROCKET\n`);

  // A client that closes ends only its own conversation.
  await closeSocket(first);
  const third = await client(t, server.port);
  await writeSocket(third, `PRICE${FM}WIDGET\n`, 0, 5000);
  t.is(await readLines(third, 1), `12.50${FM}WIDGET\n`);

  // A line longer than 4 KiB is refused and the connection closed.
  await writeSocket(third, 'X'.repeat(5000), 0, 5000);
  t.is(await readToClose(third), `ERR${FM}LINE TOO LONG\n`);

  // SIGTERM with the second client still connected: the server closes it and exits.
  const secondEnd = readToClose(second, STOP_TIMEOUT);
  await stopExample(t, server);
  t.is(await secondEnd, '');
  t.true(server.stdout().endsWith('line server stopped\n'), server.stdout());
  t.is(server.stderr(), '');
});

test.serial('the price client asks the line server for WIDGET and prints its price; with nobody listening it fails with the status', async (t) => {
  const server = await startExample(t, 'line-server.ts', 'line server', ['--port', '0']);
  const result = await runExample('price-client.ts', ['--port', String(server.port)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, 'Price: 12.50\n'); // WIDGET's price in the line server's table
  t.is(result.stderr, '');
  await stopExample(t, server);

  // A port nobody listens on: one that a listener of this test had and closed again.
  const closed = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  const port = socketInfo(closed, SKT$INFO_PORT);
  await closeSocket(closed);
  const refused = await runExample('price-client.ts', ['--port', String(port)]);
  t.is(refused.code, 1, refused.stderr);
  t.is(refused.stdout, '');
  t.regex(refused.stderr, /^Failed, status \d+ \(ER\$CONNECT\)\n$/);
});

const GET = 'GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
const HELLO = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 21\r\nConnection: close\r\n\r\nYou asked for /hello\n';

test.serial('the concurrent SERAPHIM loop answers while a client is silent and goes on after a connection fails', async (t) => {
  const server = await startExample(t, 'seraphim-loop.ts', 'seraphim loop', ['--port', '0']);
  t.true(server.stdout().includes('(concurrent)'));

  // A client that connects and says nothing holds its own connection for up to 10 s ...
  const silent = await client(t, server.port);
  // ... and one that resets the connection mid-request makes its connection fail.
  const reset = netConnect(server.port, '127.0.0.1');
  reset.on('error', (err) => t.log(`the resetting client: ${err.message}`));
  await once(reset, 'connect');
  reset.write('GET /never HTTP/1.1\r\n');
  reset.resetAndDestroy();
  t.true(await waitFor(() => server.stderr().includes('seraphim loop: connection failed, status'), 5000), server.stderr());

  // Neither holds up the next client: answered at once, while the silent one is still open.
  const started = Date.now();
  const next = await client(t, server.port);
  await writeSocket(next, GET, 0, 5000);
  t.is(await readToClose(next, 5000), HELLO);
  t.true(Date.now() - started < 5000);

  const post = await client(t, server.port);
  await writeSocket(post, 'POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n', 0, 5000);
  t.regex(await readToClose(post), /^HTTP\/1\.1 405 Method Not Allowed\r\nAllow: GET\r\n/);

  await closeSocket(silent); // its connection ends now instead of at its 10 s timeout
  await stopExample(t, server);
  t.true(server.stdout().endsWith('seraphim loop stopped\n'), server.stdout());
});

test.serial('the single-threaded SERAPHIM loop (--single) answers the next client only after the current one', async (t) => {
  const server = await startExample(t, 'seraphim-loop.ts', 'seraphim loop', ['--port', '0', '--single']);
  t.true(server.stdout().includes('(single-threaded)'));

  const silent = await client(t, server.port);
  const next = await client(t, server.port);
  await writeSocket(next, GET, 0, 5000);
  // While the silent client holds the loop, the request waits (in the concurrent form it is answered at once) ...
  const error = await t.throwsAsync(readSocket(next, 4096, 0, 1000), { instanceOf: SocketError });
  t.is(error?.code, 'ER$TIMEOUT');
  // ... and is answered as soon as the silent client is gone.
  await closeSocket(silent);
  t.is(await readToClose(next, 5000), HELLO);

  await stopExample(t, server);
  t.true(server.stdout().endsWith('seraphim loop stopped\n'), server.stdout());
});
