// The real `seraphim` command as a child process: SIGHUP reloads the certificate under load with
// no failed request, SIGTERM lets a large download finish and then exits, and --workers 2 serves
// from both workers and replaces one that is killed.
import { spawn } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import {
  closeSocket,
  createCertificateAuthority,
  createTlsContext,
  issueCertificate,
  openSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_RESUMED,
  socketInfo,
  type SecureSocket,
} from '../lib/index.js';
import { commandLine, getOnce, httpGet, ownerOfConnection, startCli, workerPids, workersListening } from './helpers/seraphim-cli.js';
import { tempDir } from './helpers/seraphim.js';
import { SERAPHIM_NODE_FLAGS } from '../examples/seraphim/node-flags.js';

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

test('SIGHUP under load: no request fails, new connections get the new certificate, open ones stay', async (t) => {
  const dir = tempDir(t);
  const ca = createCertificateAuthority('SIGHUP test CA');
  const first = issueCertificate(ca);
  const renewed = issueCertificate(ca);
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server-key.pem');
  writeFileSync(certFile, first.cert);
  writeFileSync(keyFile, first.key);
  // The load comes from one address, new connections as fast as they go: the limits per client
  // address are off, as behind a proxy (they would hold it to 32 handshakes a second).
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--cert', certFile, '--key', keyFile, '--access-log', 'off', '--per-address', 'off']);
  const port = cli.ports.https as number;
  const client = createTlsContext({ ca: ca.cert });
  const [oldPrint, newPrint] = [fingerprint(first.cert), fingerprint(renewed.cert)];
  t.not(oldPrint, newPrint);

  const failures: string[] = [];
  let reloadedAt: number | undefined;
  let requests = 0;
  let enoughBefore: () => void = () => undefined;
  const loadRunning = new Promise<void>((resolve) => (enoughBefore = resolve));
  const deadline = Date.now() + 30_000;

  // Keep-alive connections opened before the reload and used all along.
  const kept: SecureSocket[] = [];
  for (let i = 0; i < 3; i++) {
    const skt = await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, client);
    t.teardown(() => closeSocket(skt));
    kept.push(skt);
  }
  /** Requests on one kept connection until 20 were answered after the reload; resolves with that count. */
  const keptLoop = async (skt: SecureSocket): Promise<number> => {
    let served = 0;
    while (Date.now() < deadline && served < 20) {
      const afterReload = reloadedAt !== undefined;
      try {
        const answer = await httpGet(skt, '/style.css');
        if (answer.status !== 200) failures.push(`kept connection: status ${answer.status}`);
        if (afterReload) served++;
      } catch (err) {
        failures.push(`kept connection: ${(err as Error).message}`);
        return served;
      }
    }
    return served;
  };

  // New-connection loops: each request on a connection of its own, noting the certificate it got.
  // Half of them use a new client context per connection, so every handshake is a full one; the
  // others share one context, which resumes its last session (a resumed session keeps the
  // certificate it was made with: the ticket keys outlive a reload by design).
  const after: string[] = [];
  const before: string[] = [];
  let resumedAfter = 0;
  const freshLoop = async (_: unknown, index: number): Promise<void> => {
    const full = index % 2 === 0;
    let afterReload = 0;
    for (let i = 0; i < 400 && Date.now() < deadline && afterReload < 15; i++) {
      const startedAfterReload = reloadedAt !== undefined;
      try {
        const skt = await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, full ? createTlsContext({ ca: ca.cert }) : client);
        try {
          const print = socketInfo(skt, SKT$INFO_TLS_PEER_CERT)?.fingerprint256 ?? 'none';
          const resumed = socketInfo(skt, SKT$INFO_TLS_RESUMED);
          if (full && resumed) failures.push('a new client context resumed a session');
          const answer = await httpGet(skt, '/');
          if (answer.status !== 200) failures.push(`new connection: status ${answer.status}`);
          if (!startedAfterReload) before.push(print);
          else if (resumed) resumedAfter++;
          else after.push(print);
        } finally {
          await closeSocket(skt);
        }
      } catch (err) {
        failures.push(`new connection: ${(err as Error).message}`);
      }
      if (startedAfterReload) afterReload++;
      if (++requests >= 40) enoughBefore();
    }
  };

  const keptLoad = Promise.all(kept.map(keptLoop));
  const freshLoad = Promise.all(Array.from({ length: 6 }, freshLoop));
  await loadRunning;
  // Renew the certificate on disk (same CA), then SIGHUP by PID while the load goes on.
  writeFileSync(keyFile, renewed.key);
  writeFileSync(certFile, renewed.cert);
  const reloaded = cli.waitForLine(/^seraphim: certificate reloaded$/, 10_000);
  process.kill(cli.pid, 'SIGHUP');
  await reloaded;
  reloadedAt = Date.now();
  const [keptServed] = await Promise.all([keptLoad, freshLoad]);

  t.deepEqual(failures, [], 'no request failed');
  t.true(before.length >= 30, `${before.length} connections before the reload`);
  t.true(before.every((p) => p === oldPrint || p === newPrint));
  t.true(before.includes(oldPrint), 'the old certificate served before the reload');
  t.true(after.length >= 3 * 15, `${after.length} full handshakes after the reload`);
  t.deepEqual([...new Set(after)], [newPrint], 'every full handshake after the reload got the new certificate');
  for (const served of keptServed) t.is(served, 20, 'a kept connection served on after the reload');
  for (const skt of kept) t.is(socketInfo(skt, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, oldPrint, 'open connections keep their handshake');
  t.log(`${before.length} connections before, ${after.length} full and ${resumedAfter} resumed handshakes after the reload; kept connections served ${keptServed.join(', ')} requests after it`);
});

