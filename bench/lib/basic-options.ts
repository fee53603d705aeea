import { integerOption, MEASURED_ROUNDS, onlyTests, parseFlags, ROUND_FLAGS, streamSizes } from './options.js';
import type { RoundOptions } from './rounds.js';

/** The tests bench/basic.ts knows, by the short name `--only` takes. */
export const BASIC_TEST_NAMES = ['pp1', 'pp50'] as const;
export type BasicTestName = (typeof BASIC_TEST_NAMES)[number];

/** Everything a run of bench/basic.ts is sized by; `--quick` picks the small set. */
export interface BasicBenchOptions extends RoundOptions {
  quick: boolean;
  /** Connection counts of the ping-pong tests. */
  connections: number[];
  only: BasicTestName[];
  out: string;
  /** Write a V8 CPU profile of each variant's process into this directory. */
  profileDir?: string;
}

const USAGE = `usage: tsx bench/basic.ts [--quick] [--rounds N] [--only pp1,pp50] [--out FILE] [--profile DIR]
  --quick        fewer, shorter rounds (a smoke run of about 15 s)
  --rounds N     measured rounds per variant (default ${MEASURED_ROUNDS}, quick 4; even, for ABBA)
  --only L       run only these tests: pp1 (ping-pong, 1 connection), pp50 (50 connections)
  --out FILE     JSON output (default bench/results/basic.json)
  --profile DIR  a V8 CPU profile of each variant's process in DIR/main/ and DIR/basic/`;

export function parseBasicOptions(argv: string[]): BasicBenchOptions {
  const values = parseFlags(argv, { ...ROUND_FLAGS, profile: { type: 'string' } }, USAGE);
  const quick = values.quick === true;
  return {
    quick,
    rounds: integerOption('rounds', values.rounds, quick ? 4 : MEASURED_ROUNDS, 1, 50, USAGE),
    // The ping-pong sizes of bench/plain.ts (its bulk sizes go unused).
    ...streamSizes(quick),
    only: onlyTests(values.only, BASIC_TEST_NAMES, USAGE),
    out: values.out ?? new URL('../results/basic.json', import.meta.url).pathname,
    ...(values.profile !== undefined && { profileDir: values.profile }),
  };
}
