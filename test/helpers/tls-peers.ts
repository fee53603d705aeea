// Helpers for TLS tests whose peer is a real program (openssl, curl) or needs files on disk.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { readSocket, SKT$BLOCKING, type Socket } from '../../lib/index.js';

/** A fresh directory under os.tmpdir(), removed with everything in it when the test ends. */
export function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'scarlet-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (name -> text) into a fresh temp directory; returns name -> path. */
export function tempFiles<K extends string>(t: ExecutionContext, files: Record<K, string>): Record<K, string> {
  const dir = tempDir(t);
  const paths = {} as Record<K, string>;
  for (const [name, text] of Object.entries(files) as [K, string][]) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], text, { mode: 0o600 });
  }
  return paths;
}

/** How a child program ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child program whose output is collected as it comes. */
export interface Peer {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the program wrote to stdout so far. */
  stdout(): string;
  /** Everything the program wrote to stderr so far. */
  stderr(): string;
  /**
   * Resolves with the match once stdout (or `from`) matches `pattern`; rejects if the program
   * ends first or after `limitMs`.
   */
  waitForOutput(pattern: RegExp, limitMs?: number, from?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  /** Resolves when the program has ended; rejects after `limitMs`. */
  exited(limitMs?: number): Promise<Exit>;
}

/**
 * Spawns `command` with piped stdio. The program is killed by its PID when the test ends, and
 * in any case after `lifetimeMs` (so a program that hangs cannot hold the test run).
 */
export function spawnPeer(t: ExecutionContext, command: string, args: readonly string[], lifetimeMs = 30_000): Peer {
  const child = spawn(command, args, { stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } });
  let out = '';
  let err = '';
  let exit: Exit | undefined;
  const exitWaiters: (() => void)[] = [];
  const outputWaiters: (() => void)[] = [];
  child.stdout.setEncoding('latin1');
  child.stderr.setEncoding('latin1');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    for (const wake of outputWaiters.slice()) wake();
  });
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
    for (const wake of outputWaiters.slice()) wake();
  });
  // A program that exits before reading its input must not give the test an EPIPE 'error'.
  child.stdin.on('error', () => undefined);
  child.on('error', (error) => {
    err += `\nspawn error: ${error.message}`;
  });
  child.on('close', (code, signal) => {
    exit = { code, signal };
    for (const wake of exitWaiters.splice(0)) wake();
    for (const wake of outputWaiters.slice()) wake();
  });
  const kill = (): void => {
    if (exit === undefined && child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const lifetime = setTimeout(kill, lifetimeMs);
  lifetime.unref();
  t.teardown(() => {
    clearTimeout(lifetime);
    kill();
  });
  const describe = (): string => `${command} ${args.join(' ')}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForOutput(pattern, limitMs = 10_000, from = 'stdout') {
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        const timer = setTimeout(() => {
          remove();
          reject(new Error(`no ${String(pattern)} on ${from} within ${limitMs} ms of: ${describe()}`));
        }, limitMs);
        const check = (): void => {
          const match = (from === 'stdout' ? out : err).match(pattern);
          if (match !== null) {
            remove();
            resolve(match);
          } else if (exit !== undefined) {
            remove();
            reject(new Error(`ended (${JSON.stringify(exit)}) without ${String(pattern)} on ${from}: ${describe()}`));
          }
        };
        const remove = (): void => {
          clearTimeout(timer);
          const at = outputWaiters.indexOf(check);
          if (at >= 0) outputWaiters.splice(at, 1);
        };
        outputWaiters.push(check);
        check();
      });
    },
    exited(limitMs = 10_000) {
      if (exit !== undefined) return Promise.resolve(exit);
      return new Promise<Exit>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still running after ${limitMs} ms: ${describe()}`)), limitMs);
        exitWaiters.push(() => {
          clearTimeout(timer);
          resolve(exit as Exit);
        });
      });
    },
  };
}

/**
 * Reads (blocking) until the text read ends with `terminator`, as a line-reading server would:
 * each read asks only for as many bytes as could still complete the terminator, so no byte
 * after it is taken from the socket. Bounded by `timeoutMs` and `maxBytes`.
 */
export async function readUntil(skt: Socket, terminator: string, timeoutMs = 10_000, maxBytes = 65_536): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  let got = '';
  while (!got.endsWith(terminator)) {
    if (got.length >= maxBytes) throw new Error(`readUntil: no ${JSON.stringify(terminator)} in ${maxBytes} bytes`);
    const left = Math.ceil(deadline - performance.now());
    if (left <= 0) throw new Error(`readUntil: no ${JSON.stringify(terminator)} within ${timeoutMs} ms; got ${JSON.stringify(got)}`);
    got += await readSocket(skt, missingLength(got, terminator), SKT$BLOCKING, left);
  }
  return got;
}

/** The fewest bytes that could complete `terminator` after `text`. */
function missingLength(text: string, terminator: string): number {
  for (let overlap = Math.min(terminator.length - 1, text.length); overlap > 0; overlap--) {
    if (text.endsWith(terminator.slice(0, overlap))) return terminator.length - overlap;
  }
  return terminator.length;
}
