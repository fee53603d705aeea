// A long-running program of a test (an example server, SERAPHIM started from the installed
// package), run as a child process: started, awaited until it prints the line that says it
// serves, stopped with SIGTERM, and killed by its PID at teardown whatever happens.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ExecutionContext } from 'ava';
import { withLimit } from './assertions.js';

/** How long a program may take to start serving on a busy machine, unless told otherwise. */
const START_TIMEOUT = 60_000;
/** How long it may take to exit after SIGTERM, unless told otherwise. */
const STOP_TIMEOUT = 15_000;

/** How a program exited. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started program: the match of the line it printed, its output so far, and how to stop it. */
export interface ServingProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly match: RegExpExecArray;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Sends SIGTERM to its PID and resolves with how it exited. */
  stop(): Promise<Exit>;
}

/** Where and how long: `env` is added to this process's environment. */
export interface ServingOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
}

/** Starts `command args` and resolves once its stdout matches `serving` (rejects if it exits or fails to start first). */
export async function startServing(
  t: ExecutionContext,
  command: string,
  args: readonly string[],
  serving: RegExp,
  { cwd, env = {}, startTimeoutMs = START_TIMEOUT, stopTimeoutMs = STOP_TIMEOUT }: ServingOptions,
): Promise<ServingProcess> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    // Every failure says what the program printed, read when it fails.
    const fail = (why: string): void => reject(new Error(`${command} ${why}; stdout: ${out}; stderr: ${err}`));
    const timer = setTimeout(() => fail(`printed no line matching ${serving} within ${startTimeoutMs} ms`), startTimeoutMs);
    // Not started (no such command, not executable): no exit event follows.
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = serving.exec(out);
      if (found === null) return;
      clearTimeout(timer);
      resolve(found);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(`exited (${signal ?? code}) before serving`);
    });
  });
  return {
    child,
    match,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async () => {
      process.kill(child.pid as number, 'SIGTERM');
      return withLimit(exited, stopTimeoutMs, 'no exit after SIGTERM');
    },
  };
}
