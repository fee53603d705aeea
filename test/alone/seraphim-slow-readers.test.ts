// 200 slow readers of a 1 MiB file at once against the real `seraphim` command: its memory stays
// bounded (files are streamed with backpressure), a probe client is still served promptly, and
// readers that do not read at all are cut off by the send timeout.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import {
  closeSocket,
  createTlsContext,
  openSecureSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  SocketError,
  writeSocket,
  type SecureSocket,
} from '../../lib/index.js';
import { getOnce, linesPrinted, memoryOf, startCli } from '../helpers/seraphim-cli.js';
import { curl, tempDir } from '../helpers/seraphim.js';

const MiB = 1024 * 1024;
const READERS = 200;
const SEND_TIMEOUT_MS = 2_000;

/** Reads whatever arrives until the peer closes, within `timeoutMs`. */
async function drain(skt: SecureSocket, timeoutMs: number, pause = 0): Promise<{ bytes: number; closed: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let bytes = 0;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { bytes, closed: false };
    try {
      bytes += (await readSocketBuffer(skt, pause > 0 ? 16 * 1024 : 1 << 20, SKT$BLOCKING, left)).length;
    } catch (err) {
      if (err instanceof SocketError && err.code === 'ER$TIMEOUT') return { bytes, closed: false };
      if (err instanceof SocketError) return { bytes, closed: true };
      throw err;
    }
    // A slow reader: 16 KiB at a time, a pause between reads (about 160 KiB/s).
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Starts seraphim on a temporary root holding `files`; resolves with it and a client context trusting its CA. */
async function serve(t: ExecutionContext, files: Record<string, Buffer | string>, args: string[] = []) {
  const root = tempDir(t);
  const stateDir = tempDir(t);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content);
  const cli = await startCli(t, ['--root', root, '--https-port', 'auto', '--http-port', '0', '--state-dir', stateDir, ...args]);
  const caPath = join(stateDir, 'dev-ca.pem');
  const ca = readFileSync(caPath, 'utf8');
  return { cli, port: cli.ports.https as number, ca, caPath, client: createTlsContext({ ca }) };
}

