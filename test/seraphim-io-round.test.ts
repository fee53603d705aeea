// Responses written at the end of the event loop's round of I/O (examples/seraphim/http/io-round.ts):
// when that is, and that every response of a round reaches its own connection, in order.
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { closeSocket, openSocket, SKT$BLOCKING, writeSocket } from '../lib/index.js';
import { BodyBudget } from '../examples/seraphim/http/body-budget.js';
import { DEFAULT_TIMEOUTS, HttpConnection } from '../examples/seraphim/http/connection.js';
import { defaultHeaders, headerBlock } from '../examples/seraphim/http/headers.js';
import { endOfIoRound } from '../examples/seraphim/http/io-round.js';
import { DEFAULT_LIMITS } from '../examples/seraphim/http/request-parser.js';
import { makeResponse, writeResponse, type OutgoingResponse, type WriteOptions } from '../examples/seraphim/http/response.js';
import { exchange, parseResponses, readAll, readOneResponse, resetAfterSending, startTestServer, tempDir } from './helpers/seraphim.js';
import { connectedPair } from './helpers/sockets.js';

test('called from an I/O callback, it resolves after that callback and its microtasks, before the next round; one promise per round', async (t) => {
  const order: string[] = [];
  const server = createServer((socket) => socket.destroy());
  t.teardown(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  t.teardown(() => client.destroy());
  client.on('error', () => undefined); // the server destroys it at once: a reset is its expected end
  // 'connect' runs in the poll phase: an I/O callback, as a socket's read is.
  const shared = await new Promise<boolean>((resolve) => {
    client.once('connect', () => {
      // Both are set first: a round's end made of a microtask would come before the check phase's
      // callback, one made of a timer after the next round's.
      setTimeout(() => {
        order.push('next round');
        resolve(same);
      }, 0);
      setImmediate(() => order.push('check phase'));
      const first = endOfIoRound();
      const same = endOfIoRound() === first;
      void first.then(() => order.push('end of round'));
      process.nextTick(() => order.push('tick'));
      queueMicrotask(() => order.push('microtask'));
    });
  });
  t.true(shared, 'the callers of one round share its promise');
  t.deepEqual(order, ['tick', 'microtask', 'check phase', 'end of round', 'next round']);
  const later = endOfIoRound();
  await later;
  t.not(endOfIoRound(), later, 'a round that ended is not waited for again');
});

test('writeResponse sends each kind of one-write response at the end of the round, not before; a file sent as a head alone is let go of', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const defaults = headerBlock(defaultHeaders({}, false));
  const options = (headOnly: boolean): WriteOptions => ({ defaults, headOnly, keepAlive: true, http10: false, sendTimeout: DEFAULT_TIMEOUTS.send });
  const dir = tempDir(t);
  writeFileSync(join(dir, 'page.txt'), 'from a file\n');
  const handle = await open(join(dir, 'page.txt'));
  // Closed by writeResponse; here too if the test ends before (closing a closed handle does nothing).
  t.teardown(() => handle.close());
  const cases: [string, OutgoingResponse, boolean, string][] = [
    ['a small body, joined', makeResponse(200, 'small\n', 'text/plain'), false, 'small\n'],
    ['a larger body, gathered', makeResponse(200, 'x'.repeat(10_000), 'text/plain'), false, 'x'.repeat(10_000)],
    ['a head alone', makeResponse(200, 'not sent\n', 'text/plain'), true, ''],
    ['a file, a head alone', { status: 200, headers: new Map(), file: { handle, start: 0, length: 12 } }, true, ''],
  ];
  for (const [label, response, headOnly, body] of cases) {
    let written = false;
    const writing = writeResponse(accepted, response, options(headOnly)).then(() => (written = true));
    for (let hop = 0; hop < 20; hop++) await Promise.resolve();
    t.false(written, `${label}: not written within the round`);
    await writing;
    const answer = await readOneResponse(client, 5000, headOnly);
    t.is(answer.status, 200, label);
    t.is(answer.body.toString('utf8'), body, label);
  }
  t.is(handle.fd, -1, 'the file was closed once its head was written');
});

// Serial: a connection of another test asking for the same round's end first would queue the
// round's end before the handler's close.
test.serial('a connection writes its response at the end of the round the response was made in: a close its handler queues in that round comes first', async (t) => {
  /** Serves one request on a new connection; `closeInRound` makes the handler queue a close of the socket for the round's end. */
  const serveOne = async (closeInRound: boolean): Promise<{ bytes: Buffer; closed: boolean }> => {
    const { client, accepted } = await connectedPair(t);
    const connection = new HttpConnection(accepted, {
      secure: false,
      limits: DEFAULT_LIMITS,
      timeouts: DEFAULT_TIMEOUTS,
      defaults: headerBlock(defaultHeaders({}, false)),
      respond: () => {
        // Queued before the connection asks for the round's end, so it runs before that end.
        if (closeInRound) setImmediate(() => void closeSocket(accepted));
        return makeResponse(200, 'made\n', 'text/plain');
      },
      log: undefined,
      onError: (err) => t.fail(`onError: ${String(err)}`),
      readsBody: () => false,
      bodyBudget: new BodyBudget(1024),
    });
    const running = connection.run();
    await writeSocket(client, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', SKT$BLOCKING, 5000);
    const answer = await readAll(client, 5000);
    await running;
    return answer;
  };
  const served = await serveOne(false);
  t.is(parseResponses(served.bytes)[0]?.status, 200, 'without the close, the response arrives');
  const cut = await serveOne(true);
  t.true(cut.closed);
  t.is(cut.bytes.length, 0, 'the close came first: nothing was written within the round');
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
  await resetAfterSending(server, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  t.is(server.connections, 0);
  const { responses } = await exchange(t, port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.is(responses[0]?.status, 200);
  t.deepEqual(errors.map(String), [], 'a connection that closes is not an error');
});
