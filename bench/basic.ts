/**
 * `npx tsx bench/basic.ts`: what scarlet-sockets/basic (BASIC's calling convention: values and
 * status(), phantoms) costs over the main API, in the plain ping-pong on loopback, in one run.
 *
 * The client writes 64 bytes, the server echoes them, the client reads until it has all 64; on 1
 * and on 50 concurrent connections, for 1 s a round. `main`: the facade loops of bench/plain.ts
 * on the main API, reading latin1 strings (readSocket) as a port does. `basic`: the same loops
 * ported to scarlet-sockets/basic (`const data = await readSocket(...); if (status()) ...`), each
 * connection in a phantom. Both sides (echo server and clients) use the entry under test.
 *
 * Each variant runs in a child process of its own, both sides in its main thread (see
 * bench/lib/variant-child.ts for why). Rounds alternate main, basic, basic, main, ... after
 * one unmeasured warm-up round of each; the table shows medians and the ratio basic/main (the
 * median of the passes' ratios), target
 * 0.95 (at most 5 % slower). Flags: `--help`.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseBasicOptions } from './lib/basic-options.js';
import { killChildren } from './lib/children.js';
import { environment, UsageError } from './lib/options.js';
import { HOST } from './lib/peers.js';
import { giveUpAfter } from './lib/processes.js';
import { result, table, writeJson, type TestResult } from './lib/report.js';
import { alternate, formatValue } from './lib/rounds.js';
import { startVariantProcess, type VariantProcess } from './lib/variant-processes.js';

const VARIANTS = ['main', 'basic'] as const;
/** The ratio basic/main must reach: the basic entry costs at most 5 % over the main API. */
const TARGET = 0.95;

async function main(): Promise<void> {
  const opts = parseBasicOptions(process.argv.slice(2));
  const env = environment();
  giveUpAfter(opts.quick ? 120_000 : 900_000);

  console.log(`scarlet-sockets/basic benchmark: the basic entry vs the main API on ${HOST}`);
  console.log(`Node ${env.node} (V8 ${env.v8}), ${env.platform}/${env.arch}, ${env.cpus} CPUs (${env.cpuModel})`);
  // A 5 % question on a shared machine: say how busy it was, and keep it with the figures.
  const load = loadavg()[0] ?? 0;
  console.log(`load average at start: ${load.toFixed(2)}${load > env.cpus / 2 ? '  WARNING: the machine is busy; the figures will be noisy' : ''}`);
  console.log(
    `${opts.quick ? 'quick run' : 'full run'}: ${opts.rounds} measured rounds per variant after ${opts.warmupRounds} warm-up, ` +
      `each variant in its own process (both sides in its main thread); ping-pong ${opts.messageSize} B for ${opts.pingPongMs / 1000} s a round`,
  );
  const started = performance.now();
  const results: TestResult[] = [];
  const processes = {} as Record<(typeof VARIANTS)[number], VariantProcess>;
  for (const variant of VARIANTS) {
    const prof = opts.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(opts.profileDir, variant)];
    processes[variant] = startVariantProcess(variant, prof);
  }
  try {
    for (const connections of opts.connections) {
      const id = connections === 1 ? 'pp1' : 'pp50';
      if (!opts.only.includes(id)) continue;
      const r = await alternate(`ping-pong x${connections}`, opts, (v) => processes[v].round(connections, opts), formatValue, VARIANTS);
      results.push(
        result(id, `ping-pong ${opts.messageSize} B, ${connections} conn`, 'round trips/s', TARGET, r, 'us/round trip', {
          connections,
          messageSize: opts.messageSize,
          msPerRound: opts.pingPongMs,
          maxRoundTripsPerRound: opts.pingPongMaxRoundTrips,
        }),
      );
    }
    // Let the children exit by themselves, so that --profile's profiles get written.
    await Promise.all(VARIANTS.map((v) => processes[v].stop()));
  } finally {
    killChildren();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nMedians of ${opts.rounds} alternating rounds each (${seconds.toFixed(0)} s). Ratio = basic / main; compare only within one run.\n`);
  console.log(table(results, { raw: 'main', facade: 'basic' }));
  writeJson(opts.out, {
    benchmark: 'basic',
    date: new Date().toISOString(),
    environment: env,
    loadAverageAtStart: load,
    mode: opts.quick ? 'quick' : 'full',
    // The results' `raw` figures are the main API's, their `facade` figures scarlet-sockets/basic's.
    compared: { raw: 'main', facade: 'basic' },
    serverSide: 'the variant process main thread',
    rounds: opts.rounds,
    warmupRounds: opts.warmupRounds,
    seconds,
    results,
  });
  if (opts.profileDir !== undefined) console.log(`\nCPU profiles: ${join(opts.profileDir, 'main')}/, ${join(opts.profileDir, 'basic')}/`);
  console.log(`\nJSON: ${opts.out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof UsageError ? err.message : err);
  killChildren();
  process.exitCode = 1;
});