test('SIGTERM during a 64 MiB download: the download completes byte-exact, then the process exits 0 within 5 s', async (t) => {
  const root = tempDir(t);
  const stateDir = tempDir(t);
  const big = randomBytes(64 * 1024 * 1024);
  writeFileSync(join(root, 'big.bin'), big);
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
  const expected = createHash('sha256').update(big).digest('hex');
  const cli = await startCli(t, ['--root', root, '--https-port', 'auto', '--http-port', '0', '--state-dir', stateDir, '--access-log', 'off']);

  // curl reads at 32 MB/s: about 2 s for the file, so SIGTERM at 8 MiB comes mid-download.
  const curl = spawn('curl', ['-sS', '--fail', '--max-time', '30', '--limit-rate', '32M', '--cacert', join(stateDir, 'dev-ca.pem'), '-o', '-', `${cli.urls.https}big.bin`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (curl.exitCode === null && curl.signalCode === null) curl.kill('SIGKILL');
  });
  const hash = createHash('sha256');
  let received = 0;
  let stderr = '';
  let signalledAt: number | undefined;
  let receivedAtSignal = 0;
  let receivedAtExit: number | undefined;
  curl.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  curl.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    if (signalledAt === undefined && received >= 8 * 1024 * 1024) {
      signalledAt = Date.now();
      receivedAtSignal = received;
      process.kill(cli.pid, 'SIGTERM');
    }
  });
  const curlDone = new Promise<number | null>((resolve) => curl.on('close', (code) => resolve(code)));
  void cli.exited.then(() => (receivedAtExit = received));

  const [curlCode, exit] = await Promise.all([curlDone, cli.exited]);
  const exitedAfter = Date.now() - (signalledAt as number);
  t.is(curlCode, 0, stderr);
  t.truthy(signalledAt, 'SIGTERM was sent mid-download');
  t.is(received, big.length);
  t.is(hash.digest('hex'), expected, 'the download is byte-exact');
  t.deepEqual(exit, { code: 0, signal: null });
  t.true(exitedAfter < 5_000, `exited ${exitedAfter} ms after SIGTERM`);
  // It stayed until the transfer was handed over, far past the point it was signalled at.
  t.true((receivedAtExit ?? 0) > receivedAtSignal + 16 * 1024 * 1024, `received ${receivedAtSignal} B at SIGTERM, ${receivedAtExit} B at exit`);
  t.log(`SIGTERM at ${receivedAtSignal} B; process exited ${exitedAfter} ms later with ${receivedAtExit} B received`);
});

test('--workers 2: both workers serve; a killed worker is replaced while the other serves on', async (t) => {
  const stateDir = tempDir(t);
  const cli = await startCli(t, ['--workers', '2', '--https-port', 'auto', '--http-port', '0', '--state-dir', stateDir, '--access-log', 'off']);
  const port = cli.ports.https as number;
  const client = createTlsContext({ ca: readFileSync(join(stateDir, 'dev-ca.pem'), 'utf8') });

  /** Opens a keep-alive connection, makes a request, and tells which worker holds it. */
  const connectTo = async (workers: readonly number[]): Promise<{ skt: SecureSocket; owner: number | undefined }> => {
    const skt = await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, client);
    t.teardown(() => closeSocket(skt));
    const answer = await httpGet(skt, '/');
    t.is(answer.status, 200);
    return { skt, owner: ownerOfConnection(workers, port, socketInfo(skt, SKT$INFO_LOCAL_PORT)) };
  };

  // Both workers exist as children of the primary, listen, and both take connections.
  const workers = await workersListening(cli, 2);
  t.deepEqual(workerPids(cli.pid), workers, 'two worker processes, both listening');
  for (const worker of workers) {
    const flags = commandLine(worker).filter((arg) => SERAPHIM_NODE_FLAGS.includes(arg));
    t.deepEqual(flags, [...SERAPHIM_NODE_FLAGS], `worker ${worker} runs with the primary's Node flags`);
  }
  const byWorker = new Map<number, SecureSocket>();
  for (let i = 0; i < 20 && byWorker.size < 2; i++) {
    const { skt, owner } = await connectTo(workers);
    if (owner !== undefined && !byWorker.has(owner)) byWorker.set(owner, skt);
  }
  t.deepEqual([...byWorker.keys()].sort((a, b) => a - b), workers, 'each worker served a connection');

  // Kill one worker by PID; the other goes on serving, on its open connection and on new ones.
  const [victim, survivor] = workers as [number, number];
  const died = cli.waitForLine(new RegExp(`^seraphim: worker ${victim} died \\(SIGKILL\\); starting another$`), 10_000);
  process.kill(victim, 'SIGKILL');
  await died;
  const kept = await httpGet(byWorker.get(survivor) as SecureSocket, '/style.css');
  t.is(kept.status, 200, 'the survivor serves its open connection');
  for (let i = 0; i < 20; i++) t.is((await getOnce(port, '/', client)).status, 200, `new connection ${i} after the kill`);

  // The primary starts a replacement: two workers again, and the new one serves.
  const [replacement] = (await workersListening(cli, 1, workers)) as [number];
  const now = workerPids(cli.pid);
  t.deepEqual(now, [survivor, replacement].sort((a, b) => a - b), 'the primary has two workers again');
  let servedByReplacement = false;
  for (let i = 0; i < 20 && !servedByReplacement; i++) {
    const { owner } = await connectTo(now);
    servedByReplacement = owner === replacement;
  }
  t.true(servedByReplacement, 'the replacement worker serves');
});
