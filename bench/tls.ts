/**
 * `tsx bench/tls.ts`: the secure sockets of the facade against raw node:tls, on loopback, in one
 * run, with one certificate (RSA 2048 from the development CA) on both sides. Both allow TLS 1.2
 * and up, so both negotiate TLS 1.3 (see bench/lib/tls-material.ts).
 *
 * 1. bulk: one TLS connection sends 1 GiB (or for 10 s) one way; the loops of bench/plain.ts
 *    (writeSocket / readSocketBuffer(skt, 65536, SKT$BLOCKING) against 'data' events and
 *    'drain'). Figure: MiB/s at the receiver. Target: facade >= 0.95x raw.
 * 2. ping-pong: 64 bytes echoed on 1 and on 50 TLS connections for 1 s a round, facade on both
 *    sides or raw on both sides. Figure: round trips per second. Target: >= 0.95x raw.
 *    (1 and 2: rounds alternate raw, facade, facade, raw, ... after a warm-up round, as in plain.ts.)
 * 3. handshakes: the server alone in a child process, `openssl s_time -new` then `-reuse`
 *    (`-www /`, so TLS 1.3 tickets are read and resumption happens) drive connections; the
 *    figure is the server process's CPU time (process.cpuUsage in that process) per full and
 *    per resumed handshake, including accepting the connection, answering a tiny HTTP request
 *    and closing. Target: full handshakes facade <= 1.1x raw; resumed is reported.
 * 4. memory: the server alone in a child process, a client child opens 5,000 TLS connections
 *    and keeps them idle; the figure is the server's RSS growth (after a full GC) per connection.
 *    Target: facade <= 1.2x raw. Heap + external per connection is reported too.
 *    (3 and 4: rounds alternate raw, facade, facade, raw, ... each in fresh processes.)
 *
 * Flags: `--help`, or see bench/lib/tls-options.ts. Results: the table, and bench/results/tls.json.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { killChildren, runSTime, startClientChild, startServerChild, type CpuMemSample, type ServerChild, type STimeResult } from './lib/children.js';
import { giveUpAfter } from './lib/processes.js';
import { inProcessHost, workerHost } from './lib/host.js';
import { environment, UsageError } from './lib/options.js';
import { HOST, type Variant } from './lib/peers.js';
import { passOrder, result, table, writeJson, type TestResult } from './lib/report.js';
import { alternate, bulkRound, MiB, pingPongRound, withWatchdog, type Measurement, type Rounds } from './lib/rounds.js';
import { parseTlsOptions, type TlsBenchOptions } from './lib/tls-options.js';
import { newTlsMaterial, type TlsMaterial } from './lib/tls-material.js';

const KiB = 1024;
const VARIANTS = ['raw', 'facade'] as const;

/** The negotiation check: both variants must have run the same protocol and cipher. */
function negotiation(label: string, raw: readonly string[], facade: readonly string[]): { raw: string[]; facade: string[]; same: boolean } {
  const same = raw.length > 0 && raw.length === facade.length && raw.every((key) => facade.includes(key));
  if (!same) console.warn(`  WARNING: ${label}: raw negotiated [${raw.join(', ')}] but the facade [${facade.join(', ')}]; the ratio compares unlike things`);
  return { raw: [...raw], facade: [...facade], same };
}

// ---------------------------------------------------------------------------------------------
// Handshakes: server CPU per full and per resumed handshake.

interface HandshakeRound {
  fullUs: number;
  resumedUs: number;
  full: { sTime: STimeResult; serverFull: number; serverResumed: number; cpuUs: number };
  reuse: { sTime: STimeResult; serverFull: number; serverResumed: number; cpuUs: number };
  failed: number;
  negotiated: string[];
}

const cpuOf = (s: CpuMemSample): number => s.cpu.user + s.cpu.system;

/** Waits (bounded) until the server has no connection open, so a window's work is all in it. */
async function settled(server: ServerChild, gc = false): Promise<CpuMemSample> {
  let s = await server.sample(gc);
  for (let i = 0; i < 100 && s.open > 0; i++) {
    await sleep(20);
    s = await server.sample(gc);
  }
  return s;
}

/** A round's way to hand the watchdog what to kill when it overruns. */
type Register = (abort: () => void) => void;

