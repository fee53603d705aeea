// A helper process that the test drives by lines on its stdin and that answers with one JSON
// object a line on its stdout (the attackers of the flood tests: their own sockets and CPU, as
// a real attacker's would be).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ExecutionContext } from 'ava';
import { withLimit } from './assertions.js';

export interface LineChild<R> {
  readonly pid: number;
  /** Writes one line to its stdin. */
  send(line: string): void;
  /** Its next JSON line, within `limitMs`; `what` says what was awaited when none comes. */
  next(limitMs: number, what: string): Promise<R>;
  /** Ends its stdin (its cue to exit) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node args...` with piped stdin and stdout; when the test ends its stdin is closed and,
 * if it has not exited 5 s later, it is killed by its PID.
 */
export function startLineChild<R>(t: ExecutionContext, args: readonly string[]): LineChild<R> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  t.teardown(async () => {
    child.stdin.end();
    const gone = await withLimit(exited, 5000, 'the helper process still running').then(
      () => true,
      () => false,
    );
    if (!gone && child.pid !== undefined) process.kill(child.pid);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    pid: child.pid as number,
    send: (line) => child.stdin.write(`${line}\n`),
    next: async (limitMs, what) => {
      const line = await withLimit(lines.next(), limitMs, what);
      if (line.done === true) throw new Error(`the helper process exited before ${what}`);
      return JSON.parse(line.value) as R;
    },
    stop: async () => {
      child.stdin.end();
      return withLimit(exited, 10_000, 'the helper process did not exit');
    },
  };
}
