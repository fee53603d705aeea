/**
 * The processes a benchmark starts: every one is registered, killed by PID (never by name) when
 * the run ends in any way, and every wait on one ends by a timeout. Shared by bench/tls.ts
 * (lib/children.ts) and bench/seraphim.ts (lib/seraphim-processes.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const tracked = new Set<ChildProcess>();
/** Processes we did not start ourselves but must stop (nginx's workers), by PID. */
const extraPids = new Set<number>();

export function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Signals a PID; one that has exited already (ESRCH) is fine, anything else is an error. */
export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Registers a child so that killAll() stops it; it leaves the register when it exits. */
export function track<C extends ChildProcess>(child: C): C {
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  return child;
}

/** Registers a process that is not our child (killed by PID at the end), or forgets it. */
export function trackPid(pid: number, on = true): void {
  if (on) extraPids.add(pid);
  else extraPids.delete(pid);
}

export function killChild(child: ChildProcess): void {
  tracked.delete(child);
  if (child.pid !== undefined && alive(child)) killPid(child.pid);
}

/** Kills every process this run started that is still running, by PID. Safe to call twice. */
export function killAll(): void {
  for (const child of tracked) killChild(child);
  for (const pid of extraPids) killPid(pid);
  extraPids.clear();
}
process.once('exit', killAll);

/**
 * The last resort of every benchmark, so that no run hangs: after `ms`, kills every process the
 * run started and exits with status 2, unless cleared first. Unref'd, so it never keeps the
 * process alive by itself.
 */
export function giveUpAfter(ms: number): NodeJS.Timeout {
  return setTimeout(() => {
    console.error(`bench: still running after ${ms / 1000} s; giving up`);
    killAll();
    process.exit(2);
  }, ms).unref();
}

/** Waits for a child's exit; kills it by PID after `ms`. `ask` asks it to exit first. */
export function exited(child: ChildProcess, ms: number, ask?: () => void): Promise<void> {
  if (!alive(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      killChild(child);
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      tracked.delete(child);
      resolve();
    });
    ask?.();
  });
}

/** Waits for the first IPC message that `pick` accepts; fails on an error message, on exit, or after `ms`. */
export function reply<M, R>(child: ChildProcess, what: string, pick: (msg: M) => R | undefined, ms: number): Promise<R> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (raw: unknown): void => {
      const msg = raw as M & { type?: string; message?: string };
      if (msg.type === 'error') {
        done();
        reject(new Error(`${what}: ${msg.message ?? 'child failed'}`));
        return;
      }
      const value = pick(msg);
      if (value === undefined) return;
      done();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      done();
      reject(new Error(`${what}: the child exited (${signal ?? code})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** What a command printed and how it ended. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs a command that stops by itself after about `seconds` (wrk, openssl s_time), collecting
 * its output (bounded); killed by PID if it overruns by 20 s.
 */
export function runTimed(command: string, args: string[], seconds: number): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout?.setEncoding('latin1').on('data', (s: string) => {
      if (out.length < 4_000_000) out += s;
    });
    child.stderr?.setEncoding('latin1').on('data', (s: string) => {
      if (err.length < 1_000_000) err += s;
    });
    const timer = setTimeout(() => killChild(child), (seconds + 20) * 1000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}
