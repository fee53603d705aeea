// The PROXY protocol against the proxy that defined it: Debian's haproxy in TCP mode with
// send-proxy-v2 in front of a plain and a secure server socket of the library. Its health checks
// (a v2 LOCAL header, then PING) are accepted with the proxy as their peer and read from the
// first byte after the header, never refused; a client bound to 127.0.0.2 is accepted as
// 127.0.0.2, with HAProxy's own end under SKT$INFO_PROXY_ADDR.
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  readSocket,
  SKT$BLOCKING,
  SocketError,
  SKT$INFO_IP_ADDR,
  SKT$INFO_PORT,
  SKT$INFO_PROXY_ADDR,
  SKT$INFO_PROXY_REFUSED,
  socketInfo,
  writeSocket,
  type ServerSocket,
  type Socket,
} from '../lib/index.js';
import { freePort } from '../bench/lib/seraphim-processes.js';
import { withLimit } from './helpers/assertions.js';
import { startHaproxy } from './helpers/haproxy.js';
import { devCertificates, serverContext } from './helpers/tls.js';

const LIMIT = 15_000;

/**
 * HAProxy in TCP mode on a free port, sending a v2 header to `backendPort`, with a health check
 * every 200 ms that sends its own header (a v2 LOCAL), then `PING`, and wants `PONG` back; over
 * TLS when `tls` (certificate not verified: the check is about the header). Resolves with its
 * port once it listens; stopped by PID when the test ends.
 */
async function haproxy(t: ExecutionContext, backendPort: number, tls: boolean): Promise<number> {
  // A port free on 127.0.0.1 now, for HAProxy to bind (it cannot tell a port it picked itself).
  const port = await freePort();
  await startHaproxy(
    t,
    [
      'defaults',
      '  mode tcp',
      '  timeout connect 5s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  timeout check 30s',
      'frontend front',
      `  bind 127.0.0.1:${port}`,
      '  default_backend back',
      'backend back',
      '  option tcp-check',
      '  tcp-check send PING\\r\\n',
      '  tcp-check expect string PONG',
      // Never marked down while the test runs: a check lost on a busy machine must not take the
      // server out of HAProxy's rotation before the client comes.
      `  server one 127.0.0.1:${backendPort} send-proxy-v2 check inter 200 fall 1000${tls ? ' check-ssl verify none' : ''}`,
      '',
    ].join('\n'),
    {},
  );
  return port;
}

/** The health checks seen, and how many were answered after reading their PING. */
interface Checks {
  seen: number;
  answered: number;
  pending: Promise<void>[];
}

/**
 * Takes one health check: its peer is HAProxy itself (asserted at once), and it sends PING after
 * its header; the answer runs in the background, so the accept loop goes on.
 */
function takeCheck(t: ExecutionContext, check: Socket, checks: Checks): void {
  t.is(socketInfo(check, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(check, SKT$INFO_PROXY_ADDR), '127.0.0.1');
  checks.seen++;
  const answer = async (): Promise<void> => {
    try {
      if ((await readSocket(check, 6, SKT$BLOCKING, LIMIT)) !== 'PING\r\n') return;
      await writeSocket(check, 'PONG\r\n');
      checks.answered++;
    } catch (err) {
      // On a busy machine HAProxy may give up on a check that waited in the accept queue and
      // reset it: that check is lost, the test judges the others (at least one answered).
      if (!(err instanceof SocketError)) throw err;
    } finally {
      await closeSocket(check);
    }
  };
  checks.pending.push(answer());
}

/** Accepts, taking health checks, until a connection from `client` comes. */
async function acceptClient(t: ExecutionContext, server: ServerSocket, client: string, checks: Checks): Promise<Socket> {
  for (;;) {
    const skt = await acceptSocket(server, LIMIT);
    t.teardown(() => closeSocket(skt));
    if (socketInfo(skt, SKT$INFO_IP_ADDR) === client) return skt;
    takeCheck(t, skt, checks);
  }
}

for (const secure of [false, true]) {
  test(`${secure ? 'TLS' : 'plain'}: HAProxy's send-proxy-v2 health checks (LOCAL, then PING) are accepted as HAProxy itself; a client from 127.0.0.2 is accepted as 127.0.0.2`, async (t) => {
    t.timeout(60_000);
    const options = { proxyProtocol: { trusted: ['127.0.0.1'] } };
    const server = secure
      ? await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext(), options)
      : await createServerSocket('127.0.0.1', 0, SKT$BLOCKING, undefined, options);
    t.teardown(() => closeSocket(server));
    const front = await haproxy(t, socketInfo(server, SKT$INFO_PORT), secure);
    const checks: Checks = { seen: 0, answered: 0, pending: [] };
    takeCheck(t, await acceptSocket(server, LIMIT), checks);
    const raw = netConnect({ host: '127.0.0.1', port: front, localAddress: '127.0.0.2' });
    t.teardown(() => raw.destroy());
    raw.on('error', () => undefined); // judged by the exchange below
    const client = secure ? tlsConnect({ socket: raw, servername: 'localhost', ca: devCertificates().ca.cert }) : raw;
    client.on('error', () => undefined);
    client.write('hello');
    const skt = await acceptClient(t, server, '127.0.0.2', checks);
    t.is(socketInfo(skt, SKT$INFO_PROXY_ADDR), '127.0.0.1');
    t.is(await readSocket(skt, 5, SKT$BLOCKING, LIMIT), 'hello');
    await writeSocket(skt, 'world');
    const [reply] = (await withLimit(once(client, 'data'), LIMIT, 'no reply through HAProxy')) as [Buffer];
    t.is(reply.toString(), 'world');
    await Promise.all(checks.pending);
    t.log(`${checks.seen} health checks, ${checks.answered} answered`);
    t.true(checks.answered >= 1, 'a check was read from its first byte after the header');
    t.is(socketInfo(server, SKT$INFO_PROXY_REFUSED), 0, 'no health check was refused');
  });
}
