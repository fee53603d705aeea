/**
 * Child processes of bench/tls.ts: the TLS server (raw tls.Server or the facade's secure server
 * socket) whose own CPU time and memory are measured, the many-connection TLS client, and
 * `openssl s_time`. Every child is registered by PID and killed by PID when the run ends (or
 * fails, or overruns); every wait here ends by a timeout.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { exited, killAll, killChild, reply, runTimed, track } from './processes.js';
import { fileURLToPath } from 'node:url';
import type { Variant } from './peers.js';
import type { TlsMaterial } from './tls-material.js';

/** The repository root: children resolve `--import tsx` from there. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How long a child may take to answer one request (start, sample, open connections). */
const REPLY_TIMEOUT = 60_000;

/** Kills every child still running, by PID. */
export const killChildren = killAll;

// ---------------------------------------------------------------------------------------------
// Messages

export interface CpuMemSample {
  /** process.cpuUsage() of the child, microseconds. */
  cpu: { user: number; system: number };
  /** process.memoryUsage() of the child, bytes (after a full GC when asked). */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  /** Completed handshakes since the start: full and resumed. */
  full: number;
  resumed: number;
  /** Handshakes that failed or timed out. */
  failed: number;
  /** Connections open now (handshake done, not yet closed). */
  open: number;
  /** HTTP responses written. */
  served: number;
  /** The distinct "protocol cipher" the server negotiated. */
  negotiated: string[];
}

export type ToServerChild = { type: 'start'; variant: Variant; tls: TlsMaterial } | { type: 'sample'; id: number; gc: boolean };
export type FromServerChild =
  | { type: 'ready'; port: number }
  | { type: 'sample'; id: number; sample: CpuMemSample }
  | { type: 'error'; message: string };

export type ToClientChild =
  | { type: 'open'; id: number; port: number; count: number; concurrency: number; ca: string; maxMs: number }
  | { type: 'close'; id: number };
export type FromClientChild =
  | { type: 'opened'; id: number; connected: number; failed: number; ms: number; firstError?: string }
  | { type: 'closed'; id: number };

// ---------------------------------------------------------------------------------------------

/** Forks a TypeScript child (a path relative to this file) under tsx, with gc() exposed, and registers it. */
export function forkChild(script: string, extraArgs: string[] = [], args: string[] = []): ChildProcess {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--expose-gc', ...extraArgs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  return track(child);
}

export interface ServerChild {
  readonly pid: number;
  readonly port: number;
  /** CPU, memory and handshake counts now; with `gc`, memory after a full garbage collection. */
  sample(gc?: boolean): Promise<CpuMemSample>;
  /** Lets the child exit by itself (so a `--cpu-prof` profile gets written), killing it by PID after 5 s. */
  stop(): Promise<void>;
  kill(): void;
}

/** Disconnects a child, which then exits; kills it by PID if it has not within `ms`. */
export function stopChild(child: ChildProcess, ms = 5_000): Promise<void> {
  return exited(child, ms, () => {
    if (child.connected) child.disconnect();
    else killChild(child);
  });
}

/** Starts a TLS server of `variant` in a child process of its own. */
export async function startServerChild(variant: Variant, tls: TlsMaterial, extraNodeArgs: string[] = []): Promise<ServerChild> {
  const child = forkChild('./tls-server-child.ts', extraNodeArgs);
  try {
    const ready = reply<FromServerChild, number>(child, `${variant} server child`, (m) => (m.type === 'ready' ? m.port : undefined), REPLY_TIMEOUT);
    child.send({ type: 'start', variant, tls } satisfies ToServerChild);
    const port = await ready;
    let nextId = 1;
    return {
      pid: child.pid as number,
      port,
      async sample(gc = false) {
        const id = nextId++;
        const answer = reply<FromServerChild, CpuMemSample>(child, `${variant} server sample`, (m) =>
          m.type === 'sample' && m.id === id ? m.sample : undefined,
        REPLY_TIMEOUT);
        child.send({ type: 'sample', id, gc } satisfies ToServerChild);
        return answer;
      },
      stop: () => stopChild(child),
      kill: () => killChild(child),
    };
  } catch (err) {
    killChild(child);
    throw err;
  }
}

export interface ClientChild {
  readonly pid: number;
  /** Opens `count` TLS connections (at most `concurrency` handshakes at a time) and keeps them open. */
  open(port: number, count: number, concurrency: number, ca: string, maxMs: number): Promise<{ connected: number; failed: number; ms: number; firstError?: string }>;
  /** Closes every connection it holds. */
  close(): Promise<void>;
  kill(): void;
}

/** Starts the many-connection TLS client (raw node:tls, whatever the server is) in a child process. */
export function startClientChild(): ClientChild {
  const child = forkChild('./tls-client-child.ts');
  let nextId = 1;
  return {
    pid: child.pid as number,
    async open(port, count, concurrency, ca, maxMs) {
      const id = nextId++;
      const answer = reply<FromClientChild, { connected: number; failed: number; ms: number; firstError?: string }>(
        child,
        'client child',
        (m) => (m.type === 'opened' && m.id === id ? m : undefined),
        maxMs + REPLY_TIMEOUT,
      );
      child.send({ type: 'open', id, port, count, concurrency, ca, maxMs } satisfies ToClientChild);
      return answer;
    },
    async close() {
      const id = nextId++;
      const answer = reply<FromClientChild, true>(child, 'client child close', (m) => (m.type === 'closed' && m.id === id ? true : undefined), REPLY_TIMEOUT);
      child.send({ type: 'close', id } satisfies ToClientChild);
      await answer;
    },
    kill: () => killChild(child),
  };
}

// ---------------------------------------------------------------------------------------------
// openssl s_time

export interface STimeResult {
  /** Connections s_time completed (its own count). */
  connections: number;
  /** Connections s_time reports as resumed ('r') and as new ('*'), from its progress line. */
  resumed: number;
  fresh: number;
  /** s_time's own rate line, for the record. */
  summary: string;
}

/**
 * Runs `openssl s_time -connect 127.0.0.1:PORT -new|-reuse -time SECONDS -www /`. With `-www`,
 * s_time sends a GET and reads the answer to the end, which is how it receives TLS 1.3 session
 * tickets; without reading them it never resumes under TLS 1.3.
 */
export async function runSTime(port: number, mode: 'new' | 'reuse', seconds: number): Promise<STimeResult> {
  const args = ['s_time', '-connect', `127.0.0.1:${port}`, mode === 'new' ? '-new' : '-reuse', '-time', String(seconds), '-www', '/'];
  // s_time stops by itself after `seconds` (its clock ticks in whole seconds).
  const { code, signal, out, err } = await runTimed('openssl', args, seconds);
  const m = /(\d+) connections in ([\d.]+)s;[^\n]*/.exec(out);
  if (code !== 0 || m === null) {
    throw new Error(`openssl ${args.join(' ')}: exit ${signal ?? code}\n${err.slice(0, 2000)}${out.slice(-500)}`);
  }
  // The progress line: one character per connection ('r' resumed, '*' new, 't'/'2'/'3' old versions).
  const progress = out.split('\n').filter((line) => /^[rt*23]+$/.test(line.trim())).join('');
  return {
    connections: Number(m[1]),
    resumed: [...progress].filter((c) => c === 'r').length,
    fresh: [...progress].filter((c) => c !== 'r').length,
    summary: m[0],
  };
}
