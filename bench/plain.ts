/**
 * `npm run bench`: the plain facade against raw node:net, on loopback, in one run.
 *
 * 1. bulk: one connection sends 1 GiB (or for 10 s) one way. Facade: writeSocket of 64 KiB to
 *    1 MiB Buffers (SKT$BLOCKING) and readSocketBuffer(skt, 65536, SKT$BLOCKING) in a loop.
 *    Raw: socket.write with 'drain', and 'data' events. Figure: MiB/s at the receiver.
 * 2. ping-pong: the client writes 64 bytes, the server echoes them, the client reads until it has
 *    all 64; on 1 and on 50 concurrent connections, for 1 s a round. Facade on both sides, or
 *    raw on both sides. Figure: round trips per second, all connections together.
 *
 * Rounds alternate raw, facade, facade, raw, ... (ABBA) after one unmeasured warm-up round of
 * each; the table shows medians and the ratio facade/raw, the median of the passes' ratios. Flags: see bench/lib/options.ts or `--help`.
 */
import { performance } from 'node:perf_hooks';
import { inProcessHost, workerHost } from './lib/host.js';
import { environment, parseOptions, UsageError, type TestName } from './lib/options.js';
import { HOST } from './lib/peers.js';
import { giveUpAfter } from './lib/processes.js';
import { result, table, writeJson, type TestResult } from './lib/report.js';
import { alternate, bulkRound, MiB, pingPongRound } from './lib/rounds.js';

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const env = environment();
  giveUpAfter(opts.quick ? 120_000 : 900_000);

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
        result(id, `ping-pong ${opts.messageSize} B, ${connections} conn`, 'round trips/s', 0.95, r, 'us/round trip', {
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
