import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { chartInput, ChartInputError, loadResults, renderChart, type ChartData } from '../bench/lib/chart.js';
import { ratioText } from '../bench/lib/report.js';
import { figuresTable, targetsTable } from '../bench/lib/seraphim-report.js';
import { targetRows } from '../bench/lib/seraphim-targets.js';

const figures = (median: number) => ({ rounds: [median], median, min: median, max: median });
const environment = { node: 'v20.99.0', v8: '11', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'Test CPU <model> & co' };

/** A small plain run: bulk PASS (higher is better), ping-pong BELOW. */
const plain = {
  benchmark: 'plain',
  date: '2026-01-02T03:04:05.000Z',
  environment,
  mode: 'quick',
  results: [
    { id: 'bulk', name: 'bulk 1 way', unit: 'MiB/s', raw: figures(100), facade: figures(97), ratio: 0.97, target: 0.95, pass: true, setup: {} },
    { id: 'pp1', name: 'ping-pong 64 B, 1 conn', unit: 'round trips/s', raw: figures(100), facade: figures(85), ratio: 0.85, target: 0.9, pass: false, setup: {} },
  ],
};

/** A TLS run: handshake CPU (lower is better) PASS at 1.05 and memory BELOW at 1.3; resumed without target. */
const tls = {
  benchmark: 'tls',
  date: '2026-01-02T03:10:00.000Z',
  environment,
  mode: 'full',
  results: [
    { id: 'handshake-full', name: 'full handshake, server CPU', unit: 'us/handshake', raw: figures(1000), facade: figures(1050), ratio: 1.05, target: 1.1, pass: true, setup: {}, better: 'lower' },
    { id: 'handshake-resumed', name: 'resumed handshake, server CPU', unit: 'us/handshake', raw: figures(100), facade: figures(140), ratio: 1.4, target: null, pass: null, setup: {}, better: 'lower' },
    { id: 'memory', name: 'memory per idle conn (5,000), RSS', unit: 'KiB/conn', raw: figures(10), facade: figures(13), ratio: 1.3, target: 1.2, pass: false, setup: {}, better: 'lower' },
  ],
};

/**
 * A SERAPHIM run without a recorded mode: one HTTPS test on the 1 KiB page, where the targets are
 * 1.3x node:https and 0.8x nginx. The handler at 1.2x requests/s (short of 1.3x) with a worse p99;
 * the static path at 1.4x with a better p99, and 0.85x nginx; nginx itself, the TLS floor and a
 * --flag-check server have no row.
 */
const seraphim = {
  benchmark: 'seraphim',
  date: '2026-01-02T03:20:00.000Z',
  environment: { node: 'v20.99.0', cpus: 2, cpuModel: 'Test CPU' },
  tests: [
    {
      id: 'https-page.html',
      scheme: 'https',
      file: '1 KiB page',
      url: '/page.html',
      baseline: 'node-https',
      servers: [
        { server: 'node-https', rps: 1000, ratio: 1, p99Ratio: 1, nginxRatio: 0.6, errors: 0 },
        { server: 'seraphim-https', rps: 1200, ratio: 1.2, p99Ratio: 1.25, nginxRatio: 0.72, errors: 0 },
        { server: 'seraphim-static-https', rps: 1400, ratio: 1.4, p99Ratio: 0.9, nginxRatio: 0.85, errors: 0 },
        { server: 'floor-https', rps: 1700, ratio: 1.7, p99Ratio: 0.5, nginxRatio: 1.02, errors: 0 },
        { server: 'flagcheck-seraphim-https', rps: 1100, ratio: 1.1, p99Ratio: 1.5, nginxRatio: 0.66, errors: 0 },
        { server: 'nginx', rps: 1666, ratio: 1.666, p99Ratio: 0.5, nginxRatio: 1, errors: 0 },
      ],
    },
  ],
};

