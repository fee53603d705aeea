// Helpers of the SERAPHIM tests that run the real `seraphim` command as a child process: start it
// on free loopback ports (`--https-port auto`), read the URLs it prints, watch its output, find
// its cluster workers, read its memory, and kill every process it started by PID at teardown.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import {
  closeSocket,
  openSecureSocket,
  openSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  writeSocket,
  type Socket,
  type TlsContext,
} from '../../lib/index.js';
import { resident } from '../../bench/lib/seraphim-memory.js';
import { SERAPHIM_NODE_FLAGS } from '../../examples/seraphim/node-flags.js';
import { tempDir } from './seraphim.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../examples/seraphim/cli.ts', import.meta.url));

/** A running `seraphim` process. */
export interface CliProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly pid: number;
  readonly urls: { https?: string; http?: string };
  readonly ports: { https?: number; http?: number };
  /** Everything it printed so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first line (stdout or stderr) matching `pattern` printed from now on (or already printed when `past`). */
  waitForLine(pattern: RegExp, timeoutMs: number, past?: boolean): Promise<string>;
  /** Resolves with the exit code and signal once it exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `seraphim` with `args` (plus `--state-dir` in a temporary folder unless given) and the
 * Node flags the command runs with (or `nodeFlags`), waits
 * until it printed a `seraphim listening` line for each listener, and kills it and its children
 * by PID when the test ends. `onSpawn` is told its PID as soon as it is started.
 */
export async function startCli(
  t: ExecutionContext,
  args: readonly string[],
  timeoutMs = 30_000,
  onSpawn?: (pid: number) => void,
  nodeFlags: readonly string[] = SERAPHIM_NODE_FLAGS,
): Promise<CliProcess> {
  const all = args.includes('--state-dir') ? [...args] : [...args, '--state-dir', tempDir(t)];
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', CLI, ...all], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid as number;
  onSpawn?.(pid);
  // Teardown: the workers it forked first (by PID), then the process itself.
  t.teardown(() => {
    for (const worker of childPids(pid)) killQuietly(worker);
    if (child.exitCode === null && child.signalCode === null) killQuietly(pid);
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const nextLine = lineWaiter(
    [child.stdout, child.stderr],
    exited.then(({ code, signal }) => String(signal ?? code)),
    'seraphim',
    () => `stdout: ${out.slice(-2000)} stderr: ${err.slice(-2000)}`,
  );

  const waitForLine = (pattern: RegExp, ms: number, past = false): Promise<string> => {
    if (past) {
      const seen = `${out}\n${err}`.split('\n').find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
    }
    return nextLine(pattern, ms);
  };

  const wanted = (flag: string): boolean => {
    const at = all.indexOf(flag);
    return at < 0 || all[at + 1] !== '0';
  };
  const urls: { https?: string; http?: string } = {};
  const ports: { https?: number; http?: number } = {};
  const listening = /^seraphim listening ((https?):\/\/\S+)$/;
  const collect = (line: string): boolean => {
    const match = listening.exec(line);
    if (match === null) return false;
    const scheme = match[2] as 'http' | 'https';
    urls[scheme] = match[1] as string;
    ports[scheme] = Number(new URL(match[1] as string).port);
    return true;
  };
  const schemes = [wanted('--https-port') ? 'https' : undefined, wanted('--http-port') ? 'http' : undefined].filter((s) => s !== undefined);
  // The lines printed so far, then again after each new one (lines of one chunk arrive together).
  // Asking for past lines in the loop would find the same one again and again: a loop of resolved
  // promises that starves the very output it waits for.
  for (const line of out.split('\n')) collect(line);
  while (!schemes.every((s) => urls[s as 'http' | 'https'] !== undefined)) {
    collect(await waitForLine(listening, timeoutMs));
    for (const line of out.split('\n')) collect(line);
  }
  return { child, pid, urls, ports, stdout: () => out, stderr: () => err, waitForLine, exited };
}

/**
 * Watches the lines a child process prints on `streams` (each split into lines on its own, as
 * UTF-8). The function returned resolves with the first line matching `pattern` printed from the
 * call on; it rejects after `ms`, or once `exited` settles with how the process ended, naming
 * `name` and ending with `tail()` (the last of what it printed).
 */
export function lineWaiter(streams: readonly Readable[], exited: Promise<string>, name: string, tail: () => string): (pattern: RegExp, ms: number) => Promise<string> {
  const watchers = new Set<(line: string) => void>();
  for (const stream of streams) {
    let partial = '';
    stream.setEncoding('utf8').on('data', (text: string) => {
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() as string;
      for (const line of lines) for (const watcher of [...watchers]) watcher(line);
    });
  }
  return (pattern, ms) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        watchers.delete(watcher);
        reject(new Error(`${name} printed no line matching ${pattern} within ${ms} ms; ${tail()}`));
      }, ms);
      const watcher = (line: string): void => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        watchers.delete(watcher);
        resolve(line);
      };
      watchers.add(watcher);
      void exited.then((how) => {
        if (!watchers.has(watcher)) return;
        clearTimeout(timer);
        watchers.delete(watcher);
        reject(new Error(`${name} exited (${how}) before printing ${pattern}; ${tail()}`));
      });
    });
}