/** `count` TLS clients (each with its own context: full handshakes), each sending a GET for `path(i)` with Connection: close. */
async function requesters(t: ExecutionContext, port: number, ca: string, count: number, path: (i: number) => string): Promise<SecureSocket[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const skt = await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, createTlsContext({ ca }));
      t.teardown(() => closeSocket(skt));
      await writeSocket(skt, `GET ${path(i)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, SKT$BLOCKING, 10_000);
      return skt;
    }),
  );
}

/** Samples the VmRSS of `pid` every 50 ms (measurement, not synchronisation); `stop()` gives the peak. */
function rssPeak(pid: number): { stop(): number } {
  let peak = memoryOf(pid, 'VmRSS');
  const sample = (): void => {
    try {
      peak = Math.max(peak, memoryOf(pid, 'VmRSS'));
    } catch {
      // the process is gone: the test's other assertions say so
    }
  };
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

test('200 slow readers of a 1 MiB file at once: RSS grows by less than 100 MiB and a probe is served promptly', async (t) => {
  t.timeout(90_000);
  const file = randomBytes(MiB);
  // All 200 readers come from 127.0.0.1: the limits per client address are off, as behind a proxy.
  const { cli, port, ca, caPath, client } = await serve(t, { 'file.bin': file, 'index.html': '<!doctype html><title>probe</title><p>still here</p>' }, ['--access-log', 'off', '--per-address', 'off']);

  // Warm up (code paths compiled, buffers allocated once), then take the baseline.
  for (let i = 0; i < 5; i++) t.true((await getOnce(port, '/file.bin', client)).body.equals(file));
  const baseline = memoryOf(cli.pid, 'VmRSS');
  const sampler = rssPeak(cli.pid);
  t.teardown(() => sampler.stop());

  // 200 clients at once: half read 16 KiB every 100 ms, half do not read until the probe is done.
  const sockets = await requesters(t, port, ca, READERS, (i) => `/file.bin?${i % 2 === 0 ? 'slow' : 'idle'}=${i}`);
  let slowDone = 0;
  const slow = sockets.filter((_, i) => i % 2 === 0).map((skt) => drain(skt, 40_000, 100).finally(() => slowDone++));

  // While all 200 hold their connections, a probe (curl, a process of its own, so that this busy
  // test process does not slow it down) is answered promptly, and gets the whole file.
  const probeStart = Date.now();
  const probe = await curl(['--cacert', caPath, `${cli.urls.https}`]);
  const probeMs = Date.now() - probeStart;
  t.is(probe.status, 200);
  t.regex(probe.body.toString(), /still here/);
  const fullStart = Date.now();
  t.true((await curl(['--cacert', caPath, `${cli.urls.https}file.bin`])).body.equals(file), 'a probe gets the whole file');
  const fullMs = Date.now() - fullStart;
  t.true(slowDone === 0, 'the slow readers were still reading during the probe');

  // Every reader gets the whole file (head included), then the close it asked for; the ones that
  // did not read yet now read at full speed.
  const idle = sockets.filter((_, i) => i % 2 === 1).map((skt) => drain(skt, 40_000));
  const results = await Promise.all([...slow, ...idle]);
  for (const { bytes, closed } of results) t.true(bytes > MiB && closed, `a reader got ${bytes} bytes (closed: ${closed})`);
  const peak = sampler.stop();

  const growth = peak - baseline;
  t.true(growth < 100 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  t.true(probeMs < 2_000, `probe took ${probeMs} ms`);
  t.log(`RSS ${(baseline / MiB).toFixed(1)} MiB -> peak ${(peak / MiB).toFixed(1)} MiB (+${(growth / MiB).toFixed(1)} MiB) with ${READERS} readers; probe / in ${probeMs} ms, 1 MiB probe in ${fullMs} ms`);
});

test('--send-timeout cuts off readers that do not read, without holding the file in memory', async (t) => {
  t.timeout(90_000);
  // On loopback the kernel takes a few MiB per connection (socket buffers), so the file must be
  // larger than that for the server to be left waiting on a reader that does not read.
  const big = randomBytes(32 * MiB);
  const { cli, port, ca, client } = await serve(t, { 'big.bin': big, 'index.html': 'ok' }, ['--send-timeout', String(SEND_TIMEOUT_MS)]);
  t.true((await getOnce(port, '/big.bin', client, 20_000)).body.equals(big), 'a reader that reads gets the whole file');
  const baseline = memoryOf(cli.pid, 'VmRSS');
  const sampler = rssPeak(cli.pid);
  t.teardown(() => sampler.stop());

  const stallers = 20;
  const startedAt = Date.now();
  const sockets = await requesters(t, port, ca, stallers, (i) => `/big.bin?stall=${i}`);
  // Each is cut off by the send timeout: the access log shows its request with nothing (or not
  // everything) sent, and the server goes on serving.
  await linesPrinted(cli, /"GET \/big\.bin\?stall=\d+ HTTP\/1\.1" 200 (-|0) /, stallers, 30_000);
  const cutOffMs = Date.now() - startedAt;
  t.is((await getOnce(port, '/', client, 5_000)).status, 200, 'the server still serves');
  const peak = sampler.stop();
  // Reading now gets only what was in flight, then the close.
  const results = await Promise.all(sockets.map((skt) => drain(skt, 20_000)));
  for (const { bytes, closed } of results) {
    t.true(closed, 'a reader that did not read was disconnected');
    t.true(bytes < big.length, `a reader that did not read got ${bytes} bytes, not the whole file`);
  }
  const growth = peak - baseline;
  t.true(growth < 100 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  t.true(cutOffMs >= SEND_TIMEOUT_MS, `cut off after ${cutOffMs} ms, not before the send timeout`);
  t.log(`${stallers} non-readers of 32 MiB cut off within ${cutOffMs} ms (send timeout ${SEND_TIMEOUT_MS} ms); they got at most ${(Math.max(...results.map((r) => r.bytes)) / MiB).toFixed(1)} MiB; RSS +${(growth / MiB).toFixed(1)} MiB`);
});
