// The TLS floors of bench/seraphim.ts (bench/lib/tls-floor.ts): node:tls with no HTTP, answering
// each request with a response built at start, through node:tls's streams or, lean, reading from
// the handle and writing a round's responses together. Their figures mean something only if they
// answer what the benchmark asks, as the web servers do, request after request on one connection.
import { once } from 'node:events';
import { connect, type TLSSocket } from 'node:tls';
import test from 'ava';
import { startTlsFloor } from '../bench/lib/tls-floor.js';
import { withLimit } from './helpers/assertions.js';
import { devCertificates } from './helpers/tls.js';

const LIMIT = 10_000;
const page = Buffer.from('<p>the floor</p>\n', 'latin1');
const files = new Map([['/page.html', { contentType: 'text/html', body: page }]]);

/** Sends `request` and collects what comes back until `length` bytes have (or the limit passes). */
async function ask(socket: TLSSocket, request: string, length: number): Promise<string> {
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      got += chunk.length;
      if (got < length) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
  socket.write(request);
  await withLimit(done, LIMIT, `no ${length}-byte answer to ${JSON.stringify(request.split('\r\n')[0])}`);
  return Buffer.concat(chunks).toString('latin1');
}

for (const lean of [false, true]) {
  test(`the ${lean ? 'lean ' : ''}floor answers the page, then a path it does not have, on one kept connection`, async (t) => {
    const { server: certificate, ca } = devCertificates();
    const floor = await startTlsFloor('127.0.0.1', files, certificate.cert, certificate.key, lean);
    t.teardown(() => floor.close());
    const socket = connect({ host: '127.0.0.1', port: floor.port, ca: ca.cert, servername: 'localhost' });
    t.teardown(() => socket.destroy());
    await withLimit(once(socket, 'secureConnect'), LIMIT, 'no TLS handshake');

    const head = `HTTP/1.1 200 OK\r\nDate: `;
    const first = await ask(socket, 'GET /page.html HTTP/1.1\r\nHost: x\r\n\r\n', 100 + page.length);
    t.true(first.startsWith(head), first);
    t.regex(first, /\r\nContent-Type: text\/html\r\nContent-Length: 17\r\n\r\n<p>the floor<\/p>\n$/);
    const second = await ask(socket, 'GET /other HTTP/1.1\r\nHost: x\r\n\r\n', 40);
    t.is(second, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });
}
