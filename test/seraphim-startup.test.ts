// The `seraphim` command while it starts and when its certificate is out of date: a SIGHUP in the
// first moments does not end it (nor a worker still starting), an expired certificate is warned
// about at startup and refused on reload, with the old one kept.
import { X509Certificate } from 'node:crypto';
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { createCertificateAuthority, createTlsContext, issueCertificate, openSecureSocket, SKT$BLOCKING, SKT$INFO_TLS_PEER_CERT, socketInfo, closeSocket } from '../lib/index.js';
import { getOnce, startCli, workersListening } from './helpers/seraphim-cli.js';
import { tempDir } from './helpers/seraphim.js';

const DAY = 86_400_000;

test('a SIGHUP while it starts does not end it: the reload is done once it serves', async (t) => {
  const parent = tempDir(t);
  // The development certificate's folder is made early in the start, long before it listens:
  // that event is the moment to signal.
  const watcher = watch(parent);
  t.teardown(() => watcher.close());
  const stateMade = new Promise<void>((resolve) => watcher.on('change', (_, name) => name === 'state' && resolve()));
  let signalled = false;
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--state-dir', join(parent, 'state'), '--access-log', 'off'], 30_000, (pid) => {
    void stateMade.then(() => {
      process.kill(pid, 'SIGHUP');
      signalled = true;
    });
  });
  t.true(signalled, 'SIGHUP was sent before it listened');
  await cli.waitForLine(/^seraphim: certificate reloaded$/, 10_000, true);
  const client = createTlsContext({ ca: readFileSync(join(parent, 'state', 'dev-ca.pem'), 'utf8') });
  t.is((await getOnce(cli.ports.https as number, '/', client)).status, 200);
});

test('--workers 3: a SIGHUP as the first worker listens reaches the others once they listen, and none dies', async (t) => {
  const stateDir = tempDir(t);
  const cli = await startCli(t, ['--workers', '3', '--https-port', 'auto', '--http-port', '0', '--state-dir', stateDir, '--access-log', 'off']);
  // The primary prints the listening lines as soon as its first worker listens; the others are
  // most likely still starting (3 processes on a machine of 2 cores).
  process.kill(cli.pid, 'SIGHUP');
  await workersListening(cli, 3);
  const reloads = async (): Promise<number> => cli.stdout().split('\n').filter((line) => line === 'seraphim: certificate reloaded').length;
  for (let i = 0; i < 3 && (await reloads()) < 3; i++) await cli.waitForLine(/^seraphim: certificate reloaded$/, 10_000);
  t.is(await reloads(), 3, 'each worker reloaded once');
  t.notRegex(cli.stderr(), /died/, 'no worker died');
});

test('an expired certificate: a loud warning at startup; on reload, an expired or not yet valid one is refused and the old one stays', async (t) => {
  const dir = tempDir(t);
  const ca = createCertificateAuthority('validity test CA');
  const expired = issueCertificate(ca, { notBefore: new Date(Date.now() - 30 * DAY), days: 10 });
  const notYet = issueCertificate(ca, { notBefore: new Date(Date.now() + 10 * DAY), days: 30 });
  const good = issueCertificate(ca);
  const renewed = issueCertificate(ca);
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server-key.pem');
  const install = (pair: { cert: string; key: string }): void => {
    writeFileSync(keyFile, pair.key);
    writeFileSync(certFile, pair.cert);
  };

  install(expired);
  const stale = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--cert', certFile, '--key', keyFile, '--access-log', 'off']);
  t.regex(await stale.waitForLine(/WARNING/, 10_000, true), /^seraphim: WARNING: the certificate CN=localhost expired on \d{4}-/);
  process.kill(stale.pid, 'SIGTERM');
  await stale.exited;

  install(good);
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--cert', certFile, '--key', keyFile, '--access-log', 'off']);
  t.notRegex(cli.stderr(), /WARNING/);
  const port = cli.ports.https as number;
  const client = createTlsContext({ ca: ca.cert });
  const servedPrint = async (): Promise<string | undefined> => {
    const skt = await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, createTlsContext({ ca: ca.cert }));
    try {
      return socketInfo(skt, SKT$INFO_TLS_PEER_CERT)?.fingerprint256;
    } finally {
      await closeSocket(skt);
    }
  };
  const goodPrint = new X509Certificate(good.cert).fingerprint256;
  t.is(await servedPrint(), goodPrint);

  for (const [bad, why] of [
    [expired, /expired on/],
    [notYet, /is not valid until/],
  ] as const) {
    install(bad);
    const refused = cli.waitForLine(/^seraphim: certificate not reloaded/, 10_000);
    process.kill(cli.pid, 'SIGHUP');
    t.regex(await refused, why);
    t.is(await servedPrint(), goodPrint, 'the old certificate stays in force');
    t.is((await getOnce(port, '/', client)).status, 200);
  }
  t.notRegex(cli.stdout(), /certificate reloaded/);

  install(renewed);
  const reloaded = cli.waitForLine(/^seraphim: certificate reloaded$/, 10_000);
  process.kill(cli.pid, 'SIGHUP');
  await reloaded;
  t.is(await servedPrint(), new X509Certificate(renewed.cert).fingerprint256, 'a valid certificate is taken');
});
