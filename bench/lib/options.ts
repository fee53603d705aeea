import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';

/** The tests bench/plain.ts knows, by the short name `--only` takes. */
export const TEST_NAMES = ['bulk', 'pp1', 'pp50'] as const;
export type TestName = (typeof TEST_NAMES)[number];

/** Everything a run is sized by; `--quick` picks the small set. */
export interface BenchOptions {
  quick: boolean;
  /** Run the server side (bulk receiver, echo server) in a worker thread instead of the main thread. */
  worker: boolean;
  /** Measured rounds per variant and test (alternating raw, facade, raw, ...). */
  rounds: number;
  /** Unmeasured warm-up rounds per variant and test, before the measured ones. */
  warmupRounds: number;
  /** Bulk: bytes per round, and the time cap of a round. */
  bulkBytes: number;
  bulkMaxMs: number;
  /** Ping-pong: duration of a round, and the cap on round trips per round (all connections together). */
  pingPongMs: number;
  pingPongMaxRoundTrips: number;
  /** Bytes per ping and per pong. */
  messageSize: number;
  /** Connection counts of the ping-pong tests. */
  connections: number[];
  only: TestName[];
  /** Where the JSON goes. */
  out: string;
}

const USAGE = `usage: npm run bench -- [--quick] [--worker] [--rounds N] [--only bulk,pp1,pp50] [--out FILE]
  --quick     fewer, smaller rounds (a smoke run of about 20 s)
  --worker    run the server side in a worker thread (default: client and server in the main thread)
  --rounds N  measured rounds per variant (default 7, quick 3)
  --only L    run only these tests: bulk, pp1 (ping-pong, 1 connection), pp50 (50 connections)
  --out FILE  JSON output (default bench/results/plain.json)`;

/** A bad command line: printed without a stack. */
export class UsageError extends Error {}

export function parseOptions(argv: string[]): BenchOptions {
  try {
    return parse(argv);
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

function parse(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      worker: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const rounds = values.rounds === undefined ? (quick ? 3 : 7) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new UsageError(`--rounds must be 1 to 50\n${USAGE}`);
  return {
    quick,
    worker: values.worker === true,
    rounds,
    ...streamSizes(quick),
    only: onlyTests(values.only, TEST_NAMES, USAGE),
    out: values.out ?? new URL('../results/plain.json', import.meta.url).pathname,
  };
}

/** The sizes of the bulk and ping-pong tests, the same for the plain and the TLS benchmark. */
export function streamSizes(quick: boolean): {
  warmupRounds: number;
  bulkBytes: number;
  bulkMaxMs: number;
  pingPongMs: number;
  pingPongMaxRoundTrips: number;
  messageSize: number;
  connections: number[];
} {
  return {
    warmupRounds: 1,
    bulkBytes: quick ? 128 * 1024 * 1024 : 1024 * 1024 * 1024,
    bulkMaxMs: quick ? 2_000 : 10_000,
    pingPongMs: quick ? 500 : 2_000,
    pingPongMaxRoundTrips: quick ? 1_000_000 : 5_000_000,
    messageSize: 64,
    connections: [1, 50],
  };
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
