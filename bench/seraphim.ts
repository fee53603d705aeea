/**
 * SERAPHIM against a minimal node:https static server (and over plain HTTP against node:http),
 * driven by wrk on loopback, in one run. nginx with one worker is measured too when installed,
 * as the bar to chase.
 *
 * Every server runs in a child process of its own; wrk is a process of its own; this process only
 * starts them, reads their CPU time and prints. Both kinds of Node server answer the same two URLs
 * from the same Buffers, read once at start: a 1 KiB HTML page and a 100 KiB file. SERAPHIM
 * answers them from a handler (the path a route takes); `seraphim-static` is SERAPHIM's real
 * static-file path on the same files (its file cache: both files from memory after the first
 * request, rechecked on disk once a second), shown for information.
 *
 * SERAPHIM's children run with the Node flags the `seraphim` command runs with
 * (SERAPHIM_NODE_FLAGS), the Node servers with Node's defaults; `--flag-check` adds each kind of
 * server with the other's flags, for information.
 *
 * Method: per test (scheme x file), one unmeasured warm-up run of wrk per server, then rounds
 * alternating the servers (node, SERAPHIM, [static], [nginx], node, SERAPHIM, ...); medians.
 * Run: `npx tsx bench/seraphim.ts [--quick]`; `--help` for the flags.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import type { TLSSocket } from 'node:tls';
import { parseArgs } from 'node:util';
import { createDevelopmentCertificates } from '../lib/index.js';
import { environment, integerOption, onlyTests, WRK_FLAGS, type WrkRunOptions } from './lib/options.js';
import { median, writeJson } from './lib/report.js';
import { HOST, killAll, nginxVersion, runWrk, startNginx, startWebChild, type WebServer, type WrkResult } from './lib/seraphim-processes.js';
import { giveUpAfter } from './lib/processes.js';
import type { BenchFile, ServerVariant } from './lib/seraphim-server-child.js';
import { FLAG_CHECK_PREFIX, serverRole } from './lib/seraphim-roles.js';
import { SERAPHIM_NODE_FLAGS } from '../examples/seraphim/node-flags.js';

const USAGE = `usage: npx tsx bench/seraphim.ts [--quick] [--rounds N] [--duration S] [--connections C]
                                 [--only https,http] [--no-static] [--no-nginx] [--flag-check]
                                 [--profile DIR] [--out FILE]
  --quick          wrk -d2s, 2 rounds, 1 s warm-up (a smoke run of about 1.5 minutes)
  --rounds N       measured rounds per server and test (default 5; quick 2)
  --duration S     seconds per wrk run (default 10; quick 2)
  --connections C  wrk connections (default 64)
  --only L         https, http (default both)
  --no-static      skip SERAPHIM's static-file path (seraphim-static)
  --no-nginx       skip nginx even when it is installed
  --flag-check     over HTTPS, also SERAPHIM with Node's default flags and node:https with
                   SERAPHIM's (flagcheck-*, for information)
  --profile DIR    run the Node server children with --cpu-prof, profiles into DIR/VARIANT/
  --out FILE       JSON output (default bench/results/seraphim.json)`;

interface Options extends WrkRunOptions {
  groups: ('https' | 'http')[];
  static: boolean;
  nginx: boolean;
  flagCheck: boolean;
  profile: string | undefined;
  out: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      ...WRK_FLAGS,
      only: { type: 'string' },
      'no-static': { type: 'boolean', default: false },
      'no-nginx': { type: 'boolean', default: false },
      'flag-check': { type: 'boolean', default: false },
      profile: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const int = (name: string, value: string | undefined, fallback: number, min: number, max: number): number =>
    integerOption(name, value, fallback, min, max, USAGE);
  const groups = onlyTests(values.only, ['https', 'http'] as const, USAGE);
  return {
    quick,
    // Five: node:https's own p99 moves between about 2.0 and 3.6 ms from one 10 s round to the
    // next on a 2-core machine, so the median of three was too often one lucky or unlucky round.
    rounds: int('rounds', values.rounds, quick ? 2 : 5, 1, 20),
    duration: int('duration', values.duration, quick ? 2 : 10, 1, 60),
    warmup: quick ? 1 : 3,
    connections: int('connections', values.connections, 64, 1, 1000),
    groups,
    static: values['no-static'] !== true,
    nginx: values['no-nginx'] !== true,
    flagCheck: values['flag-check'] === true,
    profile: values.profile === undefined ? undefined : resolve(values.profile),
    out: values.out ?? 'bench/results/seraphim.json',
  };
}

/** The Node flags a server variant runs with: Node's defaults for the baselines, SERAPHIM's own (as its command runs) for SERAPHIM. */
const flagsOf = (variant: ServerVariant): readonly string[] => (serverRole(variant) === 'baseline' ? [] : SERAPHIM_NODE_FLAGS);

