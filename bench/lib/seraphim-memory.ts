/**
 * The memory of bench/seraphim.ts's servers, read from /proc (Linux) so that every kind of server
 * (a Node child, nginx's worker) is measured the same way, from outside, without asking it to
 * collect its garbage first: what a server holds under load is what the machine must have.
 *
 * - VmRSS: the resident set now; sampled every {@link SAMPLE_EVERY} ms during each wrk run, the
 *   largest sample is the round's RSS under load;
 * - VmHWM: the largest resident set the process ever had (the kernel's own high-water mark, so
 *   it misses nothing between two samples).
 *
 * And what a server holds with many idle TLS connections open ({@link idleMemory}).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ClientChild } from './children.js';

/** How often the RSS is sampled during a wrk run, in milliseconds. */
export const SAMPLE_EVERY = 100;

/** VmRSS and VmHWM of a set of processes together, in bytes. */
export interface Resident {
  rss: number;
  hwm: number;
}

/** VmRSS and VmHWM of one process, in bytes; undefined once it has exited (or off Linux). */
export function resident(pid: number): Resident | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch (err) {
    // The process is gone, or there is no /proc: the figure is missing, said as such by the caller.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const kib = (field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return m === null ? undefined : Number(m[1]) * 1024;
  };
  const rss = kib('VmRSS');
  const hwm = kib('VmHWM');
  return rss === undefined || hwm === undefined ? undefined : { rss, hwm };
}

/** The sum of {@link resident} over `pids` (nginx: its workers); undefined when any cannot be read. */
export function residentOf(pids: readonly number[]): Resident | undefined {
  let rss = 0;
  let hwm = 0;
  for (const pid of pids) {
    const r = resident(pid);
    if (r === undefined) return undefined;
    rss += r.rss;
    hwm += r.hwm;
  }
  return pids.length === 0 ? undefined : { rss, hwm };
}

/** How many file descriptors a process holds (its open connections among them). */
export function openDescriptors(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A running RSS sampler; `stop()` ends it and gives the largest VmRSS seen (undefined if none could be read). */
export interface RssSampler {
  stop(): number | undefined;
}

/** Samples the VmRSS of `pids` (together) every {@link SAMPLE_EVERY} ms until stopped. */
export function sampleRss(pids: () => readonly number[]): RssSampler {
  let peak: number | undefined;
  const take = (): void => {
    const r = residentOf(pids());
    if (r !== undefined) peak = Math.max(peak ?? 0, r.rss);
  };
  take();
  const timer = setInterval(take, SAMPLE_EVERY);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** What a server held with many idle TLS connections open. */
export interface IdleMemory {
  /** Idle connections held: each one's handshake done, no request sent. */
  connections: number;
  /** VmRSS just before they were opened, and with all of them open, in bytes. */
  rssBefore: number;
  rssWith: number;
  /** (rssWith - rssBefore) / connections, in KiB. */
  perConnectionKiB: number;
  /** File descriptors the server held before and with the connections open (a check that it holds them all). */
  descriptorsBefore: number | undefined;
  descriptorsWith: number | undefined;
  /** How long opening them took, in milliseconds. */
  openMs: number;
}

/** At most this many handshakes at a time: the 2 cores stay shared between client and server. */
const IDLE_CONCURRENCY = 8;
/** The longest the opening may take, in milliseconds (a server's head timeout must not close the first ones meanwhile). */
const IDLE_OPEN_LIMIT = 60_000;

/**
 * Opens `count` TLS connections to `port` from a client child (bench/lib/tls-client-child.ts:
 * full handshakes, then idle), reads the VmRSS of `pids` before and with them open, and closes
 * them. Measured as soon as the last handshake completes: every server closes a connection that
 * sends no request after a while (SERAPHIM after 10 s, node:https and nginx after 60 s), so
 * `count` must open well within that.
 */
export async function idleMemory(client: ClientChild, port: number, ca: string, count: number, pids: () => readonly number[]): Promise<IdleMemory> {
  const before = residentOf(pids());
  const [pid] = pids();
  const descriptorsBefore = pid === undefined ? undefined : openDescriptors(pid);
  try {
    const opened = await client.open(port, count, IDLE_CONCURRENCY, ca, IDLE_OPEN_LIMIT);
    if (opened.connected !== count) throw new Error(`idle connections: ${opened.connected} of ${count} opened (${opened.failed} failed: ${opened.firstError ?? 'out of time'})`);
    const withThem = residentOf(pids());
    const descriptorsWith = pid === undefined ? undefined : openDescriptors(pid);
    if (before === undefined || withThem === undefined) throw new Error('idle connections: the server\'s memory cannot be read from /proc');
    return {
      connections: count,
      rssBefore: before.rss,
      rssWith: withThem.rss,
      perConnectionKiB: (withThem.rss - before.rss) / count / 1024,
      descriptorsBefore,
      descriptorsWith,
      openMs: opened.ms,
    };
  } finally {
    await client.close();
  }
}
