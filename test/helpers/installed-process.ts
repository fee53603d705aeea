// A long-running program of the packaging test (SERAPHIM started from the installed package),
// run as a child process in the fresh project: started, awaited until it prints the line that
// says it serves, stopped with SIGTERM, and killed by its PID at teardown whatever happens.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ExecutionContext } from 'ava';
import { withLimit } from './assertions.js';

/** How long a program may take to start serving on a busy machine. */
const START_TIMEOUT = 60_000;
/** How long it may take to exit after SIGTERM. */
const STOP_TIMEOUT = 15_000;

/** A started program: the match of the line it printed, and how to stop it. */
export interface InstalledProcess {
  readonly match: RegExpExecArray;
  /** Sends SIGTERM to its PID and resolves with how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `command args` in `cwd` (with `env` added to this process's) and resolves once its stdout matches `serving`. */
export async function startInstalled(
  t: ExecutionContext,
  command: string,
  args: readonly string[],
  cwd: string,
  serving: RegExp,
  env: Readonly<Record<string, string>> = {},
): Promise<InstalledProcess> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const match = await withLimit(
    new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const found = serving.exec(out);
        if (found !== null) resolve(found);
      });
      void exited.then(({ code, signal }) => reject(new Error(`${command} exited (${signal ?? code}) before serving; stdout: ${out}; stderr: ${err}`)));
    }),
    START_TIMEOUT,
    `${command} printed no line matching ${serving}`,
  );
  return {
    match,
    stop: async () => {
      process.kill(child.pid as number, 'SIGTERM');
      return withLimit(exited, STOP_TIMEOUT, 'no exit after SIGTERM');
    },
  };
}
