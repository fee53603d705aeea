// SERAPHIM's TLS session ticket keys, with the real `seraphim` command and openssl s_client as the
// client: --ticket-keys FILE shared by two instances makes a session made on one resume on the
// other; SIGHUP rereads the file (rotation); with --workers the primary hands the file's keys to
// every worker; a file of the wrong size is refused; sessions live 12 hours. And in one process:
// what a change of keys does to sessions in flight.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import {
  closeSocket,
  createTlsContext,
  openSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_TLS_RESUMED,
  socketInfo,
  type SecureSocket,
} from '../lib/index.js';
import { applyTicketKeys, randomTicketKeys, rotateTicketKeys, SESSION_LIFETIME_SECONDS } from '../examples/seraphim/ticket-keys.js';
import { httpGet, linesPrinted, runCommand, startCli, workersListening, type CliProcess } from './helpers/seraphim-cli.js';
import { startTestServer, tempDir } from './helpers/seraphim.js';
import { tls12Handshake } from './helpers/tls-sessions.js';
import { devCertificates, serverContext } from './helpers/tls.js';

/** The flags of an instance that serves HTTPS only, on a free port, quietly. */
const QUIET_HTTPS = ['--https-port', 'auto', '--http-port', '0', '--access-log', 'off'];

/** Two instances started with the same new --ticket-keys file (and one state dir, so one development CA). */
async function twoInstancesSharingKeys(t: ExecutionContext): Promise<{ dir: string; keys: string; stateDir: string; a: CliProcess; b: CliProcess }> {
  const dir = tempDir(t);
  const keys = join(dir, 'ticket.keys');
  writeFileSync(keys, randomBytes(48));
  const stateDir = join(dir, 'state');
  const a = await startCli(t, [...QUIET_HTTPS, '--state-dir', stateDir, '--ticket-keys', keys], 60_000);
  const b = await startCli(t, [...QUIET_HTTPS, '--state-dir', stateDir, '--ticket-keys', keys], 60_000);
  return { dir, keys, stateDir, a, b };
}

test('two instances with the same --ticket-keys file resume each other\'s sessions; with their own random keys they do not', async (t) => {
  const { dir, stateDir, a, b } = await twoInstancesSharingKeys(t);
  const c = await startCli(t, [...QUIET_HTTPS, '--state-dir', stateDir], 60_000);
  const session = join(dir, 'a.session');

  t.false((await tls12Handshake(t, a.ports.https as number, { saveTo: session })).reused);
  t.true((await tls12Handshake(t, a.ports.https as number, { resume: session })).reused, 'resumed on the instance that made it');
  t.true((await tls12Handshake(t, b.ports.https as number, { resume: session })).reused, 'resumed on the other instance with the same file');
  t.false((await tls12Handshake(t, c.ports.https as number, { resume: session })).reused, 'not resumed on an instance with its own keys');

  // The session lives as long as the keys do (12 hours), not OpenSSL's default of 2 hours.
  const described = await runCommand(t, 'openssl', ['sess_id', '-in', session, '-noout', '-text'], { timeoutMs: 10_000 });
  t.regex(described.stdout, new RegExp(`TLS session ticket lifetime hint: ${SESSION_LIFETIME_SECONDS} \\(seconds\\)`));
});

test('SIGHUP rereads --ticket-keys: after the file is replaced, old sessions make a full handshake and new ones resume everywhere', async (t) => {
  const { dir, keys, a, b } = await twoInstancesSharingKeys(t);
  const [portA, portB] = [a.ports.https as number, b.ports.https as number];
  const before = join(dir, 'before.session');
  await tls12Handshake(t, portA, { saveTo: before });
  t.true((await tls12Handshake(t, portB, { resume: before })).reused);

  // Rotation: replace the file everywhere, then SIGHUP.
  writeFileSync(keys, randomBytes(48));
  for (const instance of [a, b]) {
    const reloaded = instance.waitForLine(/^seraphim: ticket keys reloaded$/, 20_000);
    process.kill(instance.pid, 'SIGHUP');
    await reloaded;
  }
  t.false((await tls12Handshake(t, portA, { resume: before })).reused, 'a ticket of the old keys is not resumed');
  const after = join(dir, 'after.session');
  await tls12Handshake(t, portB, { saveTo: after });
  t.true((await tls12Handshake(t, portA, { resume: after })).reused, 'a ticket of the new keys resumes on the other instance');

  // A file of the wrong size on SIGHUP: refused, the keys in force stay.
  writeFileSync(keys, randomBytes(32));
  const refused = a.waitForLine(/^seraphim: ticket keys not reloaded, the old ones stay in force: .*32 bytes, not 48/, 20_000);
  process.kill(a.pid, 'SIGHUP');
  await refused;
  t.true((await tls12Handshake(t, portA, { resume: after })).reused, 'the keys in force stayed');
});

