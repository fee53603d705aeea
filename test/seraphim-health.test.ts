// SERAPHIM's health endpoint and drain, for load balancers: the health path answers 200 "ok"
// while serving and 503 "draining" once draining, on both listeners, out of the access log unless
// asked; while draining every request is still served, each response closing its connection;
// the `seraphim` command drains on SIGTERM (alone and with --workers) once a health check was
// seen, and stops at once when none was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ExecutionContext } from 'ava';
import test from 'ava';
import { closeSocket, createTlsContext, openSecureSocket, SKT$BLOCKING } from '../lib/index.js';
import { getOnce, httpGet, linesPrinted, startCli, workersListening } from './helpers/seraphim-cli.js';
import { startTestServer, tempDir } from './helpers/seraphim.js';
import { devCertificates } from './helpers/tls.js';

/** A stream that keeps what is written to it. */
function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

const client = (): ReturnType<typeof createTlsContext> => createTlsContext({ ca: devCertificates().ca.cert });

/** The `seraphim` command with `args`, and a client context that trusts the development CA it made. */
async function startCliTrusted(t: ExecutionContext, args: readonly string[]): Promise<{ cli: Awaited<ReturnType<typeof startCli>>; trusting: () => ReturnType<typeof createTlsContext> }> {
  const stateDir = tempDir(t);
  const cli = await startCli(t, [...args, '--state-dir', stateDir], 90_000);
  const ca = readFileSync(join(stateDir, 'dev-ca.pem'), 'utf8');
  return { cli, trusting: () => createTlsContext({ ca }) };
}

test('the health path answers 200 ok on both listeners (before the redirect), is left out of the access log, and says 503 draining after drain()', async (t) => {
  const log = collector();
  const server = await startTestServer(t, { healthPath: '/healthz', accessLog: log.stream });
  const https = server.ports.https as number;
  const http = server.ports.http as number;
  t.false(server.healthChecked);

  const ok = await getOnce(https, '/healthz', client());
  t.is(ok.status, 200);
  t.is(ok.body.toString(), 'ok');
  t.is(ok.headers.get('cache-control'), 'no-store');
  t.is(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
  const plain = await getOnce(http, '/healthz');
  t.is(plain.status, 200, 'answered on the HTTP listener, not redirected');
  t.is(plain.body.toString(), 'ok');
  t.true(server.healthChecked);
  t.is((await getOnce(https, '/healthz/more', client())).status, 404, 'only the path itself');
  t.is((await getOnce(https, '/', client())).status, 200);

  // One keep-alive connection open across the start of the drain.
  const kept = await openSecureSocket('127.0.0.1', https, SKT$BLOCKING, client());
  t.teardown(() => closeSocket(kept));
  const before = await httpGet(kept, '/');
  t.is(before.headers.get('connection'), undefined, 'kept alive before the drain');

  server.drain();
  t.true(server.draining);
  const draining = await getOnce(https, '/healthz', client());
  t.is(draining.status, 503);
  t.is(draining.body.toString(), 'draining');
  t.is((await getOnce(http, '/healthz')).status, 503);
  const during = await httpGet(kept, '/');
  t.is(during.status, 200, 'ordinary requests are still served while draining');
  t.is(during.headers.get('connection'), 'close', 'and each response ends its connection');
  t.is((await getOnce(https, '/', client())).status, 200);

  const lines = log.text().split('\n').filter((line) => line !== '');
  t.true(lines.some((line) => line.includes('"GET /healthz/more HTTP/1.1" 404')), 'other paths are logged');
  t.is(lines.filter((line) => line.includes('"GET / HTTP/1.1" 200')).length, 4);
  t.false(lines.some((line) => line.includes('"GET /healthz HTTP/1.1"')), 'health checks are not logged');
});

test('logHealthChecks writes health checks to the access log; without healthPath the path is an ordinary one', async (t) => {
  const log = collector();
  const server = await startTestServer(t, { healthPath: '/healthz', logHealthChecks: true, accessLog: log.stream, httpPort: false });
  t.is((await getOnce(server.ports.https as number, '/healthz', client())).status, 200);
  t.regex(log.text(), /"GET \/healthz HTTP\/1\.1" 200 2 /);

  const none = await startTestServer(t, { httpPort: false });
  t.is((await getOnce(none.ports.https as number, '/healthz', client())).status, 404);
  none.drain();
  t.false(none.healthChecked);
});

test('seraphim on SIGTERM after a health check: says draining for --drain-delay while serving, then exits 0', async (t) => {
  const { cli, trusting } = await startCliTrusted(t, ['--https-port', 'auto', '--http-port', 'auto', '--drain-delay', '3']);
  const https = cli.ports.https as number;
  t.is((await getOnce(https, '/healthz', trusting())).status, 200);
  const drainingLine = cli.waitForLine(/^seraphim: draining for 3 s$/, 20_000);
  process.kill(cli.pid, 'SIGTERM');
  await drainingLine;
  const health = await getOnce(https, '/healthz', trusting());
  t.is(health.status, 503);
  t.is(health.body.toString(), 'draining');
  t.is((await getOnce(https, '/', trusting())).status, 200, 'a new connection is still served while draining');
  t.is((await getOnce(cli.ports.http as number, '/healthz')).status, 503);
  t.deepEqual(await cli.exited, { code: 0, signal: null });
  t.regex(cli.stdout(), /"GET \/ HTTP\/1\.1" 200/);
  t.notRegex(cli.stdout(), /healthz/, 'health checks are not in the access log');
});

test('seraphim on SIGTERM with no health check seen stops at once, without draining', async (t) => {
  const { cli, trusting } = await startCliTrusted(t, ['--https-port', 'auto', '--http-port', '0', '--drain-delay', '600']);
  t.is((await getOnce(cli.ports.https as number, '/', trusting())).status, 200);
  process.kill(cli.pid, 'SIGTERM');
  // With a 600 s drain, reaching the exit at all shows there was none.
  t.deepEqual(await cli.exited, { code: 0, signal: null });
  t.notRegex(cli.stdout(), /draining/);
});

test('seraphim --workers 2 on SIGTERM: every worker that saw health checks drains, then all exit 0', async (t) => {
  const { cli, trusting } = await startCliTrusted(t, ['--https-port', 'auto', '--http-port', '0', '--workers', '2', '--drain-delay', '3', '--access-log', 'off']);
  const workers = await workersListening(cli, 2, [], 90_000);
  const https = cli.ports.https as number;
  // New connections, handed round-robin to the workers by the primary: both see checks.
  for (let i = 0; i < 6; i++) t.is((await getOnce(https, '/healthz', trusting())).status, 200);
  process.kill(cli.pid, 'SIGTERM');
  await linesPrinted(cli, /^seraphim: draining for 3 s$/, workers.length, 40_000);
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push((await getOnce(https, '/healthz', trusting())).status);
  t.deepEqual(answers, [503, 503, 503, 503]);
  t.is((await getOnce(https, '/', trusting())).status, 200);
  t.deepEqual(await cli.exited, { code: 0, signal: null });
});
