/**
 * The benchmark-ratio chart: one horizontal bar per test of every run in bench/results/*.json,
 * as a self-contained SVG (hand-written text: no dependency, no external font, no script).
 *
 * A bar's length is the test's ratio (this project / its baseline); a vertical line marks 1.0x and
 * a tick marks the test's target. Most figures are "higher is better" (throughput, round trips,
 * requests per second): PASS means ratio >= target. Some are "lower is better" (server CPU per
 * handshake, memory per connection, p99 latency): PASS means ratio <= target, and the chart says
 * so on the row ("lower is better", "<= 1.10x"). Rows without a target are drawn grey as "info".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ratioText } from './report.js';
import { chartBar, targetRows, type ServerRatios } from './seraphim-targets.js';

/** One bar of the chart. */
export interface ChartBar {
  /** The row's label, e.g. "TLS bulk" or "SERAPHIM HTTPS 1 KiB p99". */
  label: string;
  /** This project's figure divided by the baseline's in the same pass, median of the passes. */
  ratio: number;
  /** The target ratio, or `null` for a figure reported without one. */
  target: number | null;
  /** `'lower'` when a lower figure (and ratio) is better. */
  better: 'higher' | 'lower';
  /** Whether the ratio meets the target; `null` without a target. */
  pass: boolean | null;
}

/** Where the bars of one results file came from. */
export interface ChartRun {
  /** The benchmark's name, as the chart shows it: "plain", "TLS", "SERAPHIM". */
  benchmark: string;
  /** The results file's name. */
  file: string;
  /** ISO date of the run, as the JSON records it. */
  date: string | undefined;
  /** `'quick'` or `'full'`, when the JSON records it. */
  mode: string | undefined;
  node: string | undefined;
  cpus: number | undefined;
  cpuModel: string | undefined;
}

export interface ChartData {
  runs: ChartRun[];
  /** The bars, grouped by run in the order of `runs`. */
  bars: ChartBar[][];
}

/** A results file the chart cannot read; the message says which and why. */
export class ChartInputError extends Error {
  override name = 'ChartInputError';
}

// ---------------------------------------------------------------------------------------------
// Reading the results.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Short row names for the tests of bench/plain.ts and bench/tls.ts, by their `id`. */
const TEST_LABELS: Record<string, string> = {
  bulk: 'bulk',
  pp1: 'ping-pong 1 conn',
  pp50: 'ping-pong 50 conn',
  'handshake-full': 'full handshake CPU',
  'handshake-resumed': 'resumed handshake CPU',
  memory: 'memory per conn (RSS)',
  'memory-heap': 'memory per conn (heap)',
  'two-instances': 'two instances / one',
};

/** bench/basic.ts's ratio is scarlet-sockets/basic over the main API, hence "basic/main". */
const BENCHMARK_NAMES: Record<string, string> = { plain: 'plain', basic: 'basic/main', tls: 'TLS', seraphim: 'SERAPHIM', haproxy: 'HAProxy' };

function runOf(data: Json, file: string): ChartRun {
  const env = isObject(data.environment) ? data.environment : {};
  const benchmark = str(data.benchmark) ?? '?';
  return {
    benchmark: BENCHMARK_NAMES[benchmark] ?? benchmark,
    file,
    date: str(data.date),
    mode: str(data.mode),
    node: str(env.node),
    cpus: num(env.cpus),
    cpuModel: str(env.cpuModel),
  };
}

/** The bars of bench/plain.ts, bench/basic.ts and bench/tls.ts (bench/lib/report.ts's `TestResult`s). */
function facadeBars(prefix: string, data: Json, file: string): ChartBar[] {
  if (!Array.isArray(data.results)) throw new ChartInputError(`${file}: no "results" array`);
  return data.results.map((r: unknown, i): ChartBar => {
    if (!isObject(r) || typeof r.ratio !== 'number') throw new ChartInputError(`${file}: results[${i}] has no numeric "ratio"`);
    const id = str(r.id) ?? '';
    const target = num(r.target) ?? null;
    const better = r.better === 'lower' ? 'lower' : 'higher';
    const pass = target === null ? null : better === 'lower' ? r.ratio <= target : r.ratio >= target;
    return { label: `${prefix} ${TEST_LABELS[id] ?? str(r.name) ?? id}`, ratio: r.ratio, target, better, pass };
  });
}

