import type { ExecutionContext } from 'ava';
import * as lib from '../../lib/index.js';
import { closeSocket, SKT$INFO_OPEN, SocketError, socketInfo, type Socket } from '../../lib/index.js';

/** Status number -> name, built from the package's own ER$/ERAI$ exports, so `code` is checked against them. */
const NAME_OF_STATUS = new Map<number, string>(
  Object.entries(lib)
    .filter(([name, value]) => /^ER(AI)?\$/.test(name) && typeof value === 'number')
    .map(([name, value]) => [value as number, name]),
);

/**
 * Runs `run` (sync or async) and asserts it fails with a SocketError of `status` (and `code`
 * its name), and `osError` when given. A socket that comes back by mistake is closed so the
 * test process can still exit.
 */
export async function expectSocketError(
  t: ExecutionContext,
  run: () => unknown,
  status: number,
  osError?: string,
): Promise<SocketError | undefined> {
  let result: unknown;
  try {
    result = await run();
  } catch (err) {
    if (!(err instanceof SocketError)) {
      t.fail(`expected SocketError ${NAME_OF_STATUS.get(status)}, got ${String(err)}`);
      return undefined;
    }
    t.is(err.status, status, `status of: ${err.message}`);
    t.is(err.code, NAME_OF_STATUS.get(status) as SocketError['code']);
    if (osError !== undefined) t.is(err.osError, osError);
    return err;
  }
  if (socketInfo(result, SKT$INFO_OPEN)) await closeSocket(result as Socket);
  t.fail(`expected SocketError ${NAME_OF_STATUS.get(status)}, but the call succeeded`);
  return undefined;
}

/**
 * Polls `condition` until it holds, for state the library exposes no event for (a server's
 * accept queue, the process's fd count). Bounded: returns false after `limitMs`.
 */
export async function waitFor(condition: () => boolean, limitMs = 5000, everyMs = 5): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}

/** Reads exactly `length` bytes (as a latin1 string) with blocking reads; bounded by `timeoutMs`. */
export async function readExactly(skt: Socket, length: number, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let got = '';
  while (got.length < length) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`readExactly: ${got.length} of ${length} bytes within ${timeoutMs} ms`);
    got += await lib.readSocket(skt, length - got.length, lib.SKT$BLOCKING, left);
  }
  return got;
}

/** `promise`, or a rejection saying `what` after `limitMs`: a bound for waits that have no timeout of their own. */
export async function withLimit<T>(promise: Promise<T>, limitMs: number, what = 'no result'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${limitMs} ms`)), limitMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The 99th percentile of `samples` by nearest rank (for up to 100 samples, the largest); NaN for none. */
export function p99(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN;
}
