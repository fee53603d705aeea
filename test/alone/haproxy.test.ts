// SERAPHIM behind a real load balancer: Debian's haproxy in TCP mode, with the configuration
// docs/deploying.md shows (examples/deploy/haproxy.cfg, unchanged), in front of two `seraphim`
// instances on different ports standing in for two machines, each with --proxy-protocol (HAProxy
// sends PROXY v2 headers) and the same certificate and --ticket-keys file. A frontend per
// instance is added after the file's sections, to reach one instance alone.
//
// Runs alone (ava.alone.config.js), and its tests one after another: HAProxy's health checks
// (every 2 s, 2 s to answer) must not time out on a machine that four processes already share.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { closeSocket, createTlsContext, openSecureSocket, SKT$BLOCKING, type SecureSocket, type TlsContext } from '../../lib/index.js';
import { HAPROXY_CONFIG, haproxyConfigText, haproxyEnvironment, singleServerFrontend } from '../../examples/deploy/haproxy-config.js';
import { freePort } from '../../bench/lib/seraphim-processes.js';
import { startHaproxy, type HaproxyProcess } from '../helpers/haproxy.js';
import { httpGet, runCommand, startCli, type CliProcess } from '../helpers/seraphim-cli.js';
import { pace } from '../helpers/pace.js';
import { curl, tempDir } from '../helpers/seraphim.js';
import { tls12Handshake } from '../helpers/tls-sessions.js';

/** HAProxy connects from 127.0.0.1; clients come from 127.0.0.2, which the instances do not trust. */
const PROXY_ADDRESS = '127.0.0.1';
const CLIENT_ADDRESS = '127.0.0.2';

/** Two instances and the HAProxy in front of them. */
interface Deployment {
  dir: string;
  /** The instances' shared arguments (each adds its port). */
  instanceArgs: string[];
  instances: [CliProcess, CliProcess];
  ports: [number, number];
  haproxy: HaproxyProcess;
  /** HAProxy's balanced frontend, and one frontend per instance alone. */
  frontend: number;
  only: [number, number];
  caFile: string;
  client: () => TlsContext;
}

/** Starts one instance on `port` ('auto' for a free one). */
function startInstance(t: ExecutionContext, args: readonly string[], port: number | 'auto'): Promise<CliProcess> {
  return startCli(t, [...args, '--https-port', String(port)], 90_000);
}

async function deploy(t: ExecutionContext): Promise<Deployment> {
  const dir = tempDir(t);
  // Step by step as docs/deploying.md: one ticket keys file, the same on every instance; one
  // certificate (here the development one, made once in a shared state dir).
  const keys = join(dir, 'ticket.keys');
  writeFileSync(keys, randomBytes(48));
  const stateDir = join(dir, 'state');
  const instanceArgs = ['--host', '127.0.0.1', '--http-port', '0', '--state-dir', stateDir, '--ticket-keys', keys, '--proxy-protocol', '--trusted-proxy', `${PROXY_ADDRESS}/32`];
  const first = await startInstance(t, instanceArgs, 'auto');
  const second = await startInstance(t, instanceArgs, 'auto');
  const ports: [number, number] = [first.ports.https as number, second.ports.https as number];
  const [frontend, only1, only2] = [await freePort(), await freePort(), await freePort()];
  const servers = ports.map((port) => `${PROXY_ADDRESS}:${port}`) as [string, string];
  const config = haproxyConfigText([singleServerFrontend('seraphim1', `127.0.0.1:${only1}`, servers[0]), singleServerFrontend('seraphim2', `127.0.0.1:${only2}`, servers[1])]);
  const haproxy = await startHaproxy(t, config, haproxyEnvironment({ frontend: `127.0.0.1:${frontend}`, seraphim1: servers[0], seraphim2: servers[1] }));
  const caFile = join(stateDir, 'dev-ca.pem');
  const ca = readFileSync(caFile, 'utf8');
  return { dir, instanceArgs, instances: [first, second], ports, haproxy, frontend, only: [only1, only2], caFile, client: () => createTlsContext({ ca }) };
}