/**
 * The bars of bench/seraphim.ts: per test (scheme x file), the target rows of
 * bench/lib/seraphim-targets.ts (SERAPHIM's handler and static-file path against the Node server,
 * requests/s and p99; the static path against nginx), computed from the JSON's ratios by the same
 * function that gave the run's printed verdicts.
 */
function seraphimBars(data: Json, file: string): ChartBar[] {
  if (!Array.isArray(data.tests)) throw new ChartInputError(`${file}: no "tests" array`);
  return data.tests.flatMap((t: unknown, i) => {
    if (!isObject(t) || !Array.isArray(t.servers)) throw new ChartInputError(`${file}: tests[${i}] has no "servers" array`);
    const servers: ServerRatios[] = t.servers.map((s: unknown) => {
      if (!isObject(s)) throw new ChartInputError(`${file}: tests[${i}] has a server entry that is not an object`);
      const server = str(s.server) ?? '';
      const ratio = num(s.ratio);
      if (ratio === undefined) throw new ChartInputError(`${file}: tests[${i}] server ${server} has no numeric "ratio"`);
      return { server, ratio, p99Ratio: num(s.p99Ratio), nginxRatio: num(s.nginxRatio) };
    });
    return targetRows({ scheme: str(t.scheme) ?? '?', file: str(t.file) ?? str(t.url) ?? '?', servers }).map(chartBar);
  });
}

/** The run and the bars of one parsed results file (`file` names it in messages and the caption). */
export function chartInput(data: unknown, file: string): { run: ChartRun; bars: ChartBar[] } {
  if (!isObject(data)) throw new ChartInputError(`${file}: not a JSON object`);
  const run = runOf(data, file);
  switch (data.benchmark) {
    case 'plain':
      return { run, bars: facadeBars('plain', data, file) };
    case 'basic':
      return { run, bars: facadeBars(run.benchmark, data, file) };
    case 'tls':
      return { run, bars: facadeBars('TLS', data, file) };
    case 'seraphim':
      return { run, bars: seraphimBars(data, file) };
    case 'haproxy':
      return { run, bars: facadeBars('HAProxy', data, file) };
    default:
      throw new ChartInputError(`${file}: unknown "benchmark": ${JSON.stringify(data.benchmark)}`);
  }
}

const ORDER = ['plain', 'basic/main', 'TLS', 'SERAPHIM', 'HAProxy'];

/**
 * Reads every *.json in `dir` (bench/results/). A file that is not a benchmark's results throws a
 * {@link ChartInputError} naming it. Runs come in the order plain, basic/main, TLS, SERAPHIM, then by
 * file name.
 */