/** Sends `signal` (default SIGKILL) to `pid`, if it is still there. */
export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The PIDs of the live processes whose parent is `pid` (from /proc). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid && fields[0] !== 'Z') children.push(Number(entry));
  }
  return children.sort((a, b) => a - b);
}

/** The command line of process `pid`, split into its arguments ([] once it is gone). */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
  } catch (err) {
    // Gone before the open (ENOENT) or between the open and the read (ESRCH).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return [];
    throw err;
  }
}

/** The PIDs of the cluster workers of the seraphim process `pid` (its children running the CLI, not tsx's esbuild). */
export function workerPids(pid: number): number[] {
  return childPids(pid).filter((child) => commandLine(child).some((arg) => arg.endsWith('seraphim/cli.ts')));
}

/**
 * Waits until the seraphim primary `cli` has printed `seraphim: worker <pid> listening` for
 * `count` workers not in `known`; resolves with their PIDs.
 */
export async function workersListening(cli: CliProcess, count: number, known: readonly number[] = [], timeoutMs = 20_000): Promise<number[]> {
  const pattern = /^seraphim: worker (\d+) listening$/;
  const found = new Set<number>();
  const note = (line: string): void => {
    const pid = Number(pattern.exec(line)?.[1]);
    if (pid > 0 && !known.includes(pid)) found.add(pid);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of cli.stdout().split('\n')) note(line);
    if (found.size >= count) return [...found].sort((a, b) => a - b);
    note(await cli.waitForLine(pattern, Math.max(1, deadline - Date.now())));
  }
}

/** Waits until `cli` has printed `count` stdout lines matching `pattern`, within `timeoutMs` in all. */
export async function linesPrinted(cli: CliProcess, pattern: RegExp, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (cli.stdout().split('\n').filter((line) => pattern.test(line)).length < count) {
    await cli.waitForLine(pattern, Math.max(1, deadline - Date.now()));
  }
}

/** A `VmRSS`/`VmHWM` line of /proc/<pid>/status, in bytes, read by the benchmarks' own reader. */
export function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const figures = resident(pid);
  if (figures === undefined) throw new Error(`no ${field} in /proc/${pid}/status (the process is gone)`);
  return field === 'VmRSS' ? figures.rss : figures.hwm;
}

/** The PID of the process among `pids` that holds the server end of the TCP connection from local port `clientPort` to `serverPort`. */
export function ownerOfConnection(pids: readonly number[], serverPort: number, clientPort: number): number | undefined {
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
  let inode: string | undefined;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if ((cols[1] as string).endsWith(`:${hex(serverPort)}`) && (cols[2] as string).endsWith(`:${hex(clientPort)}`)) inode = cols[9];
    }
  }
  if (inode === undefined || inode === '0') return undefined;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** One HTTP/1.1 response read off a socket: status, headers and the whole body (framed by Content-Length). */
export interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** Sends a GET for `path` on an open socket and reads its response (keep-alive), within `timeoutMs`. */
export async function httpGet(skt: Socket, path: string, timeoutMs = 10_000): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  await writeSocket(skt, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, SKT$BLOCKING, timeoutMs);
  let bytes = Buffer.alloc(0);
  let body: Buffer[] = [];
  let bodyBytes = 0;
  let headEnd = -1;
  let length = 0;
  let status = 0;
  const headers = new Map<string, string>();
  for (;;) {
    if (headEnd < 0) {
      headEnd = bytes.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const lines = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
        status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0] ?? '')?.[1]);
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
        }
        length = Number(headers.get('content-length') ?? 0);
        body = [bytes.subarray(headEnd + 4)];
        bodyBytes = bytes.length - headEnd - 4;
      }
    }
    if (headEnd >= 0 && bodyBytes >= length) return { status, headers, body: Buffer.concat(body).subarray(0, length) };
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no complete response to GET ${path} within ${timeoutMs} ms`);
    const chunk = await readSocketBuffer(skt, 1 << 20, SKT$BLOCKING, left);
    if (headEnd < 0) bytes = Buffer.concat([bytes, chunk]);
    else {
      body.push(chunk);
      bodyBytes += chunk.length;
    }
  }
}

/** GET `path` on a new connection (TLS with `context` when given), closed afterwards. */
export async function getOnce(port: number, path: string, context?: TlsContext, timeoutMs = 10_000): Promise<HttpAnswer> {
  const skt = context === undefined ? await openSocket('127.0.0.1', port, SKT$BLOCKING) : await openSecureSocket('127.0.0.1', port, SKT$BLOCKING, context);
  try {
    return await httpGet(skt, path, timeoutMs);
  } finally {
    await closeSocket(skt).catch(() => undefined);
  }
}

/** What a finished command printed. */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end (killed, with its children, after `timeoutMs`); a process still
 * running when the test ends is killed by PID, its children first.
 */
export function runCommand(t: ExecutionContext, command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CommandResult> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  const pid = child.pid;
  const killAll = (): void => {
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    for (const grandchild of childPids(pid)) killQuietly(grandchild);
    killQuietly(pid);
  };
  t.teardown(killAll);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(killAll, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
