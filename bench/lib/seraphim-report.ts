/**
 * The figures of bench/seraphim.ts and the tables it prints: per test and server, the medians and
 * ratios; the target rows with their verdicts (seraphim-targets.ts, the rows the chart draws); and
 * each server's memory.
 */
import type { WrkResult } from './seraphim-processes.js';
import type { IdleMemory } from './seraphim-memory.js';
import { targetText, verdictText } from './chart.js';
import { serverRole } from './seraphim-roles.js';
import { ratioText, textTable } from './report.js';
import type { TargetRow } from './seraphim-targets.js';

/** One wrk run against one server. */
export interface Round {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  /** Server CPU time per request, microseconds. */
  cpuPerRequest: number | undefined;
  /** wrk's own CPU time per request, microseconds: what receiving a response cost the client. */
  clientCpuPerRequest: number | undefined;
  /** The largest VmRSS of the serving process(es) sampled during the run, bytes. */
  rss: number | undefined;
  requests: number;
  errors: WrkResult['errors'];
}

/** One server in one test: medians of its rounds, and ratios. */
export interface ServerFigures {
  server: string;
  rounds: Round[];
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number | undefined;
  /** wrk's CPU time per request, median of the rounds, microseconds. */
  clientCpuPerRequest: number | undefined;
  /** Median over the rounds of the largest VmRSS sampled during each, bytes. */
  rss: number | undefined;
  /** rps / the Node baseline's rps in the same round, median of the rounds (report.ts's pairedRatio). */
  ratio: number;
  /** p99 / the Node baseline's p99 in the same round, median of the rounds. */
  p99Ratio: number;
  /** rps / nginx's rps in the same round, median of the rounds, when nginx ran in this test. */
  nginxRatio?: number;
  errors: number;
}

export interface Test {
  id: string;
  scheme: 'https' | 'http';
  file: string;
  url: string;
  baseline: string;
  servers: ServerFigures[];
  /** The target rows (seraphim-targets.ts), as printed and as the chart draws them. */
  rows: TargetRow[];
}

/** One server's memory over the whole run. */
export interface ServerMemory {
  server: string;
  /** The Node flags it ran with (nginx: none). */
  nodeFlags: readonly string[] | null;
  /** The largest of its rounds' RSS under load, over every test, bytes. */
  rssUnderLoad: number | undefined;
  /** VmHWM once its last round ended: the largest RSS it had until then (its start included), bytes. */
  hwm: number | undefined;
  /** VmRSS once its last wrk run ended, bytes. */
  rssAfterLoad: number | undefined;
  /** With many idle TLS connections open, when measured (`--idle`). */
  idle?: IdleMemory;
}

export function fmtRps(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
export function fmtMs(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)} ms` : '-';
}
export function fmtMicros(n: number | undefined): string {
  return n === undefined ? '-' : `${n.toFixed(1)} us`;
}
export function fmtMiB(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A server's result in the main table: its role, or PASS / BELOW over its target rows. */
function verdict(test: Test, f: ServerFigures): string {
  if (f.server === test.baseline) return 'baseline';
  const errors = f.errors > 0 ? ' (ERRORS)' : '';
  const role = serverRole(f.server);
  if (role === 'bar') return `the bar${errors}`;
  if (role === 'floor') return `the floor${errors}`;
  const rows = test.rows.filter((r) => r.server === f.server && r.pass !== null);
  if (rows.length === 0) return `info${errors}`;
  const below = rows.filter((r) => r.pass === false).map((r) => r.label.slice(r.label.lastIndexOf(' KiB') + 5));
  return `${below.length === 0 ? 'PASS' : `BELOW (${below.join(', ')})`}${errors}`;
}

/**
 * The target of a server's row for one figure against one baseline in a test, null when it has
 * none: a ratio in the main table is printed against it, as in the targets table.
 */
function targetOf(test: Test, server: string, figure: TargetRow['figure'], against: TargetRow['against']): number | null {
  return test.rows.find((r) => r.server === server && r.figure === figure && r.against === against)?.target ?? null;
}

/** The main table: one line per test and server. */
export function figuresTable(tests: readonly Test[]): string {
  const header = ['test', 'server', 'req/s', 'ratio', 'vs nginx', 'p50', 'p99', 'p99 ratio', 'cpu/req', 'wrk cpu/req', 'RSS load', 'req/s min..max', 'result'];
  const rows: string[][] = [];
  for (const t of tests) {
    for (const f of t.servers) {
      const rps = f.rounds.map((r) => r.rps);
      rows.push([
        `${t.scheme} ${t.file}`,
        f.server,
        fmtRps(f.rps),
        ratioText({ ratio: f.ratio, target: targetOf(t, f.server, 'rps', 'node') }),
        f.nginxRatio === undefined ? '-' : ratioText({ ratio: f.nginxRatio, target: targetOf(t, f.server, 'rps', 'nginx') }),
        fmtMs(f.p50),
        fmtMs(f.p99),
        ratioText({ ratio: f.p99Ratio, target: targetOf(t, f.server, 'p99', 'node') }),
        fmtMicros(f.cpuPerRequest),
        fmtMicros(f.clientCpuPerRequest),
        fmtMiB(f.rss),
        `${fmtRps(Math.min(...rps))}..${fmtRps(Math.max(...rps))}`,
        verdict(t, f),
      ]);
    }
  }
  return textTable(header, rows, (i) => i <= 1 || i === 12);
}

/** The target rows of every test: the chart's SERAPHIM rows, with the same verdicts. */
export function targetsTable(tests: readonly Test[]): string {
  const rows = tests.flatMap((t) =>
    t.rows.map((r) => [
      r.label,
      r.server,
      ratioText(r),
      r.target === null ? '-' : targetText(r, true),
      verdictText(r),
    ]),
  );
  return textTable(['row (as in the chart)', 'server', 'ratio', 'target', 'result'], rows, (i) => i <= 1 || i === 4);
}

/** Each server's memory: under load, its high-water mark, after the load, with idle connections. */
export function memoryTable(memory: readonly ServerMemory[]): string {
  const idle = memory.find((m) => m.idle !== undefined)?.idle?.connections;
  const header = ['server', 'Node flags', 'RSS under load', 'VmHWM', 'RSS after load', ...(idle === undefined ? [] : [`RSS, ${idle} idle conns`, 'KiB/idle conn'])];
  const rows = memory.map((m) => [
    m.server,
    m.nodeFlags === null ? '(nginx)' : m.nodeFlags.length === 0 ? "Node's defaults" : m.nodeFlags.join(' '),
    fmtMiB(m.rssUnderLoad),
    fmtMiB(m.hwm),
    fmtMiB(m.rssAfterLoad),
    ...(idle === undefined ? [] : m.idle === undefined ? ['-', '-'] : [`${fmtMiB(m.idle.rssBefore)} -> ${fmtMiB(m.idle.rssWith)}`, m.idle.perConnectionKiB.toFixed(1)]),
  ]);
  return textTable(header, rows, (i) => i <= 1);
}