function fixture(): ChartData {
  const inputs = [chartInput(plain, 'plain.json'), chartInput(tls, 'tls.json'), chartInput(seraphim, 'seraphim.json')];
  return { runs: inputs.map((i) => i.run), bars: inputs.map((i) => i.bars) };
}

/** Each bar's group: its label (the row's first <text>) and its verdict. */
function bars(svg: string): { label: string; verdict: string; group: string }[] {
  return [...svg.matchAll(/<g class="bar" data-verdict="([^"]+)">([\s\S]*?)<\/g>/g)].map((m) => ({
    verdict: m[1] as string,
    label: /<text [^>]*>([^<]*)/.exec(m[2] as string)?.[1] ?? '',
    group: m[2] as string,
  }));
}

/** A regex-level well-formedness check: every tag closes in order, attributes are quoted, entities known. */
function assertWellFormed(t: import('ava').ExecutionContext, svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing === '/') t.is(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (selfClosing !== '/') stack.push(name);
  }
  t.deepEqual(stack, [], 'unclosed elements');
  // Nothing tag-like left over once the well-formed tags are gone: a stray < or a bad attribute would be.
  const rest = svg.replace(/<\/?[a-zA-Z][\w:-]*(?:\s+[\w:-]+="[^"<]*")*\s*\/?>/g, '');
  t.false(rest.includes('<'), 'a "<" outside a well-formed tag');
  for (const m of svg.matchAll(/&([^;\s]*);?/g)) t.regex(m[0], /^&(amp|lt|gt|quot|apos);$/, `unknown or unterminated entity ${m[0]}`);
}

