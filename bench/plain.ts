/**
 * `npm run bench`: the plain facade against raw node:net, on loopback, in one run.
 *
 * 1. bulk: one connection sends 1 GiB (or for 10 s) one way. Facade: writeSocket of 64 KiB to
 *    1 MiB Buffers (SKT$BLOCKING) and readSocketBuffer(skt, 65536, SKT$BLOCKING) in a loop.
 *    Raw: socket.write with 'drain', and 'data' events. Figure: MiB/s at the receiver.
 * 2. ping-pong: the client writes 64 bytes, the server echoes them, the client reads until it has
 *    all 64; on 1 and on 50 concurrent connections, for 2 s a round. Facade on both sides, or
 *    raw on both sides. Figure: round trips per second, all connections together.
 *
 * Rounds alternate raw, facade, raw, facade, ... after one unmeasured warm-up round of each; the
 * table shows medians and the ratio facade/raw. Flags: see bench/lib/options.ts or `--help`.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { inProcessHost, workerHost, type ServerHost } from './lib/host.js';
import { environment, parseOptions, UsageError, type BenchOptions, type TestName } from './lib/options.js';
import { HOST, runBulkSender, runPingPong, type BulkReceived, type EchoServed, type Variant } from './lib/peers.js';
import { result, table, writeJson, type TestResult } from './lib/report.js';

const MiB = 1024 * 1024;
/** How long past its own time cap a round may take before the watchdog closes its sockets. */
const ROUND_GRACE_MS = 15_000;

interface Measurement {
  /** The figure of the round (MiB/s, round trips/s). */
  value: number;
  /** Process CPU time (user + system, every thread) per operation of the round, in microseconds. */
  cpuPerOp: number;
  detail: string;
}

/** Runs a round and adds the CPU time it took per operation (per MiB, per round trip). */
async function measured(round: () => Promise<{ value: number; ops: number; detail: string }>): Promise<Measurement> {
  const before = process.cpuUsage();
  const m = await round();
  const cpu = process.cpuUsage(before);
  const cpuPerOp = (cpu.user + cpu.system) / m.ops;
  return { value: m.value, cpuPerOp, detail: `${m.detail}, cpu ${cpuPerOp.toFixed(1)} us/op (${((100 * cpu.system) / (cpu.user + cpu.system)).toFixed(0)}% sys)` };
}

