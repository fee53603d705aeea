// HAProxy as a real component of a test: Debian's haproxy, started in the foreground (-db) in
// master-worker mode (-W, which prints "Loading success." once it listens) with a generated
// configuration, its output watched line by line, and stopped by PID (its worker first) when
// the test ends.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { childPids, killQuietly, lineWaiter } from './seraphim-cli.js';
import { tempDir } from './seraphim.js';

/** A running haproxy. */
export interface HaproxyProcess {
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  readonly output: () => string;
  /** Resolves with the first line matching `pattern` printed from now on. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
}

/** Fails with a message naming haproxy when it is not installed. */
export function requireHaproxy(): void {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error('haproxy is not installed (Debian: apt-get install haproxy; .ci/run installs it): this test runs SERAPHIM behind a real HAProxy');
  }
}

/** Starts haproxy with `config` (its text) and `env` added to the environment; resolves once it listens. */
export async function startHaproxy(t: ExecutionContext, config: string, env: Record<string, string>, timeoutMs = 30_000): Promise<HaproxyProcess> {
  requireHaproxy();
  const file = join(tempDir(t), 'haproxy.cfg');
  writeFileSync(file, config);
  const child = spawn('haproxy', ['-W', '-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const pid = child.pid as number;
  t.teardown(() => {
    for (const worker of childPids(pid)) killQuietly(worker);
    if (child.exitCode === null && child.signalCode === null) killQuietly(pid);
  });
  let text = '';
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<string>((resolve) => child.on('exit', (code) => resolve(String(code))));
  const waitForLine = lineWaiter([child.stdout, child.stderr], exited, 'haproxy', () => `output: ${text.slice(-3000)}`);
  await waitForLine(/Loading success\./, timeoutMs);
  return { pid, output: () => text, waitForLine };
}