/** The shortest time the run is given before it gives up, in milliseconds. */
const MIN_BUDGET = 240_000;

/** Twice what the measuring should take: every server of every group, on every file, for its rounds and warm-up. */
function measuringBudget(groups: readonly { servers: readonly WebServer[] }[], opts: Options): number {
  const perServer = FILES.length * (opts.rounds * opts.duration + opts.warmup);
  const seconds = groups.reduce((sum, g) => sum + g.servers.length * perServer, 0);
  return Math.max(MIN_BUDGET, 2 * seconds * 1000);
}

/** The files both kinds of server answer. */
const FILES: (BenchFile & { label: string; size: number })[] = [
  { label: '1 KiB page', path: '/page.html', contentType: 'text/html; charset=utf-8', size: 1024 },
  { label: '100 KiB file', path: '/file.bin', contentType: 'application/octet-stream', size: 100 * 1024 },
];

function htmlPage(size: number): Buffer {
  const head = '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>bench</title></head>\n<body>\n<p>';
  const tail = '</p>\n</body>\n</html>\n';
  const filler = 'SERAPHIM serves this page. '.repeat(Math.ceil(size / 27)).slice(0, size - head.length - tail.length);
  const page = Buffer.from(head + filler + tail, 'utf8');
  if (page.length !== size) throw new Error('page size');
  return page;
}

interface Site {
  dir: string;
  root: string;
  files: BenchFile[];
  bodies: Map<string, Buffer>;
  cert: string;
  key: string;
  ca: string;
  certFile: string;
  keyFile: string;
}

function makeSite(): Site {
  const dir = mkdtempSync(join(tmpdir(), 'seraphim-bench-'));
  // nginx's worker runs as an unprivileged user when started by root: the site must be readable.
  chmodSync(dir, 0o755);
  const root = join(dir, 'site');
  const bodies = new Map<string, Buffer>();
  mkdirSync(root, { recursive: true });
  for (const f of FILES) {
    const body = f.path.endsWith('.html') ? htmlPage(f.size) : randomBytes(f.size);
    writeFileSync(join(root, f.path), body);
    bodies.set(f.path, body);
  }
  const dev = createDevelopmentCertificates({ hosts: ['127.0.0.1', 'localhost'] });
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, dev.server.cert);
  writeFileSync(keyFile, dev.server.key, { mode: 0o600 });
  return { dir, root, files: FILES.map(({ path, contentType }) => ({ path, contentType })), bodies, cert: dev.server.cert, key: dev.server.key, ca: dev.ca.cert, certFile, keyFile };
}

/** What one GET of a server gave: checked against the file, with its header size and TLS parameters. */
interface Probe {
  status: number;
  headerBytes: number;
  headers: string[];
  negotiated?: string;
}