test('the chart is well-formed SVG with a title, a description and no external resources', (t) => {
  const svg = renderChart(fixture());
  t.true(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  t.true(svg.trimEnd().endsWith('</svg>'));
  assertWellFormed(t, svg);
  t.regex(svg, /role="img" aria-labelledby="chart-title chart-desc"/);
  t.regex(svg, /<title id="chart-title">[^<]+<\/title>/);
  t.regex(svg, /<desc id="chart-desc">[^<]*TLS full handshake CPU \(lower is better\): 1\.05x[^<]*<\/desc>/);
  t.notRegex(svg, /@import|url\(|<image|<script|xlink:href|@font-face/, 'no external fonts, images or scripts');
  // The escaping: the CPU model has < > & in it.
  t.true(svg.includes('Test CPU &lt;model&gt; &amp; co'));
});

test('one bar per test, and PASS / BELOW in the right direction', (t) => {
  const svg = renderChart(fixture());
  const found = bars(svg);
  t.deepEqual(
    found.map((b) => `${b.label}: ${b.verdict}`),
    [
      'plain bulk: PASS', // 0.97 >= 0.95
      'plain ping-pong 1 conn: BELOW', // 0.85 < 0.9
      'TLS full handshake CPU: PASS', // lower is better: 1.05 <= 1.1
      'TLS resumed handshake CPU: info',
      'TLS memory per conn (RSS): BELOW', // lower is better: 1.3 > 1.2
      'SERAPHIM HTTPS 1 KiB rps: BELOW', // 1.2 < 1.3
      'SERAPHIM HTTPS 1 KiB p99: BELOW', // lower is better: 1.25 > 1.0
      'SERAPHIM HTTPS 1 KiB static rps: PASS', // 1.4 >= 1.3
      'SERAPHIM HTTPS 1 KiB static p99: PASS', // lower is better: 0.9 <= 1.0
      'SERAPHIM HTTPS 1 KiB static rps vs nginx: PASS', // 0.85 >= 0.8
    ],
  );
  t.is((svg.match(/<rect class="ratio"/g) ?? []).length, found.length, 'one bar rectangle per test');
  // Targets: a marker per test that has one, and the direction in its text.
  t.is((svg.match(/<path class="target"/g) ?? []).length, 9);
  const row = (label: string) => found.find((b) => b.label === label)?.group ?? '';
  t.regex(row('plain bulk'), /target \u2265 0\.95x/);
  t.regex(row('TLS full handshake CPU'), /\(lower is better\)[\s\S]*target \u2264 1\.10x/);
  t.regex(row('SERAPHIM HTTPS 1 KiB p99'), /target \u2264 1\.00x/);
  t.regex(row('SERAPHIM HTTPS 1 KiB rps'), /target \u2265 1\.30x/);
  t.regex(row('SERAPHIM HTTPS 1 KiB static rps vs nginx'), /0\.85x[\s\S]*target \u2265 0\.80x/);
  // Colours: PASS green, BELOW red, info grey.
  t.regex(row('TLS full handshake CPU'), /class="ratio"[^>]*fill="#1a7f37"/);
  t.regex(row('TLS memory per conn (RSS)'), /class="ratio"[^>]*fill="#cf222e"/);
  t.regex(row('TLS resumed handshake CPU'), /class="ratio"[^>]*fill="#8c959f"/);
  // A longer ratio draws a longer bar.
  const width = (label: string) => Number(/class="ratio"[^>]*width="([\d.]+)"/.exec(row(label))?.[1]);
  t.true(width('TLS memory per conn (RSS)') > width('TLS full handshake CPU'));
  t.true(width('plain bulk') > width('plain ping-pong 1 conn'));
});

test('the caption gives each run its date, mode, Node version and CPU count', (t) => {
  const svg = renderChart(fixture());
  t.true(svg.includes('plain (plain.json): 2026-01-02 03:04 UTC, quick run, Node v20.99.0, 2 CPUs'));
  t.true(svg.includes('TLS (tls.json): 2026-01-02 03:10 UTC, full run, Node v20.99.0, 2 CPUs'));
  t.true(svg.includes('SERAPHIM (seraphim.json): 2026-01-02 03:20 UTC, run mode not recorded, Node v20.99.0, 2 CPUs (Test CPU)'));
});

test('loadResults reads a results directory and names a file it cannot use', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tls.json'), JSON.stringify(tls));
  writeFileSync(join(dir, 'plain.json'), JSON.stringify(plain));
  const data = loadResults(dir);
  t.deepEqual(
    data.runs.map((r) => r.benchmark),
    ['plain', 'TLS'],
  );
  t.is(data.bars.flat().length, 5);
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ benchmark: 'mystery' }));
  const err = t.throws(() => loadResults(dir), { instanceOf: ChartInputError });
  t.regex(err?.message ?? '', /other\.json: unknown "benchmark"/);
});

test('a bench/basic.ts run is read: its rows say basic/main, come after plain, and pass at 0.95x', (t) => {
  const basic = {
    benchmark: 'basic',
    date: '2026-01-02T03:06:00.000Z',
    environment,
    mode: 'full',
    compared: { raw: 'main', facade: 'basic' },
    results: [
      { id: 'pp1', name: 'ping-pong 64 B, 1 conn', unit: 'round trips/s', raw: figures(100), facade: figures(96), ratio: 0.96, target: 0.95, pass: true, setup: {} },
      { id: 'pp50', name: 'ping-pong 64 B, 50 conn', unit: 'round trips/s', raw: figures(100), facade: figures(94), ratio: 0.94, target: 0.95, pass: false, setup: {} },
    ],
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tls.json'), JSON.stringify(tls));
  writeFileSync(join(dir, 'basic.json'), JSON.stringify(basic));
  writeFileSync(join(dir, 'plain.json'), JSON.stringify(plain));
  const data = loadResults(dir);
  t.deepEqual(
    data.runs.map((r) => r.benchmark),
    ['plain', 'basic/main', 'TLS'],
  );
  const svg = renderChart(data);
  const found = bars(svg).map((b) => `${b.label}: ${b.verdict}`);
  t.true(found.includes('basic/main ping-pong 1 conn: PASS')); // 0.96 >= 0.95
  t.true(found.includes('basic/main ping-pong 50 conn: BELOW')); // 0.94 < 0.95
  t.true(svg.includes('basic/main (basic.json): 2026-01-02 03:06 UTC, full run'));
});

test('docs/benchmarks.md shows the committed chart', (t) => {
  const svgPath = new URL('../docs/images/benchmark-ratios.svg', import.meta.url);
  t.true(existsSync(svgPath), 'docs/images/benchmark-ratios.svg is missing: npm run bench:chart');
  const svg = readFileSync(svgPath, 'utf8');
  assertWellFormed(t, svg);
  t.true(bars(svg).length > 0, 'the committed chart has no bars');
  const page = readFileSync(new URL('../docs/benchmarks.md', import.meta.url), 'utf8');
  t.regex(page, /!\[[^\]]+\]\(images\/benchmark-ratios\.svg\)/);
});

