import { integerOption, MEASURED_ROUNDS, onlyTests, parseFlags, ROUND_FLAGS, streamSizes } from './options.js';
import type { RoundOptions } from './rounds.js';

/** The tests bench/tls.ts knows, by the short name `--only` takes. */
export const TLS_TEST_NAMES = ['bulk', 'pp1', 'pp50', 'handshake', 'memory'] as const;
export type TlsTestName = (typeof TLS_TEST_NAMES)[number];

/** Everything a TLS run is sized by; `--quick` picks the small set. */
export interface TlsBenchOptions extends RoundOptions {
  quick: boolean;
  /** Run the server side of bulk and ping-pong in a worker thread instead of the main thread. */
  worker: boolean;
  /** Connection counts of the ping-pong tests. */
  connections: number[];
  /** Handshake and memory tests: rounds per variant (each in fresh child processes), alternating. */
  childRounds: number;
  /** Handshake test: seconds of each `openssl s_time` run (-new, then -reuse). */
  handshakeSeconds: number;
  /** Handshake test: seconds of the unmeasured s_time -new warm-up of each server child. */
  handshakeWarmupSeconds: number;
  /** Memory test: TLS connections held open at once. */
  memoryConnections: number;
  /** Memory test: handshakes in flight at once (the client's concurrency). */
  memoryConcurrency: number;
  /** Memory test: connections opened and closed before the baseline, to warm the server up. */
  memoryWarmupConnections: number;
  only: TlsTestName[];
  out: string;
  /** Handshake test: write a V8 CPU profile of each server child into this directory. */
  profileDir?: string;
}

const USAGE = `usage: tsx bench/tls.ts [--quick] [--worker] [--rounds N] [--child-rounds N] [--connections N] [--only LIST] [--out FILE]
  --quick           a smoke run of about 35 s: small rounds, 1,000 connections held
  --worker          bulk and ping-pong: server side in a worker thread (default: main thread)
  --rounds N        bulk and ping-pong: measured rounds per variant (default ${MEASURED_ROUNDS}, quick 2; even, for ABBA)
  --child-rounds N  handshake and memory: rounds per variant, each in new processes (default 4, ABBA; quick 1)
  --connections N   memory: TLS connections held open (default 5000, quick 1000)
  --only LIST       only these tests: bulk, pp1, pp50, handshake, memory
  --out FILE        JSON output (default bench/results/tls.json)
  --profile DIR     handshake test: V8 CPU profiles of each server child in DIR/hs-VARIANT-ROUND/`;

export function parseTlsOptions(argv: string[]): TlsBenchOptions {
  const values = parseFlags(
    argv,
    {
      ...ROUND_FLAGS,
      worker: { type: 'boolean', default: false },
      'child-rounds': { type: 'string' },
      connections: { type: 'string' },
      profile: { type: 'string' },
    },
    USAGE,
  );
  const quick = values.quick === true;
  return {
    quick,
    worker: values.worker === true,
    rounds: integerOption('rounds', values.rounds, quick ? 2 : MEASURED_ROUNDS, 1, 50, USAGE),
    // 1 GiB bulk as for plain: at the ~650 MiB/s of TLS on loopback here, 512 MiB rounds last
    // under a second and spread widely.
    ...streamSizes(quick),
    childRounds: integerOption('child-rounds', values['child-rounds'], quick ? 1 : 4, 1, 20, USAGE),
    handshakeSeconds: quick ? 2 : 5,
    handshakeWarmupSeconds: 1,
    // ulimit -n here is 20000: each child holds one fd per connection, well within it.
    memoryConnections: integerOption('connections', values.connections, quick ? 1_000 : 5_000, 10, 15_000, USAGE),
    memoryConcurrency: 64,
    memoryWarmupConnections: quick ? 100 : 300,
    only: onlyTests(values.only, TLS_TEST_NAMES, USAGE),
    out: values.out ?? new URL('../results/tls.json', import.meta.url).pathname,
    ...(values.profile !== undefined && { profileDir: values.profile }),
  };
}
