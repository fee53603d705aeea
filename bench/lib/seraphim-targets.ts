/**
 * The target rows of bench/seraphim.ts: which ratios of a test are held to which target. One
 * decision, used by the printed verdicts, written into the JSON, and drawn by the chart (which
 * computes them again from the JSON's figures with this same function).
 *
 * Per HTTPS test (1 KiB page, 100 KiB file):
 * - SERAPHIM's handler (`seraphim-https`) and its static-file path (`seraphim-static-https`), each
 *   against node:https: requests/s at least 1.3x on the 1 KiB page and 1.0x on the 100 KiB file,
 *   p99 no worse (<= 1.0x);
 * - SERAPHIM's static-file path against nginx with one worker: at least 0.8x on the 1 KiB page and
 *   1.2x on the 100 KiB file. nginx serves the files from disk (through its open-file cache), so
 *   the server held to it is SERAPHIM's static path (through its file cache), not a handler
 *   answering from Buffers it read at start.
 *
 * Per HTTP test: SERAPHIM's handler (`seraphim-http`) against node:http, at least 1.0x with p99
 * no worse. Servers run for information (`--flag-check`) have no row.
 */
import type { ChartBar } from './chart.js';
import { isSeraphim, serverRole } from './seraphim-roles.js';

/** The figures of one server in one test, as bench/seraphim.ts's JSON records them. */
export interface ServerRatios {
  server: string;
  /** requests/s / the Node server's, paired round by round (median of the rounds' ratios). */
  ratio: number;
  /** p99 / the Node server's, paired likewise. */
  p99Ratio?: number | undefined;
  /** requests/s / nginx's, paired likewise, when nginx ran in the test. */
  nginxRatio?: number | undefined;
}

/** One test (scheme x file) of bench/seraphim.ts, as its JSON records it. */
export interface TestRatios {
  scheme: string;
  /** "1 KiB page", "100 KiB file": its leading size names the row. */
  file: string;
  servers: readonly ServerRatios[];
}

/** One target row: a chart bar, with the server and the comparison it came from. */
export interface TargetRow extends ChartBar {
  server: string;
  /** What the ratio divides by: the Node server of the test, or nginx. */
  against: 'node' | 'nginx';
  figure: 'rps' | 'p99';
}

/** The targets of one test, by scheme and file size. */
interface Targets {
  /** requests/s over the Node server's (handler and static path alike). */
  node: number;
  /** requests/s of the static path over nginx's; absent where nginx is not measured (HTTP). */
  nginx?: number;
}

/** The targets: HTTPS 1 KiB at 1.3x node:https and 0.8x nginx; 100 KiB no lower than before (about 1.0x and 1.2x). */
export const TARGETS: Readonly<Record<string, Targets>> = {
  'HTTPS 1 KiB': { node: 1.3, nginx: 0.8 },
  'HTTPS 100 KiB': { node: 1.0, nginx: 1.2 },
  'HTTP 1 KiB': { node: 1.0 },
  'HTTP 100 KiB': { node: 1.0 },
};

/** p99 latency over the Node server's: no worse. */
export const P99_TARGET = 1.0;

/** "SERAPHIM HTTPS 1 KiB": the test's name in the rows ("1 KiB page" -> "1 KiB": the size says which file). */
export function testName(test: Pick<TestRatios, 'scheme' | 'file'>): string {
  return `SERAPHIM ${test.scheme.toUpperCase()} ${/^\d+ \S+/.exec(test.file)?.[0] ?? test.file}`;
}

const higher = (label: string, server: string, against: TargetRow['against'], ratio: number, target: number | null): TargetRow => ({
  label,
  server,
  against,
  figure: 'rps',
  ratio,
  target,
  better: 'higher',
  pass: target === null ? null : ratio >= target,
});

/**
 * The rows of one test, in chart order: the handler's requests/s and p99 against the Node server,
 * then the static path's, then the static path against nginx. A test whose scheme and size have
 * no entry in {@link TARGETS} gets its rows without targets (`info`).
 */
export function targetRows(test: TestRatios): TargetRow[] {
  const name = testName(test);
  const targets = TARGETS[name.slice('SERAPHIM '.length)];
  const rows: TargetRow[] = [];
  const nginxRows: TargetRow[] = [];
  for (const s of test.servers) {
    const role = serverRole(s.server);
    if (!isSeraphim(role)) continue;
    const what = role === 'static' ? `${name} static` : name;
    rows.push(higher(`${what} rps`, s.server, 'node', s.ratio, targets?.node ?? null));
    if (s.p99Ratio !== undefined) {
      const target = targets === undefined ? null : P99_TARGET;
      rows.push({ label: `${what} p99`, server: s.server, against: 'node', figure: 'p99', ratio: s.p99Ratio, target, better: 'lower', pass: target === null ? null : s.p99Ratio <= target });
    }
    if (role === 'static' && s.nginxRatio !== undefined) nginxRows.push(higher(`${what} rps vs nginx`, s.server, 'nginx', s.nginxRatio, targets?.nginx ?? null));
  }
  return [...rows, ...nginxRows];
}

/** A row as the chart draws it (the chart needs no more than a {@link ChartBar}). */
export function chartBar(row: TargetRow): ChartBar {
  const { label, ratio, target, better, pass } = row;
  return { label, ratio, target, better, pass };
}
