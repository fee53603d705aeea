/**
 * SERAPHIM against a minimal node:https static server (and over plain HTTP against node:http),
 * driven by wrk on loopback, in one run. nginx with one worker is measured too when installed:
 * SERAPHIM's static-file path is held to it (bench/lib/seraphim-targets.ts has every target).
 *
 * Every server runs in a child process of its own; wrk is a process of its own; this process only
 * starts them, reads their CPU time and prints. Both kinds of Node server answer the same two URLs
 * from the same Buffers, read once at start: a 1 KiB HTML page and a 100 KiB file. SERAPHIM
 * answers them from a handler (the path a route takes); `seraphim-static` is SERAPHIM's real
 * static-file path on the same files (its file cache: both files from memory after the first
 * request, rechecked on disk once a second). `floor-https` is node:tls answering each read with a
 * response built at start, no HTTP at all, through node:tls's own streams (bench/lib/tls-floor.ts):
 * what Node's TLS sockets cost per request as they come; `floor-lean-https` the same reading from
 * the handle and writing a round's responses together, as SERAPHIM does.
 *
 * SERAPHIM's children run with the Node flags the `seraphim` command runs with
 * (SERAPHIM_NODE_FLAGS), the Node servers with Node's defaults; `--flag-check` adds SERAPHIM (and
 * node:https) with other flags, for information: what they do to throughput, p99 and memory.
 *
 * Method: per test (scheme x file), one unmeasured warm-up run of wrk per server, then rounds
 * alternating the servers (node, SERAPHIM, [static], floor, [nginx], then the reverse order, and again);
 * medians, and ratios as the median of each pass's paired ratio (bench/lib/report.ts). The
 * serving processes' RSS is sampled from /proc during every run; `--idle N` then holds N idle TLS
 * connections to each HTTPS server and reads its RSS with them open.
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
import { median, medianOfAll, pairedRatio, passOrder, writeJson } from './lib/report.js';
import { HOST, killAll, nginxVersion, runWrk, startNginx, startWebChild, wrkErrorCount, type WebServer, type WrkResult } from './lib/seraphim-processes.js';
import { giveUpAfter } from './lib/processes.js';
import { startClientChild } from './lib/children.js';
import { idleMemory, residentOf, sampleRss, type IdleMemory } from './lib/seraphim-memory.js';
import { figuresTable, fmtMicros, fmtMiB, fmtMs, fmtRps, memoryTable, targetsTable, type Round, type ServerFigures, type ServerMemory, type Test } from './lib/seraphim-report.js';
import { targetRows } from './lib/seraphim-targets.js';
import type { BenchFile, ServerVariant } from './lib/seraphim-server-child.js';
import { FLAG_CHECK_PREFIX, isSeraphim, serverRole } from './lib/seraphim-roles.js';
import { SERAPHIM_NODE_FLAGS } from '../examples/seraphim/node-flags.js';

/** The flag --flag-check compares with when SERAPHIM runs with no flags of its own: the young-generation size it once ran with. */
const CANDIDATE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
/**
 * Sixteen rounds of 3 s, not eight of 6 (the same time): on the development machine, a virtual
 * one, the speed of one and the same server moves by up to 40 % in phases of 10 to 30 s (nginx
 * alone: 30,878 to 52,191 req/s in consecutive 6 s runs). A pass ran five servers in a row then
 * (six since the lean floor), so with 6 s rounds the two rounds of a pair were up to 24 s apart,
 * as long as a phase; with 3 s, 12 s (15 s with six). Two HTTPS runs back to back (6 December
 * 2026) gave the rows' medians a bootstrap standard error of 0.012 to 0.055 this way against
 * 0.020 to 0.177 with eight rounds of 6 s. (It was five rounds of 10 s before that, the same time
 * again.)
 */
const ROUNDS = 16;
const ROUND_SECONDS = 3;
/** SERAPHIM's default connection limit is 1024; wrk's connections are closed by then, and a few descriptors stay spare. */
const MAX_IDLE = 1000;