test('a bench/haproxy.ts run charts as one "HAProxy two instances / one" bar, for information', (t) => {
  const haproxy = {
    benchmark: 'haproxy',
    date: '2026-01-02T03:30:00.000Z',
    environment,
    mode: 'full',
    results: [{ id: 'two-instances', name: 'HTTPS 1 KiB page through HAProxy', unit: 'req/s', raw: figures(1000), facade: figures(1800), ratio: 1.8, target: null, pass: null, setup: {} }],
  };
  const { run, bars } = chartInput(haproxy, 'haproxy.json');
  t.is(run.benchmark, 'HAProxy');
  t.deepEqual(bars, [{ label: 'HAProxy two instances / one', ratio: 1.8, target: null, better: 'higher', pass: null }]);
});

test('SERAPHIM rows: the 100 KiB file and plain HTTP have their own targets, and plain HTTP, where nginx is not measured, has no nginx row', (t) => {
  const run = {
    benchmark: 'seraphim',
    tests: [
      {
        scheme: 'https',
        file: '100 KiB file',
        servers: [
          { server: 'node-https', ratio: 1, p99Ratio: 1, nginxRatio: 0.8 },
          { server: 'seraphim-https', ratio: 1.05, p99Ratio: 0.95, nginxRatio: 0.84 },
          { server: 'seraphim-static-https', ratio: 1.0, p99Ratio: 1.02, nginxRatio: 1.15 },
          { server: 'nginx', ratio: 1.25, p99Ratio: 0.7, nginxRatio: 1 },
        ],
      },
      {
        scheme: 'http',
        file: '1 KiB page',
        servers: [
          { server: 'node-http', ratio: 1, p99Ratio: 1 },
          { server: 'seraphim-http', ratio: 1.1, p99Ratio: 0.9 },
        ],
      },
    ],
  };
  const { bars } = chartInput(run, 'seraphim.json');
  t.deepEqual(
    bars.map((b) => `${b.label}: ${b.ratio}x, ${b.better === 'lower' ? '<=' : '>='} ${b.target}, ${b.pass}`),
    [
      'SERAPHIM HTTPS 100 KiB rps: 1.05x, >= 1, true',
      'SERAPHIM HTTPS 100 KiB p99: 0.95x, <= 1, true',
      'SERAPHIM HTTPS 100 KiB static rps: 1x, >= 1, true',
      'SERAPHIM HTTPS 100 KiB static p99: 1.02x, <= 1, false',
      'SERAPHIM HTTPS 100 KiB static rps vs nginx: 1.15x, >= 1.2, false',
      'SERAPHIM HTTP 1 KiB rps: 1.1x, >= 1, true',
      'SERAPHIM HTTP 1 KiB p99: 0.9x, <= 1, true',
    ],
  );
});

