// Headless chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: the
// browser reads commands on its fd 3 and writes replies and events on its fd 4, each message
// JSON ended by a NUL byte). A test uses it when it needs what a page's script sees (a layout
// measured, the DOM after the page's own scripts ran), which `--dump-dom` and `--screenshot`
// alone cannot give. No port is opened.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { ExecutionContext } from 'ava';
import { childPids } from './seraphim-cli.js';

/**
 * The flags every headless chromium of the tests runs with, whether driven over this pipe or run
 * once for `--dump-dom` or `--screenshot`: no sandbox (the tests may run as root), no GPU, and
 * none of the browser's own traffic (first-run pages, updates, sync).
 */
export const HEADLESS_CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long one protocol command may take before the test fails (a busy machine is slow). */
const COMMAND_TIMEOUT_MS = 60_000;

interface Message {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** One tab of the browser, `width` x `height` CSS pixels. */
export interface BrowserPage {
  /** Loads `url` and waits for its load event. */
  goto(url: string): Promise<void>;
  /** Evaluates `expression` in the page (a promise is awaited) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the viewport. */
  screenshot(): Promise<Buffer>;
}

/** A caller waiting for one event of one session. */
interface EventWaiter {
  readonly method: string;
  readonly sessionId: string;
  /** Resolves the wait, or rejects it with `err`; clears its timer and forgets it. */
  settle(err?: Error): void;
}

export interface Browser {
  newPage(width: number, height: number): Promise<BrowserPage>;
}

function killIfRunning(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    // ESRCH: it exited between the listing and the kill, which is what was wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Says what to install when the chromium command is not there. */
function missing(err: NodeJS.ErrnoException): Error {
  return err.code === 'ENOENT' ? new Error('chromium is not installed: this test needs the Debian package chromium on the PATH') : err;
}

/**
 * Starts headless chromium for the test; it is closed (and killed by PID if it does not exit)
 * when the test ends.
 */
export async function launchChromium(t: ExecutionContext): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const child = spawn(
    'chromium',
    [...HEADLESS_CHROMIUM_FLAGS, '--hide-scrollbars', '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const commands = child.stdio[3] as Writable;
  const replies = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));

  let running = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // not started (no chromium): there is nothing to wait for
  }).then(() => {
    running = false;
  });
  t.teardown(async () => {
    const pid = child.pid;
    if (running && pid !== undefined) {
      commands.write(`${JSON.stringify({ id: 0, method: 'Browser.close' })}\0`);
      // Browser.close ends every chromium process; one that hangs is killed, its children first.
      const killer = setTimeout(() => {
        for (const target of [...childPids(pid), pid]) killIfRunning(target);
      }, 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(profile, { recursive: true, force: true });
  });

  let nextId = 1;
  const pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (err: Error) => void }>();
  /** The events awaited, each settled once: by its event, its timeout, or chromium failing. */
  const awaited = new Set<EventWaiter>();
  let failure: Error | undefined;
  const failAll = (err: Error): void => {
    failure ??= err;
    for (const { reject } of pending.values()) reject(err);
    pending.clear();
    for (const waiter of awaited) waiter.settle(err);
  };
  child.once('error', (err) => failAll(missing(err)));
  commands.on('error', (err) => failAll(new Error(`chromium's command pipe failed: ${err.message}`)));
  child.once('exit', (code, signal) => failAll(new Error(`chromium exited (${code ?? signal}): ${stderr}`)));

  let buffered = '';
  replies.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
      const message = JSON.parse(buffered.slice(0, end)) as Message;
      buffered = buffered.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) waiter?.reject(new Error(`chromium: ${message.error.message}`));
        else waiter?.resolve(message.result ?? {});
      } else {
        for (const waiter of awaited) if (waiter.method === message.method && waiter.sessionId === message.sessionId) waiter.settle();
      }
    }
  });

  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    if (failure !== undefined) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`chromium did not answer ${method} within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      commands.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  };

  /**
   * The next event `method` of `sessionId`; listen before sending what causes it, and settle the
   * waiter yourself (with an error) if what should cause it fails, so that no timer is left.
   */
  const nextEvent = (method: string, sessionId: string): { readonly arrived: Promise<void>; settle: EventWaiter['settle'] } => {
    let waiter: EventWaiter | undefined;
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => waiter?.settle(new Error(`chromium sent no ${method} within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
      waiter = {
        method,
        sessionId,
        settle: (err) => {
          clearTimeout(timer);
          awaited.delete(waiter as EventWaiter);
          if (err === undefined) resolve();
          else reject(err);
        },
      };
      awaited.add(waiter);
    });
    if (failure !== undefined) waiter?.settle(failure);
    return { arrived, settle: (err) => waiter?.settle(err) };
  };

  // The browser answers once it is up; a missing command fails here with the message above.
  await send('Browser.getVersion');

  return {
    async newPage(width, height) {
      const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      await send('Page.enable', {}, sessionId);
      await send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
      return {
        async goto(url) {
          const loaded = nextEvent('Page.loadEventFired', sessionId);
          // Handled here at once: if the navigation fails, its own error is thrown below instead.
          loaded.arrived.catch(() => undefined);
          try {
            const { errorText } = (await send('Page.navigate', { url }, sessionId)) as { errorText?: string };
            if (errorText !== undefined) throw new Error(`chromium could not load ${url}: ${errorText}`);
          } catch (err) {
            // No load event comes: settle the waiter now rather than leave its timer running.
            loaded.settle(err as Error);
            throw err;
          }
          await loaded.arrived;
        },
        async evaluate<T>(expression: string) {
          const reply = (await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId)) as {
            result: { value?: unknown };
            exceptionDetails?: { text: string; exception?: { description?: string } };
          };
          if (reply.exceptionDetails !== undefined) {
            throw new Error(`in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
          }
          return reply.result.value as T;
        },
        async screenshot() {
          const { data } = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
          return Buffer.from(data, 'base64');
        },
      };
    },
  };
}
