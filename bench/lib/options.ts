import { availableParallelism, cpus } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { RoundOptions } from './rounds.js';

/** The tests bench/plain.ts knows, by the short name `--only` takes. */
export const TEST_NAMES = ['bulk', 'pp1', 'pp50'] as const;
export type TestName = (typeof TEST_NAMES)[number];

/** Everything a run is sized by; `--quick` picks the small set. */
export interface BenchOptions extends RoundOptions {
  quick: boolean;
  /** Run the server side (bulk receiver, echo server) in a worker thread instead of the main thread. */
  worker: boolean;
  /** Connection counts of the ping-pong tests. */
  connections: number[];
  only: TestName[];
  /** Where the JSON goes. */
  out: string;
}

/**
 * Measured passes of a full run of the round benchmarks (plain, basic, tls; SERAPHIM and HAProxy
 * have their own): an even number, so that with the order reversed every other pass (passOrder)
 * neither order has more of them. Sixteen short ping-pong rounds rather than eight long ones, in
 * the same time: see PING_PONG_MS.
 */
export const MEASURED_ROUNDS = 16;

/**
 * How long a ping-pong round of a full run lasts. On the development machine, a virtual one, the
 * same code's round trips per second move by up to about 2x in phases of seconds, so a pair's two
 * rounds (raw and facade, back to back) should be close in time, and there should be many pairs
 * for their median. Three runs of the TLS ping-pong alternating with the method before, on
 * 6 December 2026: 16 rounds of 1 s gave the one-connection ratio's median a bootstrap standard
 * error of 0.005 to 0.008, against 0.013 to 0.05 with 8 rounds of 2 s (50 connections: 0.007
 * to 0.018 against 0.005 to 0.029). It was 8 rounds of 2 s until then.
 */
const PING_PONG_MS = 1_000;

const USAGE = `usage: npm run bench -- [--quick] [--worker] [--rounds N] [--only bulk,pp1,pp50] [--out FILE]
  --quick     fewer, smaller rounds (a smoke run of about 20 s)
  --worker    run the server side in a worker thread (default: client and server in the main thread)
  --rounds N  measured rounds per variant (default ${MEASURED_ROUNDS}, quick 4; even, for ABBA)
  --only L    run only these tests: bulk, pp1 (ping-pong, 1 connection), pp50 (50 connections)
  --out FILE  JSON output (default bench/results/plain.json)`;

/** A bad command line: printed without a stack. */
export class UsageError extends Error {}

/** The flags a benchmark's command line may have, as node:util's parseArgs takes them. */
type Flags = NonNullable<ParseArgsConfig['options']>;
type FlagsConfig<F extends Flags> = { args: string[]; options: F; strict: true; allowPositionals: false };
type ParsedFlags<F extends Flags> = ReturnType<typeof parseArgs<FlagsConfig<F>>>['values'];

/**
 * Parses a benchmark's command line (strict, no positionals). `--help` / `-h` prints `usage` and
 * exits; a flag it does not know, or a value of the wrong kind, is a UsageError with `usage`.
 */
export function parseFlags<F extends Flags>(argv: string[], flags: F, usage: string): ParsedFlags<F> {
  let values: ParsedFlags<F>;
  try {
    values = parseArgs<FlagsConfig<F>>({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  if ((values as { help?: unknown }).help === true) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

/** The flags every benchmark of rounds takes (bench/plain.ts, bench/tls.ts, bench/basic.ts). */
export const ROUND_FLAGS = {
  quick: { type: 'boolean', default: false },
  rounds: { type: 'string' },
  only: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Flags;

/** What WRK_FLAGS give, read: the rounds of wrk runs and their size. */
export interface WrkRunOptions {
  quick: boolean;
  /** Measured rounds per server. */
  rounds: number;
  /** Seconds per wrk run. */
  duration: number;
  /** Seconds of the unmeasured warm-up run. */
  warmup: number;
  /** wrk's connections. */
  connections: number;
}

/** The flags of the benchmarks that drive a server with wrk (bench/seraphim.ts, bench/haproxy.ts). */
export const WRK_FLAGS = {
  quick: { type: 'boolean', default: false },
  rounds: { type: 'string' },
  duration: { type: 'string' },
  connections: { type: 'string' },
} as const satisfies Flags;

export function parseOptions(argv: string[]): BenchOptions {
  const values = parseFlags(argv, { ...ROUND_FLAGS, worker: { type: 'boolean', default: false } }, USAGE);
  const quick = values.quick === true;
  return {
    quick,
    worker: values.worker === true,
    rounds: integerOption('rounds', values.rounds, quick ? 4 : MEASURED_ROUNDS, 1, 50, USAGE),
    ...streamSizes(quick),
    only: onlyTests(values.only, TEST_NAMES, USAGE),
    out: values.out ?? new URL('../results/plain.json', import.meta.url).pathname,
  };
}

/** The sizes of the bulk and ping-pong tests, the same for the plain and the TLS benchmark. */
export function streamSizes(quick: boolean): Omit<RoundOptions, 'rounds'> & { connections: number[] } {
  return {
    warmupRounds: 1,
    bulkBytes: quick ? 128 * 1024 * 1024 : 1024 * 1024 * 1024,
    bulkMaxMs: quick ? 2_000 : 10_000,
    pingPongMs: quick ? 500 : PING_PONG_MS,
    pingPongMaxRoundTrips: quick ? 1_000_000 : 5_000_000,
    messageSize: 64,
    connections: [1, 50],
  };
}

/** `--NAME N`: a whole number from `min` to `max`; `fallback` without the flag. */
export function integerOption(name: string, value: string | undefined, fallback: number, min: number, max: number, usage: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}\n${usage}`);
  return n;
}

/** `--only a,b`: the tests named, each checked against `names`; all of them without the option. */
export function onlyTests<T extends string>(value: string | undefined, names: readonly T[], usage: string): T[] {
  const only = value === undefined ? [...names] : value.split(',').map((s) => s.trim());
  for (const name of only) {
    if (!(names as readonly string[]).includes(name)) throw new UsageError(`--only: unknown test ${JSON.stringify(name)}\n${usage}`);
  }
  return only as T[];
}

/** The machine and runtime, printed first and written to the JSON. */
export function environment(): { node: string; v8: string; platform: string; arch: string; cpus: number; cpuModel: string } {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
  };
}
