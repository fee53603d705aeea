/**
 * The processes of bench/seraphim.ts: the web server children (bench/lib/seraphim-server-child.ts),
 * nginx, and wrk. Every process is registered by PID and killed by PID when the run ends, fails or
 * overruns; every wait here ends by a timeout.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { alive, exited, killAll, killChild, killPid, reply, runTimed, track, trackPid } from './processes.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFile, FromWebChild, ServerVariant, ToWebChild } from './seraphim-server-child.js';
import { listenOnFreePort } from './listen.js';

/** The repository root: children resolve `--import tsx` from there. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REPLY_TIMEOUT = 30_000;
export const HOST = '127.0.0.1';
export { killAll };

/** A web server under test, in a process of its own. */
export interface WebServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** The server process's CPU time so far, microseconds (undefined when it cannot be read). */
  cpu(): Promise<number | undefined>;
  /** The processes that serve (the Node child; nginx's workers, not its idle master), whose memory is measured. */
  servingPids(): number[];
  stop(): Promise<void>;
}

function replyFrom<R>(child: ChildProcess, what: string, pick: (msg: FromWebChild) => R | undefined): Promise<R> {
  return reply(child, what, pick, REPLY_TIMEOUT);
}

/**
 * Starts one Node server variant in its own child process (under tsx), with `nodeArgs` given to
 * node; `name` tells it apart in the results when one variant runs twice with different flags.
 */
export async function startWebChild(
  variant: ServerVariant,
  site: { root: string; files: BenchFile[]; cert: string; key: string },
  nodeArgs: readonly string[] = [],
  name: string = variant,
): Promise<WebServer> {
  const child = fork(fileURLToPath(new URL('./seraphim-server-child.ts', import.meta.url)), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', ...nodeArgs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  track(child);
  try {
    const ready = replyFrom(child, name, (m) => (m.type === 'ready' ? m.port : undefined));
    child.send({ type: 'start', variant, ...site } satisfies ToWebChild);
    const port = await ready;
    let nextId = 1;
    return {
      name,
      pid: child.pid as number,
      port,
      scheme: variant.endsWith('https') ? 'https' : 'http',
      async cpu() {
        const id = nextId++;
        const answer = replyFrom(child, `${name} sample`, (m) => (m.type === 'sample' && m.id === id ? m.cpu : undefined));
        child.send({ type: 'sample', id } satisfies ToWebChild);
        const cpu = await answer;
        return cpu.user + cpu.system;
      },
      servingPids: () => [child.pid as number],
      async stop() {
        await exited(child, 5_000, () => {
          if (child.connected) child.send({ type: 'stop' } satisfies ToWebChild);
        });
      },
    };
  } catch (err) {
    killChild(child);
    throw err;
  }
}

/** A free TCP port on loopback (bound, read, closed: nginx then binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnFreePort(server, HOST);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Microseconds of CPU time in `ticks` clock ticks of /proc (USER_HZ: 100 a second on Linux). */
function microsOfTicks(ticks: number): number {
  return (ticks * 1_000_000) / 100;
}

/**
 * CPU time (user + system, all its threads) of a process so far, from /proc, microseconds;
 * undefined once the process is gone (its /proc entry with it).
 */
export function procCpu(pid: number): number | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // After the command name (which may hold spaces): fields[11] utime, [12] stime, in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return microsOfTicks(Number(fields[11]) + Number(fields[12]));
}

/** The PIDs of the children of `pid` (from /proc); none once it is gone. */
export function childPids(pid: number): number[] {
  const text = readProcFile(`/proc/${pid}/task/${pid}/children`)?.trim() ?? '';
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

/** A file of a process's /proc entry; undefined when the process is gone (ENOENT, ESRCH). */
function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
}

/** Whether an `nginx` command is on the PATH, and its version line. */
export function nginxVersion(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '') return undefined;
  const v = spawnSync(which.stdout.trim(), ['-v'], { encoding: 'utf8', timeout: 10_000 });
  return (v.stderr || v.stdout).trim().replace(/^nginx version: /, '');
}

/**
 * Starts nginx with one worker on a free loopback port: a temp config in `dir`, TLS 1.2 and 1.3
 * with the same certificate, the same files from `root` (sendfile, open_file_cache), no access
 * log, unlimited keep-alive requests (as the Node servers have).
 */