async function handshakeRound(variant: Variant, round: number, opts: TlsBenchOptions, tls: TlsMaterial, register: Register): Promise<HandshakeRound> {
  // One directory per child: under `--import tsx` a second thread (the module loader) writes a profile too.
  const profile = opts.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(opts.profileDir, `hs-${variant}-${round}`)];
  const server = await startServerChild(variant, tls, profile);
  register(server.kill);
  try {
    // Unmeasured: JIT and OpenSSL warm-up of this process.
    await runSTime(server.port, 'new', opts.handshakeWarmupSeconds);
    const s0 = await settled(server);
    const fresh = await runSTime(server.port, 'new', opts.handshakeSeconds);
    const s1 = await settled(server);
    const reuse = await runSTime(server.port, 'reuse', opts.handshakeSeconds);
    const s2 = await settled(server);
    const full = { sTime: fresh, serverFull: s1.full - s0.full, serverResumed: s1.resumed - s0.resumed, cpuUs: cpuOf(s1) - cpuOf(s0) };
    const again = { sTime: reuse, serverFull: s2.full - s1.full, serverResumed: s2.resumed - s1.resumed, cpuUs: cpuOf(s2) - cpuOf(s1) };
    if (full.serverFull === 0 || again.serverResumed === 0) {
      throw new Error(`handshakes ${variant}: ${full.serverFull} full and ${again.serverResumed} resumed handshakes reached the server`);
    }
    // Every connection of the -new window is a full handshake; the -reuse window has a full one
    // first (and any that did not resume), whose cost the full window tells.
    const fullUs = full.cpuUs / (full.serverFull + full.serverResumed);
    const resumedUs = (again.cpuUs - again.serverFull * fullUs) / again.serverResumed;
    return { fullUs, resumedUs, full, reuse: again, failed: s2.failed, negotiated: s2.negotiated };
  } finally {
    await server.stop();
  }
}

/**
 * The rounds of a test in child processes: opts.childRounds passes over both variants, every
 * other one in the reverse order, each round (numbered from 1) under a watchdog of `limitMs` and
 * printed with `describe`. Returns each variant's rounds, a picker of one figure from both, and the check that
 * both negotiated alike.
 */
async function childRounds<R extends { negotiated: string[] }>(
  label: string,
  opts: TlsBenchOptions,
  limitMs: number,
  round: (variant: Variant, number: number, register: Register) => Promise<R>,
  describe: (r: R) => string,
): Promise<{ rounds: Record<Variant, R[]>; pick: (f: (r: R) => number) => Record<Variant, number[]>; negotiated: ReturnType<typeof negotiation> }> {
  const rounds: Record<Variant, R[]> = { raw: [], facade: [] };
  for (let i = 0; i < opts.childRounds; i++) {
    for (const variant of passOrder(VARIANTS, i)) {
      const r = await withWatchdog(limitMs, `${label} ${variant}`, (register) => round(variant, i + 1, register));
      rounds[variant].push(r);
      console.log(`  ${label.padEnd(16)} ${variant.padEnd(6)} ${`round ${i + 1}`.padEnd(8)} ${describe(r)}`);
    }
  }
  const pick = (f: (r: R) => number): Record<Variant, number[]> => ({ raw: rounds.raw.map(f), facade: rounds.facade.map(f) });
  const distinct = (v: Variant): string[] => [...new Set(rounds[v].flatMap((r) => r.negotiated))];
  return { rounds, pick, negotiated: negotiation(label, distinct('raw'), distinct('facade')) };
}

