// Responses written at the end of the event loop's round of I/O (examples/seraphim/http/io-round.ts):
// when that is, and that every response of a round reaches its own connection, in order.
import { connect, createServer } from 'node:net';
import test from 'ava';
import { closeSocket, openSocket, SKT$BLOCKING, writeSocket } from '../lib/index.js';
import { endOfIoRound } from '../examples/seraphim/http/io-round.js';
import { exchange, parseResponses, readAll, resetAfterSending, startTestServer } from './helpers/seraphim.js';

test('called from an I/O callback, it resolves after that callback and its microtasks, before the next round; one promise per round', async (t) => {
  const order: string[] = [];
  const server = createServer((socket) => socket.destroy());
  t.teardown(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  // 'connect' runs in the poll phase: an I/O callback, as a socket's read is.
  const shared = await new Promise<boolean>((resolve) => {
    client.once('connect', () => {
      // The timer is set first: a round's end made of a timer would come after it.
      setTimeout(() => {
        order.push('next round');
        resolve(same);
      }, 0);
      const first = endOfIoRound();
      const same = endOfIoRound() === first;
      void first.then(() => order.push('end of round'));
      process.nextTick(() => order.push('tick'));
      queueMicrotask(() => order.push('microtask'));
    });
  });
  t.true(shared, 'the callers of one round share its promise');
  t.deepEqual(order, ['tick', 'microtask', 'end of round', 'next round']);
  const later = endOfIoRound();
  await later;
  t.not(endOfIoRound(), later, 'a round that ended is not waited for again');
  client.destroy();
});

test('many connections in one burst: every response reaches its own connection, pipelined ones in order', async (t) => {
  const server = await startTestServer(t, {
    httpsPort: false,
    handler: (request) => ({ status: 200, contentType: 'text/plain', body: `${request.path}\n` }),
  });
  const port = server.ports.http as number;
  const clients = await Promise.all(Array.from({ length: 24 }, () => openSocket('127.0.0.1', port, SKT$BLOCKING)));
  t.teardown(() => Promise.all(clients.map((skt) => closeSocket(skt))));
  // Every client's three pipelined requests are sent before any is awaited, so that many arrive
  // in one round of the server's event loop.
  const requests = (i: number): string =>
    [0, 1, 2].map((k) => `GET /c${i}/r${k} HTTP/1.1\r\nHost: x\r\n${k === 2 ? 'Connection: close\r\n' : ''}\r\n`).join('');
  await Promise.all(clients.map((skt, i) => writeSocket(skt, requests(i), SKT$BLOCKING, 5000)));
  const answers = await Promise.all(clients.map((skt) => readAll(skt)));
  answers.forEach(({ bytes, closed }, i) => {
    const bodies = parseResponses(bytes).map((r) => `${r.status} ${r.body.toString('utf8')}`);
    t.deepEqual(bodies, [0, 1, 2].map((k) => `200 /c${i}/r${k}\n`), `client ${i}`);
    t.true(closed, `client ${i} closed after its last response`);
  });
});

test('a client that resets before its response is written costs nothing: no error, no connection left, the server serves on', async (t) => {
  const errors: unknown[] = [];
  const server = await startTestServer(t, { httpsPort: false, onError: (err) => errors.push(err) });
  const port = server.ports.http as number;
  // The response may still wait for the end of the round when its connection is gone.
  await resetAfterSending(server, port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  t.is(server.connections, 0);
  const { responses } = await exchange(t, port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.is(responses[0]?.status, 200);
  t.deepEqual(errors.map(String), [], 'a connection that closes is not an error');
});
