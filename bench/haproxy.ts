/**
 * How throughput grows from one SERAPHIM instance to two behind HAProxy, on this machine, in one
 * run: the configuration of docs/deploying.md (examples/deploy/haproxy.cfg, TCP mode,
 * send-proxy-v2, health checks) twice, one HAProxy whose two `server` lines both name instance 1
 * ("one instance") and one whose lines name instances 1 and 2 ("two instances"), driven by wrk
 * over HTTPS through HAProxy. Each instance is the real `seraphim` command (one process, with
 * --proxy-protocol and the same --ticket-keys file), serving a 1 KiB page from its file cache.
 *
 * Method: one unmeasured warm-up run of wrk per variant, then passes of one round each, every
 * other pass in the reverse order (one, two, two, one, ...: report.ts's passOrder, as the other
 * benchmarks do), so a machine that speeds up or slows down favours neither; medians of
 * requests/s and the ratio two / one. Each round also reads the CPU time of HAProxy and of each
 * instance (from /proc) and the whole machine's busy time (/proc/stat): on 2 cores, wrk, HAProxy
 * and the instances share them, and the table says who took what.
 * Run: `npx tsx bench/haproxy.ts [--quick]`; `--help` for the flags.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { haproxyConfigText, haproxyEnvironment } from '../examples/deploy/haproxy-config.js';
import { SERAPHIM_NODE_FLAGS } from '../examples/seraphim/node-flags.js';
import { environment, integerOption, WRK_FLAGS, type WrkRunOptions } from './lib/options.js';
import { giveUpAfter, killAll, killChild, track, trackPid } from './lib/processes.js';
import { median, passOrder, result, table, writeJson } from './lib/report.js';
import { childPids, freePort, HOST, procCpu, runWrk, wrkErrorCount, type WrkResult } from './lib/seraphim-processes.js';

const USAGE = `usage: npx tsx bench/haproxy.ts [--quick] [--rounds N] [--duration S] [--connections C] [--out FILE]
  --quick          wrk -d3s, 2 rounds, 1 s warm-up (a smoke run of about a minute)
  --rounds N       measured rounds per variant (default 5; quick 2)
  --duration S     seconds per wrk run (default 10; quick 3)
  --connections C  wrk connections (default 64)
  --out FILE       JSON output (default bench/results/haproxy.json)`;

const CLI = fileURLToPath(new URL('../examples/seraphim/cli.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../', import.meta.url));
/** USER_HZ: /proc/stat counts clock ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

interface Options extends WrkRunOptions {
  out: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...WRK_FLAGS,
      out: { type: 'string', default: 'bench/results/haproxy.json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  return {
    quick,
    rounds: integerOption('rounds', values.rounds, quick ? 2 : 5, 1, 50, USAGE),
    duration: integerOption('duration', values.duration, quick ? 3 : 10, 1, 120, USAGE),
    warmup: quick ? 1 : 3,
    connections: integerOption('connections', values.connections, 64, 1, 1000, USAGE),
    out: values.out as string,
  };
}

/** Starts `command` and resolves with it and its PID once a line of its output matches `ready`. */
function startUntil(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string): Promise<number> {
  const child = track(spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killChild(child);
      reject(new Error(`${what} did not start within 60 s: ${output.slice(-2000)}`));
    }, 60_000);
    const look = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (!ready.test(output)) return;
      clearTimeout(timer);
      resolve(child.pid as number);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${signal ?? code}) while starting: ${output.slice(-2000)}`));
    });
  });
}

/** One `seraphim` instance behind HAProxy on `port`; resolves with its PID once it listens. */
function startInstance(port: number, root: string, stateDir: string, keys: string): Promise<number> {
  const args = [...SERAPHIM_NODE_FLAGS, '--import', 'tsx', CLI, '--root', root, '--host', HOST, '--https-port', String(port), '--http-port', '0'];
  // --per-address off: wrk's 64 connections all come from one client address, which the limits
  // per address (64 connections, 32 handshakes a second after 64) would throttle; the health
  // checks, which name no client, count under HAProxy's address on top of them.
  args.push('--state-dir', stateDir, '--ticket-keys', keys, '--proxy-protocol', '--trusted-proxy', `${HOST}/32`, '--access-log', 'off', '--per-address', 'off');
  return startUntil(process.execPath, args, process.env, /seraphim listening https:/, `seraphim on port ${port}`);
}

/** HAProxy with the documented configuration; resolves with the PID of its worker once it listens. */
async function startHaproxy(dir: string, name: string, frontend: number, servers: [number, number]): Promise<number> {
  const file = join(dir, `haproxy-${name}.cfg`);
  writeFileSync(file, haproxyConfigText());
  const env = { ...process.env, ...haproxyEnvironment({ frontend: `${HOST}:${frontend}`, seraphim1: `${HOST}:${servers[0]}`, seraphim2: `${HOST}:${servers[1]}` }) };
  const master = await startUntil('haproxy', ['-W', '-db', '-f', file], env, /Loading success\./, `haproxy (${name})`);
  const worker = childPids(master)[0];
  if (worker === undefined) throw new Error(`haproxy (${name}) has no worker process`);
  // Not our child: killed by PID at the end too, should the master go first without it.
  trackPid(worker);
  return worker;
}

/** Busy and total clock ticks of the whole machine so far (/proc/stat's cpu line). */
function machineTicks(): { busy: number; total: number } {
  const fields = (/^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'latin1'))?.[1] ?? '').split(/\s+/).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

interface Round {
  variant: 'one' | 'two';
  wrk: WrkResult;
  /** Cores each process kept busy on average during the round (CPU seconds / wall seconds). */
  cores: Record<string, number>;
}

/** One wrk run through `frontend`, with the CPU each of `pids` (by name) and the machine spent meanwhile. */
async function round(variant: 'one' | 'two', frontend: number, seconds: number, connections: number, pids: Record<string, number>): Promise<Round> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, procCpu(pid) ?? NaN]));
  const machineBefore = machineTicks();
  const started = performance.now();
  const wrk = await runWrk(`https://${HOST}:${frontend}/page.html`, seconds, connections);
  const wall = (performance.now() - started) * 1000;
  const machineAfter = machineTicks();
  const cores: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) cores[name] = ((procCpu(pid) ?? NaN) - (before[name] as number)) / wall;
  const machineCores = (machineAfter.total - machineBefore.total) / TICKS_PER_SECOND / (wall / 1e6);
  cores.machine = ((machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total)) * machineCores;
  return { variant, wrk, cores };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const env = environment();
  const perRun = opts.duration + 5;
  const guard = giveUpAfter(Math.max(240, 2 * perRun * (opts.rounds + 1) * 2 + 120) * 1000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-haproxy-'));
  try {
    const root = join(dir, 'site');
    mkdirSync(root);
    writeFileSync(join(root, 'page.html'), `<!doctype html><title>bench</title><p>${'x'.repeat(1024 - 40)}</p>\n`);
    const keys = join(dir, 'ticket.keys');
    writeFileSync(keys, randomBytes(48));
    const stateDir = join(dir, 'state');
    console.log(`node ${env.node}, ${env.cpus} CPUs (${env.cpuModel}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const ports: [number, number] = [await freePort(), await freePort()];
    // The first instance makes the development certificate; the second reads the same one.
    const instance1 = await startInstance(ports[0], root, stateDir, keys);
    const instance2 = await startInstance(ports[1], root, stateDir, keys);
    const frontends = { one: await freePort(), two: await freePort() };
    const haproxyOne = await startHaproxy(dir, 'one', frontends.one, [ports[0], ports[0]]);
    const haproxyTwo = await startHaproxy(dir, 'two', frontends.two, ports);
    const pids = { one: { haproxy: haproxyOne, instance1 }, two: { haproxy: haproxyTwo, instance1, instance2 } };

    for (const variant of ['one', 'two'] as const) await round(variant, frontends[variant], opts.warmup, opts.connections, pids[variant]);
    const rounds: Round[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      for (const variant of passOrder(['one', 'two'] as const, i)) {
        const r = await round(variant, frontends[variant], opts.duration, opts.connections, pids[variant]);
        rounds.push(r);
        const errors = wrkErrorCount(r.wrk.errors);
        const cores = Object.entries(r.cores).map(([name, c]) => `${name} ${c.toFixed(2)}`).join(', ');
        console.log(`round ${i + 1} ${variant}: ${Math.round(r.wrk.requestsPerSec)} req/s, p99 ${r.wrk.p99.toFixed(1)} ms, ${errors} errors; cores: ${cores}`);
      }
    }
    const of = (variant: 'one' | 'two'): Round[] => rounds.filter((r) => r.variant === variant);
    const rps = (variant: 'one' | 'two'): number[] => of(variant).map((r) => r.wrk.requestsPerSec);
    const coreMedians = (variant: 'one' | 'two'): Record<string, number> => {
      const names = Object.keys(of(variant)[0]?.cores ?? {});
      return Object.fromEntries(names.map((name) => [name, median(of(variant).map((r) => r.cores[name] as number))]));
    };
    const results = [
      result('two-instances', 'HTTPS 1 KiB page through HAProxy', 'req/s', null, { raw: rps('one'), facade: rps('two') }, undefined, {
        connections: opts.connections,
        seconds: opts.duration,
        file: '1 KiB page',
      }, { extra: { coresOne: coreMedians('one'), coresTwo: coreMedians('two'), p99One: median(of('one').map((r) => r.wrk.p99)), p99Two: median(of('two').map((r) => r.wrk.p99)) } }),
    ];
    console.log(`\n${table(results, { raw: 'one', facade: 'two' })}`);
    console.log(`\ncores kept busy (medians): one instance ${JSON.stringify(coreMedians('one'))}; two instances ${JSON.stringify(coreMedians('two'))}`);
    writeJson(opts.out, {
      benchmark: 'haproxy',
      date: new Date().toISOString(),
      environment: env,
      mode: opts.quick ? 'quick' : 'full',
      compared: 'raw: one SERAPHIM instance behind HAProxy; facade: two instances behind HAProxy',
      loadAverage: loadavg(),
      rounds,
      results,
    });
    console.log(`\nJSON: ${opts.out}`);
  } finally {
    clearTimeout(guard);
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  killAll();
  process.exit(1);
});
