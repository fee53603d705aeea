// The programs in examples/, run as their users run them: child processes on loopback, checked
// by what they print and how they exit.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { closeSocket, openSocket, readSocket, SKT$BLOCKING, SocketError, type Socket } from '../../lib/index.js';
import { startServing, type ServingProcess } from './serving-process.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_TSX = ['--import', 'tsx'];
/** How long an example may take to start or to run (tsx compiles it first). */
export const START_TIMEOUT = 30_000;
/** How long a server example may take to exit after SIGTERM. */
export const STOP_TIMEOUT = 10_000;
export const FM = '\xFE';

/** A server example running as a child process of this test. */
export interface Running extends ServingProcess {
  /** The port from its `<name> listening on 127.0.0.1:<port>` line. */
  readonly port: number;
}

/**
 * Starts `examples/<file>` and resolves once it printed `<name> listening on 127.0.0.1:<port>`.
 * Whatever happens, the process this starts does not outlive the test: only its own PID is killed.
 */
export async function startExample(t: ExecutionContext, file: string, name: string, args: readonly string[]): Promise<Running> {
  const listening = new RegExp(`^${name} listening on 127\\.0\\.0\\.1:(\\d+)\\b`, 'm');
  const running = await startServing(t, process.execPath, [...NODE_TSX, `examples/${file}`, ...args], listening, {
    cwd: ROOT,
    startTimeoutMs: START_TIMEOUT,
    stopTimeoutMs: STOP_TIMEOUT,
  });
  return { ...running, port: Number(running.match[1]) };
}

/** Sends SIGTERM to the example (its own PID) and asserts that it exits 0 in time. */
export async function stopExample(t: ExecutionContext, running: Running): Promise<void> {
  t.truthy(running.child.pid);
  const { code, signal } = await running.stop();
  t.is(signal, null);
  t.is(code, 0, running.stderr());
}

/** Runs a client example to its end (bounded); resolves with its exit code and output, also on failure. */
export function runExample(file: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...NODE_TSX, `examples/${file}`, ...args], { cwd: ROOT, timeout: START_TIMEOUT }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A blocking client of the library on loopback, closed when the test ends. */
export async function client(t: ExecutionContext, port: number): Promise<Socket> {
  const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);
  t.teardown(() => closeSocket(skt));
  return skt;
}

/** Reads until `lines` line feeds have arrived (each read waits at most 5 s; at most 64 KiB). */
export async function readLines(skt: Socket, lines: number): Promise<string> {
  let got = '';
  while (got.split('\n').length - 1 < lines) {
    if (got.length > 65536) throw new Error(`no ${lines} lines in 64 KiB: ${JSON.stringify(got.slice(0, 200))}`);
    got += await readSocket(skt, 4096, 0, 5000);
  }
  return got;
}

/**
 * Reads until the peer closes (ER$SKT_CLOSED), then closes our side as a client does (a server
 * whose peer keeps its half open waits for it before its process can exit). Each read waits at
 * most `timeout` ms.
 */
export async function readToClose(skt: Socket, timeout = 5000): Promise<string> {
  let got = '';
  for (;;) {
    try {
      got += await readSocket(skt, 4096, 0, timeout);
    } catch (err) {
      if (err instanceof SocketError && err.code === 'ER$SKT_CLOSED') break;
      throw err;
    }
    if (got.length > 65536) throw new Error('more than 64 KiB before the close');
  }
  await closeSocket(skt);
  return got;
}