/** The access log lines of an instance (Combined Log Format) for requests whose target contains `marker`. */
function logLines(instance: CliProcess, marker: string): string[] {
  return instance.stdout().split('\n').filter((line) => line.includes(marker) && /^\S+ - - \[/.test(line));
}

test.serial('docs/deploying.md shows the configuration file this test runs, as it is', (t) => {
  const page = readFileSync(new URL('../../docs/deploying.md', import.meta.url), 'utf8');
  t.true(page.includes(`\`\`\`text\n${readFileSync(HAPROXY_CONFIG, 'utf8')}\`\`\``), 'docs/deploying.md has examples/deploy/haproxy.cfg verbatim in a code block');
});

/**
 * Waits until one of the instances has logged a request whose target contains `marker`: an
 * instance writes its access log line once the response is sent, and the line reaches this
 * process through a pipe, possibly after the client has its response.
 */
async function logged(instances: readonly CliProcess[], marker: string): Promise<void> {
  const line = new RegExp(`^\\S+ - - \\[.*${marker}`);
  const waits = instances.map((instance) => instance.waitForLine(line, 20_000, true));
  await Promise.any(waits);
  // The other waits run out on their own; their rejections are expected and not errors.
  for (const wait of waits) wait.catch(() => undefined);
}

test.serial('requests from 127.0.0.2 through HAProxy appear with 127.0.0.2 in both instances\' access logs', async (t) => {
  const d = await deploy(t);
  const get = async (port: number, marker: string): Promise<number> => {
    const { status } = await curl(['--interface', CLIENT_ADDRESS, '--cacert', d.caFile, `https://127.0.0.1:${port}/?${marker}`]);
    await logged(d.instances, `${marker} `);
    return status;
  };
  // Round robin spreads these over both; the frontends of one instance make sure of each.
  for (let i = 0; i < 4; i++) t.is(await get(d.frontend, `balanced-${i}`), 200);
  t.is(await get(d.only[0], 'only-1'), 200);
  t.is(await get(d.only[1], 'only-2'), 200);
  for (const [index, instance] of d.instances.entries()) {
    const lines = [...logLines(instance, 'balanced-'), ...logLines(instance, `only-${index + 1}`)];
    t.true(lines.length >= 1, `instance ${index + 1} logged requests`);
    for (const line of lines) t.true(line.startsWith(`${CLIENT_ADDRESS} - - [`), `instance ${index + 1} logs the client, not HAProxy: ${line}`);
  }
  const balanced = d.instances.flatMap((instance) => logLines(instance, 'balanced-'));
  t.is(balanced.length, 4, 'every balanced request was logged once');
});

test.serial('a TLS 1.2 session saved through HAProxy resumes on both instances (same --ticket-keys file)', async (t) => {
  const d = await deploy(t);
  const session = join(d.dir, 'client.session');
  t.false((await tls12Handshake(t, d.frontend, { saveTo: session, bind: CLIENT_ADDRESS })).reused);
  for (const [index, port] of d.only.entries()) {
    for (let i = 0; i < 2; i++) {
      t.true((await tls12Handshake(t, port, { resume: session, bind: CLIENT_ADDRESS })).reused, `resumed on instance ${index + 1}, try ${i + 1}`);
    }
  }
  // And through the balanced frontend, whichever instance takes each connection.
  for (let i = 0; i < 4; i++) t.true((await tls12Handshake(t, d.frontend, { resume: session, bind: CLIENT_ADDRESS })).reused, `balanced resumption ${i + 1}`);
});

test.serial('a connection straight to an instance, without a PROXY header, is refused while the instance keeps serving', async (t) => {
  const d = await deploy(t);
  for (const [index, port] of d.ports.entries()) {
    // From the trusted address but with no header (a TLS ClientHello comes first), and from an
    // address that is not trusted at all: neither gets a TLS handshake, let alone a page.
    for (const from of [PROXY_ADDRESS, CLIENT_ADDRESS]) {
      const direct = await runCommand(t, 'curl', ['-sS', '--max-time', '20', '--interface', from, '--cacert', d.caFile, '-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1:${port}/`], { timeoutMs: 30_000 });
      t.not(direct.code, 0, `instance ${index + 1}, straight from ${from}: curl failed`);
      t.is(direct.stdout, '000', `instance ${index + 1}, straight from ${from}: no HTTP response`);
    }
    const through = await curl(['--interface', CLIENT_ADDRESS, '--cacert', d.caFile, `https://127.0.0.1:${d.only[index]}/?after-refusals`]);
    t.is(through.status, 200, `instance ${index + 1} still serves through HAProxy`);
    await logged([d.instances[index] as CliProcess], 'after-refusals ');
  }
});

/** What a client loop saw. */
interface LoopResult {
  requests: number;
  failures: string[];
  connections: number;
}

/**
 * Requests a second each client loop makes: steady traffic all through the restarts, not a load
 * test. Both loops come from 127.0.0.1, as do HAProxy's health checks (their PROXY header names no
 * client), and while an instance drains every response closes its connection, so each request is
 * a handshake: 2 x 10 a second and the checks stay under the 32 handshakes a second one address
 * may start after a burst.
 */
const LOOP_RATE = 10;

/**
 * GETs through HAProxy, LOOP_RATE a second, until `done()` (or `maxRequests`, or `maxMs`): on
 * new connections each time, or on one keep-alive connection reopened whenever a response
 * closes it. Every failure is recorded (no retries).
 */
async function clientLoop(port: number, context: TlsContext, keepAlive: boolean, done: () => boolean, maxRequests: number, maxMs: number): Promise<LoopResult> {
  const result: LoopResult = { requests: 0, failures: [], connections: 0 };
  const deadline = Date.now() + maxMs;
  const next = pace(LOOP_RATE);
  let skt: SecureSocket | undefined;
  while (!done() && result.requests < maxRequests && Date.now() < deadline) {
    await next();
    result.requests++;
    try {
      if (skt === undefined) {
        skt = await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, context);
        result.connections++;
      }
      const answer = await httpGet(skt, `/?loop=${keepAlive ? 'keep-alive' : 'new'}-${result.requests}`, 20_000);
      if (answer.status !== 200) result.failures.push(`request ${result.requests}: status ${answer.status}`);
      if (!keepAlive || answer.headers.get('connection') === 'close') {
        await closeSocket(skt);
        skt = undefined;
      }
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      result.failures.push(`request ${result.requests}: ${err.message}`);
      // The failure is recorded above; closing the broken connection can fail too and says no more.
      if (skt !== undefined) await closeSocket(skt).catch(() => undefined);
      skt = undefined;
    }
  }
  if (skt !== undefined) await closeSocket(skt);
  return result;
}

/**
 * Resolves once HAProxy's checks have brought server `name` to full health (rise + fall - 1 good
 * checks in a row): a server HAProxy has just started with counts as barely up, and its first
 * failed check would take it out at once, whatever `fall` says.
 */
async function fullHealth(haproxy: HaproxyProcess, name: string): Promise<void> {
  const full = new RegExp(`Health check for server seraphim/${name} succeeded, .* status: 3/3 UP`);
  if (haproxy.output().split('\n').some((line) => full.test(line))) return;
  await haproxy.waitForLine(full, 60_000);
}

test.serial('a rolling restart (SIGTERM, HAProxy takes the instance out on its health check, start it again; then the other) loses no request', async (t) => {
  const d = await deploy(t);
  // As an operator would: both in full health before the first restart. (It also means each
  // instance has seen checks, so it drains on SIGTERM.)
  await Promise.all([fullHealth(d.haproxy, 'seraphim1'), fullHealth(d.haproxy, 'seraphim2')]);
  let finished = false;
  const loops = [true, false].map((keepAlive) => clientLoop(d.frontend, d.client(), keepAlive, () => finished, LOOP_RATE * 300, 300_000));
  const restarted: CliProcess[] = [];
  try {
    for (const index of [0, 1] as const) {
      const name = `seraphim${index + 1}`;
      const old = d.instances[index];
      // Taken out by the health check (503 "draining"), not by a refused connection: the
      // instance still served while HAProxy took it out.
      // (option log-health-checks: the check that takes a server out says why.)
      const down = d.haproxy.waitForLine(new RegExp(`Health check for server seraphim/${name} failed, .* status: 0/\\d+ DOWN`), 60_000);
      process.kill(old.pid, 'SIGTERM');
      const downLine = await down;
      t.log(downLine);
      t.regex(downLine, /reason: Layer7 wrong status, code: 503/, `${name} taken out by its health check saying "draining"`);
      t.deepEqual(await old.exited, { code: 0, signal: null }, `${name} stopped cleanly`);
      const up = d.haproxy.waitForLine(new RegExp(`Server seraphim/${name} is UP`), 90_000);
      const again = await startInstance(t, d.instanceArgs, d.ports[index]);
      restarted.push(again);
      t.log(await up);
      // Back in rotation: it serves the clients' requests again; then in full health.
      await again.waitForLine(/"GET \/\?loop=/, 60_000, true);
      await fullHealth(d.haproxy, name);
    }
  } finally {
    finished = true;
  }
  const [keepAlive, fresh] = await Promise.all(loops);
  t.log(`keep-alive client: ${keepAlive?.requests} requests on ${keepAlive?.connections} connections; new-connection client: ${fresh?.requests} requests`);
  t.deepEqual(keepAlive?.failures, []);
  t.deepEqual(fresh?.failures, []);
  t.true((keepAlive?.requests ?? 0) > 20 && (fresh?.requests ?? 0) > 20, 'both clients kept requesting all along');
  t.is(restarted.length, 2);
  t.log(d.haproxy.output().split('\n').filter((line) => line.startsWith('Health check') || line.startsWith('Server ')).join('\n'));
});
