// SERAPHIM behind a proxy that sends PROXY headers: the access log and the per-address
// connection cap see the client the header names; a connection without a header is closed
// unserved while everyone else is served; and the command's --proxy-protocol flags.
import { once } from 'node:events';
import type { Socket as NetSocket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import test, { type ExecutionContext } from 'ava';
import { waitFor, withLimit } from './helpers/assertions.js';
import { runExample } from './helpers/examples.js';
import { endedAfter } from './helpers/loopback-peers.js';
import { proxiedTls, proxyConnection, v1, v2 } from './helpers/proxy-headers.js';
import { startCli } from './helpers/seraphim-cli.js';
import { caFile, curl, startTestServer } from './helpers/seraphim.js';

const LIMIT = 10_000;
const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

/** An access log that collects its lines. */
function collectingLog(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

/** Everything `socket` receives until the server closes it. */
async function readAll(socket: NetSocket | TLSSocket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  await withLimit(endedAfter(socket as NetSocket, 0), LIMIT, 'the server did not end the exchange');
  return text;
}

/** A plain HTTP request through a proxied connection claiming `client`; resolves with the raw response. */
async function proxiedGet(t: ExecutionContext, port: number, header: Buffer, request = GET): Promise<string> {
  const proxy = await proxyConnection(t, port);
  const answer = readAll(proxy);
  proxy.write(Buffer.concat([header, Buffer.from(request, 'latin1')]));
  return answer;
}

/** Waits until the log has a line starting with `address`. */
async function logged(log: { stream: PassThrough; text: () => string }, address: string): Promise<string> {
  const line = (): string | undefined => log.text().split('\n').find((l) => l.startsWith(`${address} `));
  while (line() === undefined) await withLimit(once(log.stream, 'data'), LIMIT, `no access log line for ${address}: ${log.text()}`);
  return line() as string;
}

test('the access log shows the client the PROXY header names, over HTTPS and over the HTTP redirect', async (t) => {
  const log = collectingLog();
  const server = await startTestServer(t, { accessLog: log.stream, proxyProtocol: { trusted: ['127.0.0.1'] } });
  const client = await proxiedTls(t, server.ports.https as number, v2('2001:db8::9', 50000, '2001:db8::1', 443));
  const answer = readAll(client);
  client.write(GET);
  t.regex(await answer, /^HTTP\/1\.1 200 /);
  t.regex(await logged(log, '2001:db8::9'), /"GET \/ HTTP\/1\.1" 200 /);
  const redirect = await proxiedGet(t, server.ports.http as number, v1('203.0.113.9', 50001, '127.0.0.1', 80));
  t.regex(redirect, /^HTTP\/1\.1 301 /);
  t.regex(await logged(log, '203.0.113.9'), /"GET \/ HTTP\/1\.1" 301 /);
  t.false(log.text().split('\n').some((line) => line.startsWith('127.0.0.1 ')), 'the proxy itself is never logged as the client');
});

test('curl --haproxy-protocol, a real client that sends a v1 header, is served over HTTPS and logged; without the header it is refused', async (t) => {
  const log = collectingLog();
  const server = await startTestServer(t, { accessLog: log.stream, proxyProtocol: { trusted: ['127.0.0.0/8'] } });
  const url = `https://localhost:${server.ports.https as number}/`;
  // curl names its own end in the header: bound to 127.0.0.2, that is the client logged.
  const answer = await curl(['--haproxy-protocol', '--interface', '127.0.0.2', '--cacert', caFile(t), url]);
  t.is(answer.status, 200);
  t.regex(await logged(log, '127.0.0.2'), /"GET \/ HTTP\/1\.1" 200 /);
  await t.throwsAsync(() => curl(['--cacert', caFile(t), url]), undefined, 'a client without the header gets no answer');
});

test('the per-address connection cap counts the client the header names: a busy client is refused, another behind the same proxy is served', async (t) => {
  const server = await startTestServer(t, { httpsPort: false, maxConnectionsPerAddress: 2, proxyProtocol: { trusted: ['127.0.0.1'] } });
  const port = server.ports.http as number;
  // Two connections of client A in the middle of a request head: busy, not idle.
  for (let i = 0; i < 2; i++) {
    const busy = await proxyConnection(t, port);
    busy.write(Buffer.concat([v1('203.0.113.20', 1000 + i, '127.0.0.1', 80), Buffer.from('GET / HTTP/1.1\r\nHo')]));
  }
  // Each is admitted once its header is read; the server has no event for that, only the count.
  t.true(await waitFor(() => server.connections === 2, LIMIT));
  const third = await proxiedGet(t, port, v1('203.0.113.20', 1002, '127.0.0.1', 80));
  t.regex(third, /^HTTP\/1\.1 503 /, 'client A is at its cap');
  const other = await proxiedGet(t, port, v1('198.51.100.21', 2000, '127.0.0.1', 80));
  t.regex(other, /^HTTP\/1\.1 200 /, 'client B, through the same proxy, is served');
});

test('a connection straight to SERAPHIM, without a header, is closed unanswered; proxied ones go on being served', async (t) => {
  const server = await startTestServer(t, { httpsPort: false, proxyProtocol: { trusted: ['127.0.0.1'] } });
  const port = server.ports.http as number;
  const direct = await proxyConnection(t, port);
  const answer = readAll(direct);
  direct.write(GET);
  t.is(await answer, '', 'no response, not even an error page');
  t.regex(await proxiedGet(t, port, v2('192.0.2.44', 4400, '127.0.0.1', 80)), /^HTTP\/1\.1 200 /);
});

test('seraphim --proxy-protocol: the access log shows the client; --trusted-proxy names who may send headers', async (t) => {
  t.timeout(120_000);
  const cli = await startCli(t, ['--proxy-protocol', '--trusted-proxy', '127.0.0.1', '--https-port', '0', '--http-port', 'auto', '--root', 'examples/seraphim/site']);
  const port = cli.ports.http as number;
  t.regex(await proxiedGet(t, port, v1('203.0.113.77', 7700, '127.0.0.1', 80)), /^HTTP\/1\.1 200 /);
  t.regex(await cli.waitForLine(/^203\.0\.113\.77 /, LIMIT, true), /"GET \/ HTTP\/1\.1" 200 /);
  // Only 127.0.0.1 is trusted: a proxy on 127.0.0.2 is refused.
  const untrusted = await proxyConnection(t, port, '127.0.0.2');
  const answer = readAll(untrusted);
  untrusted.write(Buffer.concat([v1('203.0.113.78', 7800, '127.0.0.1', 80), Buffer.from(GET)]));
  t.is(await answer, '');
});

test('seraphim: --trusted-proxy without --proxy-protocol, or with something that is no address, is a usage error', async (t) => {
  const alone = await runExample('seraphim/cli.ts', ['--trusted-proxy', '10.0.0.0/8']);
  t.is(alone.code, 2);
  t.regex(alone.stderr, /--trusted-proxy goes with --proxy-protocol/);
  const bad = await runExample('seraphim/cli.ts', ['--proxy-protocol', '--trusted-proxy', '10.0.0.0/33']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--trusted-proxy takes an IPv4 or IPv6 address or CIDR range/);
  const help = await runExample('seraphim/cli.ts', ['--help']);
  t.regex(help.stdout, /--proxy-protocol/);
  t.regex(help.stdout, /--trusted-proxy CIDR/);
});
