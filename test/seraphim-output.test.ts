// The `seraphim` command keeps serving when the reader of its standard output or standard error
// goes away (a `| head` that ended, a closed terminal): the pipes are real, their read ends are
// closed by this test, and every write after that fails with EPIPE in the server.
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { createCertificateAuthority, createTlsContext, issueCertificate } from '../lib/index.js';
import { getOnce, startCli, workerPids, workersListening, type CliProcess } from './helpers/seraphim-cli.js';
import { tempDir } from './helpers/seraphim.js';

/** Closes this end of the child's stdout and stderr pipes: the reader is gone. */
function closeReaders(cli: CliProcess): Promise<void> {
  const closed = (stream: NodeJS.ReadableStream & { destroy(): void; once(event: 'close', f: () => void): unknown }): Promise<void> =>
    new Promise((resolve) => {
      stream.once('close', resolve);
      stream.destroy();
    });
  return Promise.all([closed(cli.child.stdout), closed(cli.child.stderr)]).then(() => undefined);
}

test('stdout and stderr without a reader: the access log, a refused and a done reload do not stop the server', async (t) => {
  const dir = tempDir(t);
  const ca = createCertificateAuthority('output test CA');
  const issued = issueCertificate(ca);
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server-key.pem');
  writeFileSync(certFile, issued.cert);
  writeFileSync(keyFile, issued.key);
  // The default access log: standard output.
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--cert', certFile, '--key', keyFile]);
  const port = cli.ports.https as number;
  const client = createTlsContext({ ca: ca.cert });
  let exited = false;
  void cli.exited.then(() => (exited = true));

  await closeReaders(cli);
  // Each answer is written to the access log (stdout) after it is sent.
  for (let i = 0; i < 5; i++) t.is((await getOnce(port, '/', client)).status, 200, `request ${i} after stdout closed`);
  // A reload that fails writes to stderr; one that works, to stdout. Each signal is followed by
  // requests, and answers on new connections show the process was alive to take them.
  unlinkSync(keyFile);
  process.kill(cli.pid, 'SIGHUP');
  for (let i = 0; i < 3; i++) t.is((await getOnce(port, '/', client)).status, 200, `request ${i} after a refused reload`);
  writeFileSync(keyFile, issued.key);
  process.kill(cli.pid, 'SIGHUP');
  for (let i = 0; i < 3; i++) t.is((await getOnce(port, '/', client)).status, 200, `request ${i} after a reload`);
  t.false(exited, 'still running');
  process.kill(cli.pid, 'SIGTERM');
  t.deepEqual(await cli.exited, { code: 0, signal: null }, 'it stops gracefully when asked');
});

test('--workers 2 without readers: the workers log on, and the primary replaces a killed worker and lives', async (t) => {
  const stateDir = tempDir(t);
  const cli = await startCli(t, ['--workers', '2', '--https-port', '0', '--http-port', 'auto', '--state-dir', stateDir]);
  const port = cli.ports.http as number;
  const workers = await workersListening(cli, 2);
  let exited = false;
  void cli.exited.then(() => (exited = true));

  await closeReaders(cli);
  // The workers write their access log lines to the stdout they share with the primary.
  for (let i = 0; i < 6; i++) t.is((await getOnce(port, '/')).status, 200, `request ${i} after stdout closed`);
  // The primary writes "died" to stderr and, once a new worker listens, "listening" to stdout.
  process.kill(workers[0] as number, 'SIGKILL');
  // Its output can no longer be read, so its children are watched instead: bounded, 100 ms apart.
  let replaced: number | undefined;
  for (let i = 0; i < 200 && replaced === undefined && !exited; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    replaced = workerPids(cli.pid).find((pid) => !workers.includes(pid));
  }
  t.truthy(replaced, 'a replacement worker was started');
  // Requests until the new worker has certainly listened (and so the primary has written its line).
  for (let i = 0; i < 20; i++) t.is((await getOnce(port, '/')).status, 200);
  t.false(exited, 'the primary still runs');
  process.kill(cli.pid, 'SIGTERM');
  t.deepEqual(await cli.exited, { code: 0, signal: null }, 'the primary stops its workers and exits 0 when asked');
});