export async function startNginx(dir: string, root: string, certFile: string, keyFile: string): Promise<WebServer> {
  const port = await freePort();
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'temp')};
  proxy_temp_path ${join(dir, 'temp')};
  fastcgi_temp_path ${join(dir, 'temp')};
  uwsgi_temp_path ${join(dir, 'temp')};
  scgi_temp_path ${join(dir, 'temp')};
  types { text/html html; application/octet-stream bin; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=100 inactive=60s;
  keepalive_requests 1000000000;
  keepalive_timeout 5s;
  server {
    listen ${HOST}:${port} ssl;
    ssl_certificate ${certFile};
    ssl_certificate_key ${keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    root ${root};
  }
}
`,
  );
  const bin = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  const child = track(spawn(bin, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    if (err.length < 10_000) err += s;
  });
  // Ready once the port accepts connections (or fail when nginx exits).
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!alive(child)) throw new Error(`nginx exited: ${err}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      killChild(child);
      throw new Error('nginx did not listen within 10 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const master = child.pid as number;
  const workers = childPids(master);
  for (const pid of workers) trackPid(pid);
  return {
    name: 'nginx',
    pid: master,
    port,
    scheme: 'https',
    async cpu() {
      // The master does nothing under load; the worker serves.
      let total = 0;
      for (const pid of childPids(master)) {
        const cpu = procCpu(pid);
        if (cpu === undefined) return undefined;
        total += cpu;
      }
      return total;
    },
    servingPids: () => childPids(master),
    async stop() {
      if (alive(child)) killPid(master, 'SIGQUIT'); // graceful: the master stops its workers
      await exited(child, 5_000);
      for (const pid of workers) {
        killPid(pid);
        trackPid(pid, false);
      }
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, HOST);
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** What wrk measured. */
export interface WrkResult {
  requestsPerSec: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  requests: number;
  /** connect, read, write, timeout errors, and non-2xx/3xx responses. */
  errors: { connect: number; read: number; write: number; timeout: number; non2xx: number };
  transferPerSec: string;
  /**
   * wrk's own CPU time (user and system, all its threads), microseconds: what receiving the
   * responses cost the client (bench/lib/wrk-cpu.lua). Undefined if wrk did not print it.
   */
  cpuMicros: number | undefined;
}

/** Every error of a wrk run, of all kinds, together. */
export function wrkErrorCount(errors: WrkResult['errors']): number {
  return errors.connect + errors.read + errors.write + errors.timeout + errors.non2xx;
}

function ms(value: string, unit: string): number {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  return n;
}

export function parseWrk(out: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const requests = /(\d+) requests in/.exec(out);
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m === null ? NaN : ms(m[1] as string, m[2] as string);
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const transfer = /Transfer\/sec:\s+(\S+)/.exec(out);
  const ticks = /^wrk cpu ticks: user (\d+) system (\d+)$/m.exec(out);
  if (rps === null || requests === null) throw new Error(`cannot read wrk's output:\n${out}`);
  return {
    requestsPerSec: Number(rps[1]),
    p50: pct('50'),
    p90: pct('90'),
    p99: pct('99'),
    requests: Number(requests[1]),
    errors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
      non2xx: Number(non2xx?.[1] ?? 0),
    },
    transferPerSec: transfer?.[1] ?? '',
    cpuMicros: ticks === null ? undefined : microsOfTicks(Number(ticks[1]) + Number(ticks[2])),
  };
}

/** wrk's script that prints its own CPU time when the run ends. */
const WRK_CPU_SCRIPT = fileURLToPath(new URL('./wrk-cpu.lua', import.meta.url));

/**
 * Runs `wrk -t1 -cC -dDs --latency -s wrk-cpu.lua URL`; killed by PID if it overruns its duration
 * by 20 s.
 */
export async function runWrk(url: string, seconds: number, connections: number, threads = 1): Promise<WrkResult> {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '-s', WRK_CPU_SCRIPT, url];
  const run = await runTimed('wrk', args, seconds);
  if (run.code !== 0) throw new Error(`wrk ${args.join(' ')}: exit ${run.signal ?? run.code}\n${run.out}${run.err}`);
  return parseWrk(run.out);
}