export function loadResults(dir: string): ChartData {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const inputs = files.map((f) => {
    const path = join(dir, f);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ChartInputError(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return chartInput(data, basename(path));
  });
  const rank = (b: string): number => (ORDER.includes(b) ? ORDER.indexOf(b) : ORDER.length);
  inputs.sort((a, b) => rank(a.run.benchmark) - rank(b.run.benchmark) || a.run.file.localeCompare(b.run.file));
  // Two runs of one benchmark (say tls.json and tls-worker.json): their rows say which file.
  for (const input of inputs) {
    const { benchmark, file } = input.run;
    if (inputs.filter((i) => i.run.benchmark === benchmark).length < 2) continue;
    for (const bar of input.bars) bar.label = bar.label.replace(benchmark, `${benchmark} [${file.replace(/\.json$/, '')}]`);
  }
  return { runs: inputs.map((i) => i.run), bars: inputs.map((i) => i.bars) };
}

// ---------------------------------------------------------------------------------------------
// Drawing.

const COLOURS = {
  text: '#1f2328',
  muted: '#57606a',
  grid: '#d0d7de',
  axis: '#57606a',
  background: '#ffffff',
  pass: '#1a7f37',
  below: '#cf222e',
  info: '#8c959f',
  target: '#1f2328',
};
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const x2 = (n: number): string => n.toFixed(2);

/** "≥ 0.95x" or "≤ 1.10x" (or "no target"); with `ascii`, ">= 0.95x" or "<= 1.10x", for a terminal. */
export function targetText(bar: Pick<ChartBar, 'target' | 'better'>, ascii = false): string {
  if (bar.target === null) return 'no target';
  const sign = bar.better === 'lower' ? (ascii ? '<=' : '\u2264') : ascii ? '>=' : '\u2265';
  return `${sign} ${bar.target.toFixed(2)}x`;
}

export function verdictText(bar: ChartBar): 'PASS' | 'BELOW' | 'info' {
  return bar.pass === null ? 'info' : bar.pass ? 'PASS' : 'BELOW';
}

function runDate(run: ChartRun): string {
  if (run.date === undefined) return 'date not recorded';
  const d = new Date(run.date);
  return Number.isNaN(d.getTime()) ? run.date : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One caption line per run: "plain (plain.json): 2026-11-26 14:53 UTC, quick run, Node v20.20.2, 2 CPUs (...)". */
export function captionLines(runs: readonly ChartRun[]): string[] {
  return runs.map((r) => {
    const mode = r.mode === undefined ? 'run mode not recorded' : `${r.mode} run`;
    const node = r.node === undefined ? 'Node version not recorded' : `Node ${r.node}`;
    const cpus = r.cpus === undefined ? 'CPU count not recorded' : `${r.cpus} CPU${r.cpus === 1 ? '' : 's'}${r.cpuModel === undefined ? '' : ` (${r.cpuModel})`}`;
    return `${r.benchmark} (${r.file}): ${runDate(r)}, ${mode}, ${node}, ${cpus}`;
  });
}

/** The axis runs from 0 to a round number just past the largest ratio, target and 1.0 (at most 4). */
function axisMax(bars: readonly ChartBar[]): number {
  const values = bars.flatMap((b) => [b.ratio, b.target ?? 0]).filter((v) => Number.isFinite(v));
  const top = Math.min(4, Math.max(1.2, ...values) * 1.05);
  const step = top <= 2 ? 0.25 : 0.5;
  return Math.ceil(top / step) * step;
}

/** The SVG text of the chart. `title` is the accessible name (and the heading drawn at the top). */
export function renderChart(data: ChartData, title = 'Benchmark ratios: scarlet-sockets against its baselines'): string {
  const all = data.bars.flat();
  const max = axisMax(all);
  const width = 960;
  const labelX = 16; // the row labels start here
  const plotX = 360; // the axis' 0: room for the longest label, "SERAPHIM HTTPS 100 KiB static p99 (lower is better)"
  const plotW = 340;
  const valueX = plotX + plotW + 14; // the value text starts here
  const rowH = 26;
  const barH = 14;
  const groupGap = 12;
  const top = 74; // first row
  const scale = (v: number): number => plotX + (Math.min(Math.max(v, 0), max) / max) * plotW;

  const rows: string[] = [];
  const summary: string[] = [];
  let y = top;
  data.bars.forEach((bars, g) => {
    if (g > 0 && bars.length > 0) y += groupGap;
    for (const bar of bars) {
      const verdict = verdictText(bar);
      const colour = verdict === 'PASS' ? COLOURS.pass : verdict === 'BELOW' ? COLOURS.below : COLOURS.info;
      const direction = bar.better === 'lower' ? ' (lower is better)' : '';
      const description = `${bar.label}${direction}: ${ratioText(bar)}, ${bar.target === null ? 'no target' : `target ${targetText(bar)}`}, ${verdict}`;
      summary.push(description);
      const mid = y + rowH / 2;
      const parts: string[] = [`<g class="bar" data-verdict="${verdict}">`, `<title>${escapeXml(description)}</title>`];
      parts.push(`<text x="${labelX}" y="${x2(mid + 4.5)}">${escapeXml(bar.label)}${direction === '' ? '' : `<tspan dx="6" fill="${COLOURS.muted}" font-size="11">${escapeXml(direction.trim())}</tspan>`}</text>`);
      if (Number.isFinite(bar.ratio)) {
        const end = scale(bar.ratio);
        parts.push(`<rect class="ratio" x="${plotX}" y="${x2(mid - barH / 2)}" width="${x2(Math.max(end - plotX, 1))}" height="${barH}" fill="${colour}"/>`);
        if (bar.ratio > max) parts.push(`<path d="M${x2(end)} ${x2(mid - barH / 2 - 3)} l8 ${x2(barH / 2 + 3)} l-8 ${x2(barH / 2 + 3)} z" fill="${colour}"/>`);
      }
      if (bar.target !== null) {
        const tx = scale(bar.target);
        parts.push(
          `<path class="target" d="M${x2(tx)} ${x2(mid - barH / 2 - 4)} v${barH + 8}" stroke="${COLOURS.target}" stroke-width="2.5"/>`,
          `<path d="M${x2(tx - 4)} ${x2(mid - barH / 2 - 8)} h8 l-4 5 z" fill="${COLOURS.target}"/>`,
        );
      }
      parts.push(
        `<text x="${valueX}" y="${x2(mid + 4.5)}"><tspan font-weight="600">${escapeXml(ratioText(bar))}</tspan>` +
          `<tspan dx="10" fill="${COLOURS.muted}">${bar.target === null ? 'no target' : `target ${escapeXml(targetText(bar))}`}</tspan>` +
          `<tspan dx="10" font-weight="600" fill="${verdict === 'info' ? COLOURS.muted : colour}">${verdict}</tspan></text>`,
      );
      parts.push('</g>');
      rows.push(parts.join(''));
      y += rowH;
    }
  });
  const plotBottom = y + 4;

  // Grid and axis: ticks every 0.25 (0.5 past 2x), the 1.0x line stronger than the rest.
  const step = max <= 2 ? 0.25 : 0.5;
  const grid: string[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) {
    const x = scale(v);
    const one = Math.abs(v - 1) < 1e-9;
    grid.push(
      `<path d="M${x2(x)} ${top - 6} V${x2(plotBottom)}" stroke="${one ? COLOURS.axis : COLOURS.grid}" stroke-width="${one ? 1.5 : 1}"${one ? '' : ' stroke-dasharray="3 3"'}/>`,
      `<text x="${x2(x)}" y="${top - 12}" text-anchor="middle" fill="${one ? COLOURS.text : COLOURS.muted}" font-size="11"${one ? ' font-weight="600"' : ''}>${v.toFixed(v % 1 === 0 ? 1 : 2)}x</text>`,
    );
  }

  // The legend, under the plot.
  const legendY = plotBottom + 24;
  const legend =
    `<g font-size="12">` +
    `<rect x="${labelX}" y="${legendY - 10}" width="14" height="12" fill="${COLOURS.pass}"/><text x="${labelX + 20}" y="${legendY}">PASS: meets the target</text>` +
    `<rect x="${labelX + 190}" y="${legendY - 10}" width="14" height="12" fill="${COLOURS.below}"/><text x="${labelX + 210}" y="${legendY}">BELOW: short of the target</text>` +
    `<rect x="${labelX + 400}" y="${legendY - 10}" width="14" height="12" fill="${COLOURS.info}"/><text x="${labelX + 420}" y="${legendY}">info: no target</text>` +
    `<path d="M${labelX + 555} ${legendY - 13} v16" stroke="${COLOURS.target}" stroke-width="2.5"/><path d="M${labelX + 551} ${legendY - 17} h8 l-4 5 z" fill="${COLOURS.target}"/>` +
    `<text x="${labelX + 566}" y="${legendY}">target (\u2265 higher is better, \u2264 lower is better)</text>` +
    `</g>`;
  const captions = captionLines(data.runs);
  const captionY = legendY + 26;
  const caption = captions
    .map((line, i) => `<text x="${labelX}" y="${captionY + i * 17}" font-size="11.5" fill="${COLOURS.muted}">${escapeXml(line)}</text>`)
    .join('');
  const height = captionY + Math.max(captions.length - 1, 0) * 17 + 16;

  const desc =
    'Horizontal bars, one per benchmark test: this project\u2019s figure over its baseline\u2019s in the same pass, median of the passes ' +
    '(raw node:net, raw node:tls, node:https or node:http) in one run; the vertical line is 1.0x and a tick marks each target. ' +
    (summary.length === 0 ? 'No results.' : `${summary.join('. ')}. `) +
    `Runs: ${captions.join('; ') || 'none'}.`;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" font-family="${escapeXml(FONT)}" font-size="13" fill="${COLOURS.text}">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<desc id="chart-desc">${escapeXml(desc)}</desc>`,
    `<rect width="${width}" height="${height}" fill="${COLOURS.background}"/>`,
    `<text x="${labelX}" y="26" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
    `<text x="${labelX}" y="44" font-size="12" fill="${COLOURS.muted}">ratio = this project / baseline in the same pass, median of the passes of one run; compare only within a run (bench/README.md)</text>`,
    ...grid,
    ...rows,
    legend,
    caption,
    '</svg>',
    '',
  ].join('\n');
}