test('the verdicts bench/seraphim.ts prints are the chart\'s rows', (t) => {
  const test0 = seraphim.tests[0] as (typeof seraphim.tests)[number];
  const rows = targetRows(test0);
  const printed = targetsTable([{ ...test0, scheme: 'https', servers: [], rows }]);
  const { bars } = chartInput(seraphim, 'seraphim.json');
  t.is(rows.length, bars.length);
  for (const bar of bars) {
    const verdict = bar.pass === null ? 'info' : bar.pass ? 'PASS' : 'BELOW';
    const line = printed.split('\n').find((l) => l.startsWith(`${bar.label} `));
    t.truthy(line, `the printed targets have a row "${bar.label}"`);
    t.regex(line ?? '', new RegExp(`${bar.ratio.toFixed(2)}x\\s+${bar.better === 'lower' ? '<=' : '>='} ${bar.target?.toFixed(2)}x\\s+${verdict}\\s*$`));
  }
});

test('a ratio that two decimals would show as its target is shown with as many more as it takes, in the chart and in the printed targets', (t) => {
  t.is(ratioText({ ratio: 1.004, target: 1 }), '1.004x', 'BELOW a "<= 1.00x" target');
  t.is(ratioText({ ratio: 0.9496099, target: 0.95 }), '0.9496x', 'three decimals would read "0.950x"');
  t.is(ratioText({ ratio: 1.0000004, target: 1 }), '1.000000x', 'no more than six decimals');
  t.is(ratioText({ ratio: 1.0004, target: 1 }, 3), '1.0004x', 'a terminal\'s three decimals, and one more');
  t.is(ratioText({ ratio: 0.912, target: 0.95 }, 3), '0.912x');
  t.is(ratioText({ ratio: 0.947, target: 0.95 }), '0.947x', 'BELOW a ">= 0.95x" target');
  t.is(ratioText({ ratio: 1.012, target: 1 }), '1.01x', 'two decimals tell it from the target');
  t.is(ratioText({ ratio: 1, target: 1 }), '1.00x', 'on the target itself');
  t.is(ratioText({ ratio: 0.998, target: null }), '1.00x', 'no target to be mistaken for');
  t.is(ratioText({ ratio: Number.NaN, target: 1 }), 'n/a');
  // The static path's p99 at 1.004x node:https's: BELOW, and its label and the printed row say 1.004x.
  const near = structuredClone(seraphim);
  const statik = near.tests[0]?.servers.find((s) => s.server === 'seraphim-static-https');
  if (statik === undefined) return t.fail('the fixture has a static-path server');
  statik.p99Ratio = 1.004;
  const input = chartInput(near, 'seraphim.json');
  const bar = input.bars.find((b) => b.label === 'SERAPHIM HTTPS 1 KiB static p99');
  t.is(bar?.pass, false);
  const drawn = bars(renderChart({ runs: [input.run], bars: [input.bars] })).find((b) => b.label === 'SERAPHIM HTTPS 1 KiB static p99');
  t.is(drawn?.verdict, 'BELOW');
  t.regex(drawn?.group ?? '', />1\.004x</);
  const test0 = near.tests[0] as (typeof near.tests)[number];
  const printed = targetsTable([{ ...test0, scheme: 'https', servers: [], rows: targetRows(test0) }]);
  t.regex(printed, /SERAPHIM HTTPS 1 KiB static p99 .*1\.004x\s+<= 1\.00x\s+BELOW/);
  // The main table's p99 ratio column too, next to its "BELOW (static p99)".
  const round = { rps: statik.rps, p50: 1, p90: 2, p99: 3, cpuPerRequest: 20, clientCpuPerRequest: 10, rss: 1_048_576, requests: 1, errors: { connect: 0, read: 0, write: 0, timeout: 0, non2xx: 0 } };
  const server = { ...statik, rounds: [round], p50: 1, p99: 3, cpuPerRequest: 20, clientCpuPerRequest: 10, rss: 1_048_576 };
  const figures = figuresTable([{ ...test0, scheme: 'https', servers: [server], rows: targetRows(test0) }]);
  t.regex(figures, /seraphim-static-https .* 1\.004x .*BELOW \(static p99/);
});