async function handshakeTest(opts: TlsBenchOptions, tls: TlsMaterial): Promise<TestResult[]> {
  const limit = (opts.handshakeWarmupSeconds + 2 * opts.handshakeSeconds) * 1000 + 90_000;
  const connections = (s: STimeResult): string => `${s.connections} conn`;
  const { rounds, pick, negotiated: neg } = await childRounds(
    'handshakes',
    opts,
    limit,
    (variant, number, register) => handshakeRound(variant, number, opts, tls, register),
    (r) =>
      `full ${r.fullUs.toFixed(0).padStart(5)} us, resumed ${r.resumedUs.toFixed(0).padStart(5)} us  ` +
      `(s_time -new ${connections(r.full.sTime)}, -reuse ${connections(r.reuse.sTime)} of which ${r.reuse.sTime.resumed} resumed; ` +
      `server saw ${r.full.serverFull} full, then ${r.reuse.serverResumed} resumed + ${r.reuse.serverFull} full; ${r.failed} failed)`,
  );
  const perVariant = (v: Variant) =>
    rounds[v].map((r) => ({
      fullUs: r.fullUs,
      resumedUs: r.resumedUs,
      sTimeNew: r.full.sTime.summary,
      sTimeReuse: r.reuse.sTime.summary,
      sTimeNewConnections: r.full.sTime.connections,
      sTimeReuseConnections: r.reuse.sTime.connections,
      sTimeReuseResumed: r.reuse.sTime.resumed,
      serverFullInNewWindow: r.full.serverFull,
      serverResumedInReuseWindow: r.reuse.serverResumed,
      serverFullInReuseWindow: r.reuse.serverFull,
      serverCpuUsNewWindow: r.full.cpuUs,
      serverCpuUsReuseWindow: r.reuse.cpuUs,
      failedHandshakes: r.failed,
    }));
  const setup = {
    client: `openssl s_time -connect 127.0.0.1:PORT -new|-reuse -time ${opts.handshakeSeconds} -www /`,
    warmupSeconds: opts.handshakeWarmupSeconds,
    certificate: 'RSA 2048, development CA',
    serverWork: 'accept, handshake, read the HTTP request, write a 90-byte response, close',
  };
  const extra = { negotiated: neg, rounds: { raw: perVariant('raw'), facade: perVariant('facade') } };
  return [
    result('handshake-full', 'full handshake, server CPU', 'us/handshake', 1.1, pick((r) => r.fullUs), undefined, setup, { better: 'lower', extra }),
    result('handshake-resumed', 'resumed handshake, server CPU', 'us/handshake', null, pick((r) => r.resumedUs), undefined, setup, { better: 'lower' }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Memory per idle TLS connection.

interface MemoryRound {
  rssPerConn: number;
  heapExternalPerConn: number;
  connections: number;
  before: CpuMemSample['memory'];
  after: CpuMemSample['memory'];
  handshakeMs: number;
  negotiated: string[];
}

async function memoryRound(variant: Variant, opts: TlsBenchOptions, tls: TlsMaterial, register: Register): Promise<MemoryRound> {
  const server = await startServerChild(variant, tls);
  register(server.kill);
  const client = startClientChild();
  register(client.kill);
  try {
    const n = opts.memoryConnections;
    // Warm-up: connections opened and closed, so one-time costs (JIT, OpenSSL tables) precede the baseline.
    const warm = await client.open(server.port, opts.memoryWarmupConnections, opts.memoryConcurrency, tls.ca, 60_000);
    if (warm.failed > 0) throw new Error(`memory ${variant}: ${warm.failed} warm-up connections failed (${warm.firstError})`);
    await client.close();
    const before = await settled(server, true);
    if (before.open !== 0) throw new Error(`memory ${variant}: ${before.open} warm-up connections still open`);
    const opened = await client.open(server.port, n, opts.memoryConcurrency, tls.ca, 240_000);
    if (opened.connected !== n) throw new Error(`memory ${variant}: ${opened.connected} of ${n} connections opened (${opened.failed} failed: ${opened.firstError})`);
    // The client is done when it has the server's Finished; the server, one message later.
    let now = await server.sample();
    for (let i = 0; i < 300 && now.open < n; i++) {
      await sleep(50);
      now = await server.sample();
    }
    if (now.open !== n) throw new Error(`memory ${variant}: the server holds ${now.open} of ${n} connections`);
    const after = await server.sample(true);
    const heapExternal = (m: CpuMemSample['memory']): number => m.heapUsed + m.external;
    return {
      rssPerConn: (after.memory.rss - before.memory.rss) / n / KiB,
      heapExternalPerConn: (heapExternal(after.memory) - heapExternal(before.memory)) / n / KiB,
      connections: n,
      before: before.memory,
      after: after.memory,
      handshakeMs: opened.ms,
      negotiated: after.negotiated,
    };
  } finally {
    client.kill();
    server.kill();
  }
}

async function memoryTest(opts: TlsBenchOptions, tls: TlsMaterial): Promise<TestResult[]> {
  const { rounds, pick, negotiated: neg } = await childRounds(
    'memory',
    opts,
    400_000,
    (variant, _number, register) => memoryRound(variant, opts, tls, register),
    (r) =>
      `${r.rssPerConn.toFixed(1).padStart(8)} KiB/conn rss` +
      `  (heap+external ${r.heapExternalPerConn.toFixed(1)} KiB/conn; rss ${(r.before.rss / MiB).toFixed(0)} -> ${(r.after.rss / MiB).toFixed(0)} MiB ` +
      `for ${r.connections} connections, opened in ${(r.handshakeMs / 1000).toFixed(1)} s)`,
  );
  const setup = {
    connections: opts.memoryConnections,
    concurrentHandshakes: opts.memoryConcurrency,
    warmupConnections: opts.memoryWarmupConnections,
    idle: 'raw: a data listener; facade: a pending readSocketBuffer(skt, 4096, SKT$BLOCKING, 0)',
    measured: 'server process after gc(), after minus before the connections, divided by their number',
  };
  const mem = (r: MemoryRound) => ({ before: r.before, after: r.after, rssPerConnKiB: r.rssPerConn, heapExternalPerConnKiB: r.heapExternalPerConn, openMs: r.handshakeMs });
  const extra = { negotiated: neg, rounds: { raw: rounds.raw.map(mem), facade: rounds.facade.map(mem) } };
  return [
    result('memory', `memory per idle conn (${opts.memoryConnections.toLocaleString('en-US')}), RSS`, 'KiB/conn', 1.2, pick((r) => r.rssPerConn), undefined, setup, {
      better: 'lower',
      extra,
    }),
    result('memory-heap', 'memory per idle conn, heap+external', 'KiB/conn', null, pick((r) => r.heapExternalPerConn), undefined, setup, { better: 'lower' }),
  ];
}

// ---------------------------------------------------------------------------------------------

function opensslVersion(): string {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'openssl not found';
  }
}

function withNegotiation(r: TestResult, label: string, rounds: Rounds): TestResult {
  return { ...r, extra: { negotiated: negotiation(label, rounds.negotiated.raw, rounds.negotiated.facade) } };
}

async function main(): Promise<void> {
  const opts = parseTlsOptions(process.argv.slice(2));
  const env = environment();
  giveUpAfter(opts.quick ? 120_000 : 900_000);

  const openssl = opensslVersion();
  console.log(`scarlet-sockets TLS benchmark: facade vs raw node:tls on ${HOST}`);
  console.log(`Node ${env.node} (V8 ${env.v8}, OpenSSL ${process.versions.openssl}), ${env.platform}/${env.arch}, ${env.cpus} CPUs (${env.cpuModel}); client tool ${openssl}`);
  const tls = newTlsMaterial();
  const host = opts.worker ? await workerHost() : inProcessHost();
  console.log(
    `${opts.quick ? 'quick run' : 'full run'}: bulk and ping-pong ${opts.rounds} measured rounds per variant after ${opts.warmupRounds} warm-up, ` +
      `server side in the ${host.where}; bulk ${opts.bulkBytes / MiB} MiB or ${opts.bulkMaxMs / 1000} s, ping-pong ${opts.messageSize} B for ${opts.pingPongMs / 1000} s; ` +
      `handshakes and memory ${opts.childRounds} round(s) per variant in child processes, s_time ${opts.handshakeSeconds} s, ${opts.memoryConnections} connections held`,
  );
  const started = performance.now();
  const results: TestResult[] = [];
  const run = (name: TlsBenchOptions['only'][number]): boolean => opts.only.includes(name);
  try {
    if (run('bulk')) {
      const r = await alternate('tls bulk', opts, (v): Promise<Measurement> => bulkRound(host, v, opts, tls));
      const res = result('bulk', 'TLS bulk 1 way, 64 KiB reads', 'MiB/s', 0.95, r, 'us/MiB', {
        bytesPerRound: opts.bulkBytes,
        maxMsPerRound: opts.bulkMaxMs,
        readSize: 65536,
        writeSizes: '64 KiB, 256 KiB, 1 MiB cycled',
      });
      results.push(withNegotiation(res, 'bulk', r));
    }
    for (const connections of opts.connections) {
      const id = connections === 1 ? 'pp1' : 'pp50';
      if (!run(id)) continue;
      const r = await alternate(`tls ping-pong x${connections}`, opts, (v) => pingPongRound(host, v, connections, opts, tls));
      const res = result(id, `TLS ping-pong ${opts.messageSize} B, ${connections} conn`, 'round trips/s', 0.95, r, 'us/round trip', {
        connections,
        messageSize: opts.messageSize,
        msPerRound: opts.pingPongMs,
        maxRoundTripsPerRound: opts.pingPongMaxRoundTrips,
      });
      results.push(withNegotiation(res, `ping-pong x${connections}`, r));
    }
  } finally {
    await host.close();
  }
  try {
    if (run('handshake')) results.push(...(await handshakeTest(opts, tls)));
    if (run('memory')) results.push(...(await memoryTest(opts, tls)));
  } finally {
    killChildren();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nMedians (${seconds.toFixed(0)} s). Ratio = facade / raw; compare only within one run. ` +
      `Bulk and ping-pong: higher is better; handshake CPU and memory: lower is better.\n`,
  );
  console.log(table(results));
  writeJson(opts.out, {
    benchmark: 'tls',
    date: new Date().toISOString(),
    environment: { ...env, openssl: process.versions.openssl, clientTool: openssl },
    mode: opts.quick ? 'quick' : 'full',
    serverSide: host.where,
    rounds: opts.rounds,
    warmupRounds: opts.warmupRounds,
    childRounds: opts.childRounds,
    seconds,
    results,
  });
  console.log(`\nJSON: ${opts.out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof UsageError ? err.message : err);
  killChildren();
  process.exitCode = 1;
});