function probe(server: WebServer, path: string, site: Site): Promise<Probe> {
  return new Promise((resolvePromise, reject) => {
    const url = `${server.scheme}://${HOST}:${server.port}${path}`;
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const want = site.bodies.get(path);
        if (res.statusCode !== 200 || want === undefined || !body.equals(want)) {
          reject(new Error(`${server.name} ${path}: status ${res.statusCode}, ${body.length} bytes: not the file`));
          return;
        }
        const raw = res.rawHeaders;
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n\r\n`.length;
        const names: string[] = [];
        for (let i = 0; i < raw.length; i += 2) {
          headerBytes += `${raw[i]}: ${raw[i + 1]}\r\n`.length;
          names.push(raw[i] as string);
        }
        const sock = res.socket as TLSSocket;
        const negotiated = server.scheme === 'https' ? `${sock.getProtocol?.() ?? '?'} ${sock.getCipher?.()?.standardName ?? '?'}` : undefined;
        resolvePromise({ status: res.statusCode, headerBytes, headers: names, ...(negotiated && { negotiated }) });
      });
      res.on('error', reject);
    };
    const req = server.scheme === 'https' ? httpsGet(url, { ca: site.ca, agent: false }, onResponse) : httpGet(url, { agent: false }, onResponse);
    req.setTimeout(10_000, () => req.destroy(new Error(`${server.name} ${path}: no answer in 10 s`)));
    req.on('error', reject);
  });
}

interface Round {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  /** Server CPU time per request, microseconds. */
  cpuPerRequest: number | undefined;
  requests: number;
  errors: WrkResult['errors'];
}

interface ServerFigures {
  server: string;
  rounds: Round[];
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number | undefined;
  /** rps median / the Node baseline's rps median. */
  ratio: number;
  /** p99 median / the Node baseline's p99 median. */
  p99Ratio: number;
  errors: number;
}

interface Test {
  id: string;
  scheme: 'https' | 'http';
  file: string;
  url: string;
  baseline: string;
  servers: ServerFigures[];
}

async function measure(server: WebServer, path: string, seconds: number, connections: number): Promise<Round> {
  const url = `${server.scheme}://${HOST}:${server.port}${path}`;
  const before = await server.cpu();
  const w = await runWrk(url, seconds, connections);
  const after = await server.cpu();
  return {
    rps: w.requestsPerSec,
    p50: w.p50,
    p90: w.p90,
    p99: w.p99,
    cpuPerRequest: before === undefined || after === undefined || w.requests === 0 ? undefined : (after - before) / w.requests,
    requests: w.requests,
    errors: w.errors,
  };
}

function fmtRps(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
function fmtMs(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)} ms` : '-';
}

function verdict(test: Test, f: ServerFigures): string {
  if (f.server === test.baseline) return 'baseline';
  const role = serverRole(f.server);
  if (role === 'bar') return 'the bar';
  const errors = f.errors > 0 ? ' (ERRORS)' : '';
  if (role !== 'target') return `info${errors}`;
  const ok = f.ratio >= 1.0 && f.p99Ratio <= 1.0;
  const aim = test.file === FILES[0]?.label ? (f.ratio >= 1.3 ? ', aim 1.3x met' : ', aim 1.3x not met') : '';
  return `${ok ? 'PASS' : 'BELOW'}${aim}${errors}`;
}

function table(tests: Test[]): string {
  const header = ['test', 'server', 'req/s', 'ratio', 'p50', 'p99', 'p99 ratio', 'cpu/req', 'req/s min..max', 'result'];
  const rows: string[][] = [];
  for (const t of tests) {
    for (const f of t.servers) {
      const rps = f.rounds.map((r) => r.rps);
      rows.push([
        `${t.scheme} ${t.file}`,
        f.server,
        fmtRps(f.rps),
        `${f.ratio.toFixed(2)}x`,
        fmtMs(f.p50),
        fmtMs(f.p99),
        `${f.p99Ratio.toFixed(2)}x`,
        f.cpuPerRequest === undefined ? '-' : `${f.cpuPerRequest.toFixed(1)} us`,
        `${fmtRps(Math.min(...rps))}..${fmtRps(Math.max(...rps))}`,
        verdict(t, f),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i <= 1 || i === 9 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (wrk.error !== undefined) throw new Error('wrk is not installed: apt-get install -y wrk');
  const wrkVersion = (wrk.stdout || wrk.stderr).split('\n')[0]?.trim() ?? '?';
  const nginx = opts.nginx && opts.groups.includes('https') ? nginxVersion() : undefined;
  // Starting the servers and checking them gets the shortest budget; the measuring, once the
  // servers are known, gets one of its own.
  let watchdog = giveUpAfter(MIN_BUDGET);

  const machine = environment();
  console.log(`SERAPHIM benchmark: wrk -t1 -c${opts.connections} -d${opts.duration}s --latency on ${HOST}`);
  console.log(`Node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}); ${wrkVersion}; nginx: ${nginx ?? 'not installed (or --no-nginx)'}`);
  const load = loadavg()[0] ?? 0;
  console.log(`load average at start: ${load.toFixed(2)}${load > 0.5 ? '  WARNING: the machine is busy; the figures will be noisy' : ''}`);
  console.log(`SERAPHIM's servers run with ${SERAPHIM_NODE_FLAGS.join(' ')} (as the seraphim command does); the Node servers with Node's defaults.`);
  console.log(
    'SERAPHIM answers the two URLs from a handler with in-memory Buffers (read once at start), as the Node servers do; ' +
      (opts.static ? 'seraphim-static is its static-file path with its file cache on the same files, for information.' : 'its static-file path is skipped (--no-static).'),
  );

  const site = makeSite();
  const servers: WebServer[] = [];
  const started = performance.now();
  const tests: Test[] = [];
  const probes: Record<string, Record<string, Probe>> = {};
  try {
    const profileArgs = (name: string): string[] => (opts.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(opts.profile, name)]);
    const start = async (variant: ServerVariant, flags = flagsOf(variant), name: string = variant): Promise<WebServer> => {
      const s = await startWebChild(variant, { root: site.root, files: site.files, cert: site.cert, key: site.key }, [...flags, ...profileArgs(name)], name);
      servers.push(s);
      return s;
    };
    const groups: { scheme: 'https' | 'http'; servers: WebServer[] }[] = [];
    if (opts.groups.includes('https')) {
      const list = [await start('node-https'), await start('seraphim-https')];
      if (opts.static) list.push(await start('seraphim-static-https'));
      if (opts.flagCheck) {
        list.push(await start('seraphim-https', [], `${FLAG_CHECK_PREFIX}seraphim-https`));
        list.push(await start('node-https', SERAPHIM_NODE_FLAGS, `${FLAG_CHECK_PREFIX}node-https`));
      }
      if (nginx !== undefined) {
        const n = await startNginx(join(site.dir, 'nginx'), site.root, site.certFile, site.keyFile);
        servers.push(n);
        list.push(n);
      }
      groups.push({ scheme: 'https', servers: list });
    }
    if (opts.groups.includes('http')) groups.push({ scheme: 'http', servers: [await start('node-http'), await start('seraphim-http')] });

    for (const g of groups) {
      for (const s of g.servers) {
        for (const f of FILES) {
          const p = await probe(s, f.path, site);
          (probes[s.name] ??= {})[f.path] = p;
        }
        const p = probes[s.name]?.[FILES[0]?.path ?? ''];
        console.log(`  ${s.name.padEnd(22)} pid ${s.pid}, port ${s.port}: ${p?.negotiated ?? 'plain'}, ${p?.headerBytes} header bytes (${p?.headers.join(', ')})`);
      }
    }

    clearTimeout(watchdog);
    watchdog = giveUpAfter(measuringBudget(groups, opts));
    for (const g of groups) {
      for (const f of FILES) {
        const label = `${g.scheme} ${f.label}`;
        for (const s of g.servers) {
          await measure(s, f.path, opts.warmup, opts.connections);
        }
        const rounds = new Map<string, Round[]>(g.servers.map((s) => [s.name, []]));
        for (let r = 1; r <= opts.rounds; r++) {
          for (const s of g.servers) {
            const m = await measure(s, f.path, opts.duration, opts.connections);
            rounds.get(s.name)?.push(m);
            const errs = Object.values(m.errors).reduce((a, b) => a + b, 0);
            console.log(
              `  ${label.padEnd(18)} ${s.name.padEnd(22)} round ${r}  ${fmtRps(m.rps).padStart(8)} req/s  p50 ${fmtMs(m.p50).padStart(9)}  p99 ${fmtMs(m.p99).padStart(9)}` +
                `  cpu ${m.cpuPerRequest === undefined ? '-' : m.cpuPerRequest.toFixed(1) + ' us/req'}${errs > 0 ? `  ERRORS ${JSON.stringify(m.errors)}` : ''}`,
            );
          }
        }
        const baseline = g.servers[0] as WebServer;
        const base = rounds.get(baseline.name) as Round[];
        const baseRps = median(base.map((x) => x.rps));
        const baseP99 = median(base.map((x) => x.p99));
        tests.push({
          id: `${g.scheme}-${f.path.slice(1)}`,
          scheme: g.scheme,
          file: f.label,
          url: f.path,
          baseline: baseline.name,
          servers: g.servers.map((s) => {
            const rs = rounds.get(s.name) as Round[];
            const cpu = rs.map((x) => x.cpuPerRequest).filter((x): x is number => x !== undefined);
            const rps = median(rs.map((x) => x.rps));
            const p99 = median(rs.map((x) => x.p99));
            return {
              server: s.name,
              rounds: rs,
              rps,
              p50: median(rs.map((x) => x.p50)),
              p99,
              cpuPerRequest: cpu.length === rs.length ? median(cpu) : undefined,
              ratio: rps / baseRps,
              p99Ratio: p99 / baseP99,
              errors: rs.reduce((a, x) => a + Object.values(x.errors).reduce((b, c) => b + c, 0), 0),
            };
          }),
        });
      }
    }
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    killAll();
    rmSync(site.dir, { recursive: true, force: true });
  }

  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nMedians of ${opts.rounds} alternating rounds of ${opts.duration} s (${seconds.toFixed(0)} s in all). ratio = req/s / the Node server's; ` +
      `p99 ratio = p99 / the Node server's (<= 1 is no worse); cpu/req = the server process's CPU time per request. ` +
      `Target: SERAPHIM >= 1.00x with p99 no worse; aim 1.3x on the 1 KiB page. Compare only within one run.\n`,
  );
  console.log(table(tests));
  const endLoad = loadavg()[0] ?? 0;
  console.log(`\nload average at the end: ${endLoad.toFixed(2)} (1 min; this run itself keeps about 2 cores busy)`);
  writeJson(opts.out, {
    benchmark: 'seraphim',
    date: new Date().toISOString(),
    environment: { ...machine, wrk: wrkVersion, nginx: nginx ?? null, loadAverageAtStart: load },
    mode: opts.quick ? 'quick' : 'full',
    wrk: { threads: 1, connections: opts.connections, seconds: opts.duration, warmupSeconds: opts.warmup },
    rounds: opts.rounds,
    seraphimNodeFlags: SERAPHIM_NODE_FLAGS,
    flagCheck: opts.flagCheck && opts.groups.includes('https') ? `${FLAG_CHECK_PREFIX}seraphim-https: SERAPHIM with Node's default flags; ${FLAG_CHECK_PREFIX}node-https: node:https with ${SERAPHIM_NODE_FLAGS.join(' ')}` : null,
    seraphimAnswersFrom: 'a handler returning in-memory Buffers read once at start (seraphim-static: its static-file path)',
    probes,
    seconds,
    tests,
  });
  console.log(`\nJSON: ${opts.out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  killAll();
  process.exitCode = 1;
});
