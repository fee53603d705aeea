/** Medians, paired ratios and the order of a pass, the printed table and the JSON of a benchmark run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Figures {
  /** Measured rounds, in the order they ran. */
  rounds: number[];
  median: number;
  min: number;
  max: number;
}

export interface TestResult {
  /** Short name, as `--only` takes it. */
  id: string;
  /** What the table calls it. */
  name: string;
  unit: string;
  raw: Figures;
  facade: Figures;
  /** The median of the rounds' paired ratios facade / raw: see {@link pairedRatio}. */
  ratio: number;
  /** facade median / raw median, for information: it follows the machine's speed phases more than `ratio`. */
  ratioOfMedians: number;
  /**
   * The lowest acceptable ratio (the highest, when `better` is `'lower'`); `null` for a figure
   * that is reported without a target.
   */
  target: number | null;
  /** Whether the ratio meets the target; `null` without a target. */
  pass: boolean | null;
  /**
   * Process CPU time (user + system, both sides) per operation, in microseconds: lower is better.
   * Absent for tests whose figure is itself a CPU time or a size.
   */
  cpuPerOp?: { unit: string; raw: Figures; facade: Figures; ratio: number };
  /** The sizes a round had (bytes, connections, duration, caps). */
  setup: Record<string, number | string>;
  /** `'lower'` when a lower figure is better (CPU time, memory); absent means higher is better. */
  better?: 'lower';
  /** Further figures of the test (TLS: what was negotiated, how many handshakes resumed, ...). */
  extra?: Record<string, unknown>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median of a figure every round has; undefined when any round lacks it. */
export function medianOfAll(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((x): x is number => x !== undefined);
  return known.length === values.length ? median(known) : undefined;
}

/**
 * The ratio of two variants measured in passes of alternating rounds (one round of each per pass):
 * the median of each round's measured / baseline. A pair of rounds runs in the same pass, close in
 * time, so both halves share the machine's speed of that moment; the ratio of the two medians can
 * divide one variant's round from a fast phase of a virtual machine by the other's from a slow
 * one.
 *
 * @throws Error when the round counts differ: the rounds are then not pairs of one pass each
 */
export function pairedRatio(measured: readonly number[], baseline: readonly number[]): number {
  if (measured.length !== baseline.length) throw new Error(`pairedRatio: ${measured.length} measured rounds against ${baseline.length} of the baseline: not pairs`);
  return median(measured.map((m, i) => m / (baseline[i] as number)));
}

/**
 * The order of one pass of a benchmark over the things it compares: as given in the first
 * measured pass (0), reversed in the next, and so on (ABBA). A machine that speeds up or slows
 * down during the run then favours neither side of a pair, as long as the passes are an even
 * number (the full runs' defaults are).
 */
export function passOrder<T>(items: readonly T[], pass: number): readonly T[] {
  return pass % 2 === 0 ? items : [...items].reverse();
}

export function figures(rounds: readonly number[]): Figures {
  return { rounds: [...rounds], median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds) };
}

export function result(
  id: string,
  name: string,
  unit: string,
  target: number | null,
  rounds: { raw: number[]; facade: number[]; cpu?: { raw: number[]; facade: number[] } },
  cpuUnit: string | undefined,
  setup: Record<string, number | string>,
  more: { better?: 'lower'; extra?: Record<string, unknown> } = {},
): TestResult {
  const r = figures(rounds.raw);
  const f = figures(rounds.facade);
  const ratio = pairedRatio(rounds.facade, rounds.raw);
  const lower = more.better === 'lower';
  const pass = target === null ? null : lower ? ratio <= target : ratio >= target;
  const cpu = rounds.cpu;
  let cpuPerOp: TestResult['cpuPerOp'];
  if (cpuUnit !== undefined && cpu !== undefined && cpu.raw.length > 0 && cpu.facade.length > 0) {
    const cr = figures(cpu.raw);
    const cf = figures(cpu.facade);
    cpuPerOp = { unit: cpuUnit, raw: cr, facade: cf, ratio: pairedRatio(cpu.facade, cpu.raw) };
  }
  // Keys in this order, and only those that apply.
  const out: TestResult = { id, name, unit, raw: r, facade: f, ratio, ratioOfMedians: f.median / r.median, target, pass, ...(cpuPerOp && { cpuPerOp }), setup };
  if (lower) out.better = 'lower';
  if (more.extra !== undefined) out.extra = more.extra;
  return out;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** The most decimals a ratio is printed with, for one a hair from its target. */
const MAX_DECIMALS = 6;

/**
 * A ratio as it is printed: `decimals` decimals (two in the chart, three in a terminal's tables),
 * or as many more as it takes not to read as the target itself while the ratio is on the other
 * side of it (1.004 against "<= 1.00x" is BELOW: "1.004x", not "1.00x"; 0.94961 against
 * ">= 0.95x" is "0.9496x", not "0.950x").
 */
export function ratioText(bar: { ratio: number; target: number | null }, decimals = 2): string {
  if (!Number.isFinite(bar.ratio)) return 'n/a';
  const { ratio, target } = bar;
  if (target !== null && ratio !== target) {
    while (decimals < MAX_DECIMALS && ratio.toFixed(decimals) === target.toFixed(decimals)) decimals++;
  }
  return `${ratio.toFixed(decimals)}x`;
}

/**
 * The table: one row per test, medians with the spread of the rounds. `names` heads the columns
 * of the baseline (`raw`) and of the measured side (`facade`): main and basic in bench/basic.ts.
 */
export function table(results: readonly TestResult[], names: { raw: string; facade: string } = { raw: 'raw', facade: 'facade' }): string {
  const { raw, facade } = names;
  const header = ['test', 'unit', `${raw} median`, `${facade} median`, 'ratio', 'target', 'result', 'of medians', `${raw} min..max`, `${facade} min..max`, `cpu/op ${raw}`, `cpu/op ${facade}`];
  const rows = results.map((r) => [
    r.name,
    r.unit,
    fmt(r.raw.median),
    fmt(r.facade.median),
    ratioText(r, 3),
    r.target === null ? '-' : `${r.better === 'lower' ? '<=' : '>='} ${r.target.toFixed(2)}x`,
    r.pass === null ? 'info' : r.pass ? 'PASS' : 'BELOW',
    `${r.ratioOfMedians.toFixed(3)}x`,
    `${fmt(r.raw.min)}..${fmt(r.raw.max)}`,
    `${fmt(r.facade.min)}..${fmt(r.facade.max)}`,
    r.cpuPerOp === undefined ? '-' : `${r.cpuPerOp.raw.median.toFixed(1)} us`,
    r.cpuPerOp === undefined ? '-' : `${r.cpuPerOp.facade.median.toFixed(1)} us`,
  ]);
  return textTable(header, rows, (i) => i <= 1 || i === 6);
}

/**
 * A plain-text table: the header, a rule, the rows; each column as wide as its widest cell, the
 * columns `left` names aligned left (names, verdicts), the others right (figures).
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], left: (column: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (left(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
}