const USAGE = `usage: npx tsx bench/seraphim.ts [--quick] [--rounds N] [--duration S] [--connections C]
                                 [--only https,http] [--no-static] [--no-nginx] [--flag-check]
                                 [--check-flags=FLAGS] [--idle N] [--profile DIR] [--out FILE]
  --quick          wrk -d2s, 2 rounds, 1 s warm-up (a smoke run of about 1.5 minutes)
  --rounds N       measured rounds per server and test (default ${ROUNDS}; quick 2; even, for ABBA)
  --duration S     seconds per wrk run (default ${ROUND_SECONDS}; quick 2)
  --connections C  wrk connections (default 64)
  --only L         https, http (default both)
  --no-static      skip SERAPHIM's static-file path (seraphim-static)
  --no-nginx       skip nginx even when it is installed
  --flag-check     over HTTPS, also SERAPHIM (handler and static path) with the --check-flags,
                   and node:https with the flags that are not Node's defaults (flagcheck-*, for
                   information); implies --idle 1000 unless --idle is given
  --check-flags=F  the Node flags --flag-check compares with, one string after '=' (default:
                   Node's defaults while SERAPHIM runs with flags of its own, else
                   ${CANDIDATE_FLAGS.join(' ')}; --check-flags= for Node's defaults)
  --idle N         after the load, hold N idle TLS connections to each HTTPS server and read its
                   RSS with them open (default 0: not measured; at most ${MAX_IDLE})
  --profile DIR    run the Node server children with --cpu-prof, profiles into DIR/VARIANT/
  --out FILE       JSON output (default bench/results/seraphim.json)`;

interface Options extends WrkRunOptions {
  groups: ('https' | 'http')[];
  static: boolean;
  nginx: boolean;
  /** The Node flags the flagcheck-* servers compare with; undefined without --flag-check. */
  checkFlags: readonly string[] | undefined;
  idle: number;
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
      'check-flags': { type: 'string' },
      idle: { type: 'string' },
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
    rounds: int('rounds', values.rounds, quick ? 2 : ROUNDS, 1, 2 * ROUNDS),
    duration: int('duration', values.duration, quick ? 2 : ROUND_SECONDS, 1, 60),
    warmup: quick ? 1 : 3,
    connections: int('connections', values.connections, 64, 1, 1000),
    groups,
    static: values['no-static'] !== true,
    nginx: values['no-nginx'] !== true,
    checkFlags: values['flag-check'] !== true ? undefined : values['check-flags'] !== undefined ? values['check-flags'].split(/\s+/).filter((f) => f !== '') : SERAPHIM_NODE_FLAGS.length > 0 ? [] : CANDIDATE_FLAGS,
    idle: int('idle', values.idle, values['flag-check'] === true ? MAX_IDLE : 0, 0, MAX_IDLE),
    profile: values.profile === undefined ? undefined : resolve(values.profile),
    out: values.out ?? 'bench/results/seraphim.json',
  };
}

/** The Node flags a server variant runs with: SERAPHIM's own (as its command runs) for SERAPHIM, Node's defaults for the others (the baselines, the floor). */
const flagsOf = (variant: ServerVariant): readonly string[] => (isSeraphim(serverRole(variant)) ? SERAPHIM_NODE_FLAGS : []);

/** The flags flagcheck-node-https runs with: whichever of SERAPHIM's and the checked flags are not Node's defaults (none: it is not run). */
const flagCheckNodeFlags = (checkFlags: readonly string[]): readonly string[] => (checkFlags.length > 0 ? checkFlags : SERAPHIM_NODE_FLAGS);

const flagsText = (flags: readonly string[]): string => (flags.length === 0 ? "Node's default flags" : flags.join(' '));

/** The shortest time the run is given before it gives up, in milliseconds. */
const MIN_BUDGET = 240_000;