/** Runs `body`, closing its sockets through the registered aborts if it fails or overruns `limitMs`. */
async function withWatchdog<T>(limitMs: number, what: string, body: (register: (abort: () => void) => void) => Promise<T>): Promise<T> {
  const aborts: (() => void)[] = [];
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    console.error(`watchdog: ${what} overran ${limitMs} ms; closing its sockets`);
    for (const abort of aborts) abort();
  }, limitMs);
  try {
    const value = await body((abort) => aborts.push(abort));
    if (fired) throw new Error(`${what}: overran its time limit`);
    return value;
  } catch (err) {
    // A failed round closes everything it opened, so the process can still exit by itself.
    for (const abort of aborts) abort();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function bulkRound(host: ServerHost, variant: Variant, opts: BenchOptions): Promise<Measurement> {
  return measured(() => withWatchdog(opts.bulkMaxMs + ROUND_GRACE_MS, `bulk ${variant}`, async (register) => {
    const server = await host.start({ kind: 'bulk', variant, maxBytes: opts.bulkBytes });
    register(server.abort);
    const sender = await runBulkSender(variant, server.port, opts.bulkBytes, opts.bulkMaxMs);
    register(sender.abort);
    const [sent, received] = await Promise.all([sender.done, server.result as Promise<BulkReceived>]);
    if (received.bytes !== sent.bytes) throw new Error(`bulk ${variant}: sent ${sent.bytes} bytes but ${received.bytes} arrived`);
    const mibps = received.timedBytes / MiB / (received.ms / 1000);
    return { value: mibps, ops: received.bytes / MiB, detail: `${(received.bytes / MiB).toFixed(0)} MiB in ${received.ms.toFixed(0)} ms, ${sent.writes} writes` };
  }));
}

async function pingPongRound(host: ServerHost, variant: Variant, connections: number, opts: BenchOptions): Promise<Measurement> {
  return measured(() => withWatchdog(opts.pingPongMs + ROUND_GRACE_MS, `ping-pong x${connections} ${variant}`, async (register) => {
    const server = await host.start({
      kind: 'echo',
      variant,
      connections,
      messageSize: opts.messageSize,
      maxEchoes: opts.pingPongMaxRoundTrips,
    });
    register(server.abort);
    const client = await runPingPong(variant, server.port, connections, opts.messageSize, opts.pingPongMs, opts.pingPongMaxRoundTrips);
    register(client.abort);
    const [done, served] = await Promise.all([client.done, server.result as Promise<EchoServed>]);
    if (served.echoed !== done.roundTrips) {
      throw new Error(`ping-pong x${connections} ${variant}: ${done.roundTrips} round trips but ${served.echoed} echoes`);
    }
    const rate = done.roundTrips / (done.ms / 1000);
    return { value: rate, ops: done.roundTrips, detail: `${done.roundTrips.toLocaleString('en-US')} round trips in ${done.ms.toFixed(0)} ms` };
  }));
}

/** The figures of the measured rounds of one test. */
interface Rounds {
  raw: number[];
  facade: number[];
  cpu: { raw: number[]; facade: number[] };
}

/** Warm-up rounds, then measured rounds alternating raw, facade, raw, facade, ... */
async function alternate(label: string, opts: BenchOptions, round: (variant: Variant) => Promise<Measurement>): Promise<Rounds> {
  const out: Rounds = { raw: [], facade: [], cpu: { raw: [], facade: [] } };
  const total = opts.warmupRounds + opts.rounds;
  for (let i = 0; i < total; i++) {
    for (const variant of ['raw', 'facade'] as const) {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      await sleep(50); // let the previous round's sockets finish closing
      const m = await round(variant);
      const warm = i < opts.warmupRounds;
      if (!warm) {
        out[variant].push(m.value);
        out.cpu[variant].push(m.cpuPerOp);
      }
      const tag = warm ? 'warm-up' : `round ${i - opts.warmupRounds + 1}`;
      console.log(`  ${label.padEnd(16)} ${variant.padEnd(6)} ${tag.padEnd(8)} ${formatValue(m.value).padStart(12)}  (${m.detail})`);
    }
  }
  return out;
}

function formatValue(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const env = environment();
  // The last resort: no run may hang. Unref'd, so it never keeps the process alive by itself.
  const budget = opts.quick ? 120_000 : 900_000;
  setTimeout(() => {
    console.error(`bench: still running after ${budget / 1000} s; giving up`);
    process.exit(2);
  }, budget).unref();

  console.log(`scarlet-sockets plain benchmark: facade vs raw node:net on ${HOST}`);
  console.log(`Node ${env.node} (V8 ${env.v8}), ${env.platform}/${env.arch}, ${env.cpus} CPUs (${env.cpuModel})`);
  const host = opts.worker ? await workerHost() : inProcessHost();
  console.log(
    `${opts.quick ? 'quick run' : 'full run'}: ${opts.rounds} measured rounds per variant after ${opts.warmupRounds} warm-up, ` +
      `server side in the ${host.where}; bulk ${opts.bulkBytes / MiB} MiB or ${opts.bulkMaxMs / 1000} s a round, ` +
      `ping-pong ${opts.messageSize} B for ${opts.pingPongMs / 1000} s a round`,
  );
  const started = performance.now();
  const results: TestResult[] = [];
  const run = (name: TestName): boolean => opts.only.includes(name);
  try {
    if (run('bulk')) {
      const r = await alternate('bulk', opts, (v) => bulkRound(host, v, opts));
      results.push(
        result('bulk', 'bulk 1 way, 64 KiB reads', 'MiB/s', 0.95, r, 'us/MiB', {
          bytesPerRound: opts.bulkBytes,
          maxMsPerRound: opts.bulkMaxMs,
          readSize: 65536,
          writeSizes: '64 KiB, 256 KiB, 1 MiB cycled',
        }),
      );
    }
    for (const connections of opts.connections) {
      const id = connections === 1 ? 'pp1' : 'pp50';
      if (!run(id as TestName)) continue;
      const r = await alternate(`ping-pong x${connections}`, opts, (v) => pingPongRound(host, v, connections, opts));
      results.push(
        result(id, `ping-pong ${opts.messageSize} B, ${connections} conn`, 'round trips/s', 0.9, r, 'us/round trip', {
          connections,
          messageSize: opts.messageSize,
          msPerRound: opts.pingPongMs,
          maxRoundTripsPerRound: opts.pingPongMaxRoundTrips,
        }),
      );
    }
  } finally {
    await host.close();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nMedians of ${opts.rounds} alternating rounds each (${seconds.toFixed(0)} s). Ratio = facade / raw; compare only within one run.\n`);
  console.log(table(results));
  writeJson(opts.out, {
    benchmark: 'plain',
    date: new Date().toISOString(),
    environment: env,
    mode: opts.quick ? 'quick' : 'full',
    serverSide: host.where,
    rounds: opts.rounds,
    warmupRounds: opts.warmupRounds,
    seconds,
    results,
  });
  console.log(`\nJSON: ${opts.out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof UsageError ? err.message : err);
  process.exitCode = 1;
});