test('--workers: the primary gives every worker the file\'s keys, and on SIGHUP the reread ones', async (t) => {
  const dir = tempDir(t);
  const keys = join(dir, 'ticket.keys');
  writeFileSync(keys, randomBytes(48));
  const stateDir = join(dir, 'state');
  const cluster = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--access-log', 'off', '--state-dir', stateDir, '--ticket-keys', keys, '--workers', '2'], 90_000);
  await workersListening(cluster, 2, [], 90_000);
  const alone = await startCli(t, [...QUIET_HTTPS, '--state-dir', stateDir, '--ticket-keys', keys]);
  const port = cluster.ports.https as number;

  const check = async (name: string): Promise<void> => {
    // Made on the single instance, offered to the cluster several times: whichever worker
    // takes each connection, it resumes.
    const session = join(dir, `${name}.session`);
    await tls12Handshake(t, alone.ports.https as number, { saveTo: session });
    for (let i = 0; i < 4; i++) t.true((await tls12Handshake(t, port, { resume: session })).reused, `${name}: resumption ${i + 1} on the cluster`);
  };
  await check('first');

  writeFileSync(keys, randomBytes(48));
  const aloneReloaded = alone.waitForLine(/^seraphim: ticket keys reloaded$/, 20_000);
  process.kill(alone.pid, 'SIGHUP');
  await aloneReloaded;
  process.kill(cluster.pid, 'SIGHUP');
  // Each worker says so once it has put the keys the primary sent in force.
  await linesPrinted(cluster, /^seraphim: worker \d+ took new ticket keys$/, 2, 40_000);
  await check('after SIGHUP');
});

test('--ticket-keys refuses a file that is not 48 bytes, with the usage error status', async (t) => {
  const dir = tempDir(t);
  for (const size of [0, 47, 49, 80]) {
    const keys = join(dir, `keys-${size}`);
    writeFileSync(keys, randomBytes(size));
    const result = await runCommand(t, process.execPath, ['--import', 'tsx', 'examples/seraphim/cli.ts', ...QUIET_HTTPS, '--state-dir', dir, '--ticket-keys', keys], { timeoutMs: 30_000 });
    t.is(result.code, 2, `${size} bytes`);
    t.regex(result.stderr, new RegExp(`--ticket-keys: the ticket keys file .*keys-${size} holds ${size} bytes, not 48 \\(make one with: openssl rand 48 >`));
  }
  const missing = await runCommand(t, process.execPath, ['--import', 'tsx', 'examples/seraphim/cli.ts', ...QUIET_HTTPS, '--state-dir', dir, '--ticket-keys', join(dir, 'none')], { timeoutMs: 30_000 });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /cannot read the ticket keys file/);
});

test('a change of ticket keys: an open connection goes on, the old session makes one full handshake, the next resumes', async (t) => {
  const context = serverContext();
  const server = await startTestServer(t, { context, httpPort: false });
  const port = server.ports.https as number;
  const client = createTlsContext({ ca: devCertificates().ca.cert });
  /** A new connection of this client context (its saved session offered), closed when the test ends at the latest. */
  const connect = async (): Promise<SecureSocket> => {
    const skt = await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, client);
    t.teardown(() => closeSocket(skt));
    return skt;
  };
  const first = await connect();
  t.is((await httpGet(first, '/')).status, 200);
  // The client context saved that session; a second connection resumes it.
  const second = await connect();
  t.true(socketInfo(second, SKT$INFO_TLS_RESUMED));
  await closeSocket(second);

  applyTicketKeys(context, randomTicketKeys());
  t.is((await httpGet(first, '/')).status, 200, 'the connection open across the change is served');
  const third = await connect();
  t.false(socketInfo(third, SKT$INFO_TLS_RESUMED), 'the ticket of the old keys is not resumed: a full handshake');
  t.is((await httpGet(third, '/')).status, 200);
  await closeSocket(third);
  const fourth = await connect();
  t.true(socketInfo(fourth, SKT$INFO_TLS_RESUMED), 'the ticket the full handshake issued resumes');
  await closeSocket(fourth);
});

test('rotateTicketKeys hands new random keys on each period until stopped', async (t) => {
  const seen: Buffer[] = [];
  await new Promise<void>((resolve) => {
    const stop = rotateTicketKeys((keys) => {
      seen.push(keys);
      if (seen.length === 3) {
        stop();
        resolve();
      }
    }, 50);
  });
  t.is(seen.length, 3);
  for (const keys of seen) t.is(keys.length, 48);
  t.is(new Set(seen.map((k) => k.toString('hex'))).size, 3);
});