/** Twice what the measuring should take: every server of every group, on every file, for its rounds and warm-up. */
function measuringBudget(groups: readonly { scheme: string; servers: readonly WebServer[] }[], opts: Options): number {
  const perServer = FILES.length * (opts.rounds * opts.duration + opts.warmup);
  // The idle-connection memory: at most a minute per HTTPS server to open the connections.
  const idle = opts.idle > 0 ? (groups.find((g) => g.scheme === 'https')?.servers.length ?? 0) * 60 : 0;
  const seconds = groups.reduce((sum, g) => sum + g.servers.length * perServer, 0) + idle;
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

/** Microseconds of CPU per request of a run; undefined when the time is unknown or no request was made. */
function perRequest(micros: number | undefined, requests: number): number | undefined {
  return micros === undefined || requests === 0 ? undefined : micros / requests;
}

/** One wrk run of `seconds` against `server`, with its CPU time and its RSS sampled meanwhile. */
async function measure(server: WebServer, path: string, seconds: number, connections: number): Promise<Round> {
  const url = `${server.scheme}://${HOST}:${server.port}${path}`;
  const before = await server.cpu();
  const sampler = sampleRss(() => server.servingPids());
  let w: WrkResult;
  let rss: number | undefined;
  try {
    w = await runWrk(url, seconds, connections);
  } finally {
    rss = sampler.stop();
  }
  const after = await server.cpu();
  return {
    rps: w.requestsPerSec,
    p50: w.p50,
    p90: w.p90,
    p99: w.p99,
    cpuPerRequest: perRequest(before === undefined || after === undefined ? undefined : after - before, w.requests),
    clientCpuPerRequest: perRequest(w.cpuMicros, w.requests),
    rss,
    requests: w.requests,
    errors: w.errors,
  };
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
  console.log(`SERAPHIM's servers run with ${flagsText(SERAPHIM_NODE_FLAGS)} (as the seraphim command does); the Node servers with Node's defaults.`);
  if (opts.checkFlags !== undefined) {
    const nodeCheck = flagCheckNodeFlags(opts.checkFlags);
    console.log(`--flag-check: flagcheck-seraphim-* run with ${flagsText(opts.checkFlags)}${nodeCheck.length === 0 ? '' : `, flagcheck-node-https with ${flagsText(nodeCheck)}`}, for information.`);
  }
  console.log(
    'seraphim-https answers the two URLs from a handler with in-memory Buffers (read once at start), as the Node servers do; ' +
      (opts.static ? 'seraphim-static-https is its static-file path with its file cache on the same files, the server held to nginx.' : 'its static-file path is skipped (--no-static).') +
      ' floor-https is node:tls answering each read with a response built at start (no HTTP), through its own streams: what node:tls sockets cost per request; floor-lean-https the same reading from the handle and writing a round\'s responses together, as SERAPHIM does; both for information.',
  );

  const site = makeSite();
  const servers: WebServer[] = [];
  const started = performance.now();
  const tests: Test[] = [];
  const probes: Record<string, Record<string, Probe>> = {};
  /** The Node flags of every Node server, by name (nginx has none). */
  const nodeFlags = new Map<string, readonly string[]>();
  const memory: ServerMemory[] = [];
  try {
    const profileArgs = (name: string): string[] => (opts.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(opts.profile, name)]);
    const start = async (variant: ServerVariant, flags = flagsOf(variant), name: string = variant): Promise<WebServer> => {
      const s = await startWebChild(variant, { root: site.root, files: site.files, cert: site.cert, key: site.key }, [...flags, ...profileArgs(name)], name);
      servers.push(s);
      nodeFlags.set(name, flags);
      return s;
    };
    const groups: { scheme: 'https' | 'http'; servers: WebServer[] }[] = [];
    if (opts.groups.includes('https')) {
      const list = [await start('node-https'), await start('seraphim-https')];
      if (opts.static) list.push(await start('seraphim-static-https'));
      list.push(await start('floor-https'), await start('floor-lean-https'));
      if (opts.checkFlags !== undefined) {
        list.push(await start('seraphim-https', opts.checkFlags, `${FLAG_CHECK_PREFIX}seraphim-https`));
        if (opts.static) list.push(await start('seraphim-static-https', opts.checkFlags, `${FLAG_CHECK_PREFIX}seraphim-static-https`));
        const nodeCheck = flagCheckNodeFlags(opts.checkFlags);
        if (nodeCheck.length > 0) list.push(await start('node-https', nodeCheck, `${FLAG_CHECK_PREFIX}node-https`));
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
    /** Each server's VmRSS and VmHWM once its last round ended, before the idle connections. */
    const afterLoad = new Map<string, { rss: number; hwm: number } | undefined>();
    for (const g of groups) {
      for (const f of FILES) {
        const label = `${g.scheme} ${f.label}`;
        for (const s of g.servers) {
          await measure(s, f.path, opts.warmup, opts.connections);
        }
        const rounds = new Map<string, Round[]>(g.servers.map((s) => [s.name, []]));
        for (let r = 1; r <= opts.rounds; r++) {
          for (const s of passOrder(g.servers, r - 1)) {
            const m = await measure(s, f.path, opts.duration, opts.connections);
            rounds.get(s.name)?.push(m);
            const errs = wrkErrorCount(m.errors);
            console.log(
              `  ${label.padEnd(18)} ${s.name.padEnd(22)} round ${r}  ${fmtRps(m.rps).padStart(8)} req/s  p50 ${fmtMs(m.p50).padStart(9)}  p99 ${fmtMs(m.p99).padStart(9)}` +
                `  cpu ${fmtMicros(m.cpuPerRequest)}/req  wrk cpu ${fmtMicros(m.clientCpuPerRequest)}/req  rss ${fmtMiB(m.rss)}${errs > 0 ? `  ERRORS ${JSON.stringify(m.errors)}` : ''}`,
            );
          }
        }
        const baseline = g.servers[0] as WebServer;
        const base = rounds.get(baseline.name) as Round[];
        const baseRps = base.map((x) => x.rps);
        const baseP99 = base.map((x) => x.p99);
        const nginxRps = rounds.get('nginx')?.map((x) => x.rps);
        const test = {
          id: `${g.scheme}-${f.path.slice(1)}`,
          scheme: g.scheme,
          file: f.label,
          url: f.path,
          baseline: baseline.name,
          servers: g.servers.map((s): ServerFigures => {
            const rs = rounds.get(s.name) as Round[];
            const rps = rs.map((x) => x.rps);
            const p99 = rs.map((x) => x.p99);
            // Round r of every server ran in the same pass: paired ratios.
            return {
              server: s.name,
              rounds: rs,
              rps: median(rps),
              p50: median(rs.map((x) => x.p50)),
              p99: median(p99),
              cpuPerRequest: medianOfAll(rs.map((x) => x.cpuPerRequest)),
              clientCpuPerRequest: medianOfAll(rs.map((x) => x.clientCpuPerRequest)),
              rss: medianOfAll(rs.map((x) => x.rss)),
              ratio: pairedRatio(rps, baseRps),
              p99Ratio: pairedRatio(p99, baseP99),
              ...(nginxRps !== undefined && { nginxRatio: pairedRatio(rps, nginxRps) }),
              errors: rs.reduce((a, x) => a + wrkErrorCount(x.errors), 0),
            };
          }),
        };
        tests.push({ ...test, rows: targetRows(test) });
      }
      for (const s of g.servers) afterLoad.set(s.name, residentOf(s.servingPids()));
    }

    const idle = new Map<string, IdleMemory>();
    if (opts.idle > 0) {
      const client = startClientChild();
      try {
        for (const s of groups.find((g) => g.scheme === 'https')?.servers ?? []) {
          const m = await idleMemory(client, s.port, site.ca, opts.idle, () => s.servingPids());
          idle.set(s.name, m);
          console.log(
            `  idle ${String(opts.idle).padEnd(13)} ${s.name.padEnd(22)} rss ${fmtMiB(m.rssBefore)} -> ${fmtMiB(m.rssWith)}  (${m.perConnectionKiB.toFixed(1)} KiB/conn; ` +
              `descriptors ${m.descriptorsBefore ?? '?'} -> ${m.descriptorsWith ?? '?'}; opened in ${(m.openMs / 1000).toFixed(1)} s)`,
          );
        }
      } finally {
        client.kill();
      }
    }
    for (const g of groups) {
      for (const s of g.servers) {
        const under = tests.flatMap((t) => t.servers.filter((f) => f.server === s.name).flatMap((f) => f.rounds.map((r) => r.rss)));
        const known = under.filter((x): x is number => x !== undefined);
        const idleOf = idle.get(s.name);
        memory.push({
          server: s.name,
          nodeFlags: nodeFlags.get(s.name) ?? null,
          rssUnderLoad: known.length === under.length && known.length > 0 ? Math.max(...known) : undefined,
          hwm: afterLoad.get(s.name)?.hwm,
          rssAfterLoad: afterLoad.get(s.name)?.rss,
          ...(idleOf !== undefined && { idle: idleOf }),
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
    `\nMedians of ${opts.rounds} alternating rounds of ${opts.duration} s (${seconds.toFixed(0)} s in all). ratio = req/s / the Node server's in the same round, median of the rounds; ` +
      `p99 ratio = p99 / the Node server's, likewise (<= 1 is no worse); cpu/req = the server process's CPU time per request; wrk cpu/req = wrk's own (what receiving a response cost the client). ` +
      `vs nginx = req/s / nginx's, likewise. RSS load = the serving process's largest RSS sampled during a round (median of the rounds). ` +
      `Targets (bench/lib/seraphim-targets.ts): below, as the chart draws them. Compare only within one run.\n`,
  );
  console.log(figuresTable(tests));
  console.log(`\n${targetsTable(tests)}`);
  console.log(
    `\nMemory, from /proc: RSS under load = the largest sampled during any round; VmHWM = the largest it had by the end of the load (its start included); RSS after load = once its last round ended` +
      `${opts.idle > 0 ? `; then ${opts.idle} idle TLS connections (handshake done, no request) held to each HTTPS server` : ''}.\n`,
  );
  console.log(memoryTable(memory));
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
    flagCheck:
      opts.checkFlags !== undefined && opts.groups.includes('https')
        ? { seraphim: opts.checkFlags, node: flagCheckNodeFlags(opts.checkFlags), names: `${FLAG_CHECK_PREFIX}seraphim-https, ${FLAG_CHECK_PREFIX}seraphim-static-https, ${FLAG_CHECK_PREFIX}node-https` }
        : null,
    seraphimAnswersFrom: 'seraphim-https: a handler returning in-memory Buffers read once at start; seraphim-static-https: its static-file path, held to nginx',
    idleConnections: opts.idle,
    probes,
    seconds,
    tests,
    memory,
  });
  console.log(`\nJSON: ${opts.out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  killAll();
  process.exitCode = 1;
});
