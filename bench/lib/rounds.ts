/**
 * The rounds the benchmarks share: a bulk round and a ping-pong round (plain or, given a
 * TlsMaterial, over TLS), the watchdog that bounds a round, and the loop that alternates the
 * rounds of two variants after the warm-up: raw and facade in bench/plain.ts and bench/tls.ts,
 * main and basic in bench/basic.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerHost } from './host.js';
import { runBulkSender, runPingPong, type BulkReceived, type EchoServed, type PingPongVariant, type Variant } from './peers.js';
import { negotiatedKey, type Negotiated, type TlsMaterial } from './tls-material.js';
import { passOrder } from './report.js';

export const MiB = 1024 * 1024;
/** How long past its own time cap a round may take before the watchdog closes its sockets. */
export const ROUND_GRACE_MS = 15_000;

/** What the bulk and ping-pong rounds are sized by. */
export interface RoundOptions {
  /** Measured rounds per variant and test (alternating raw, facade, facade, raw, ...; main, basic, basic, main in bench/basic.ts). */
  rounds: number;
  /** Unmeasured warm-up rounds per variant and test, before the measured ones. */
  warmupRounds: number;
  bulkBytes: number;
  bulkMaxMs: number;
  pingPongMs: number;
  pingPongMaxRoundTrips: number;
  messageSize: number;
}

export interface Measurement {
  /** The figure of the round (MiB/s, round trips/s, ...). */
  value: number;
  /** Process CPU time (user + system, every thread) per operation of the round, in microseconds. */
  cpuPerOp: number;
  detail: string;
  /** TLS: what the round's client negotiated. */
  negotiated?: Negotiated;
}

/** Runs a round and adds the CPU time it took per operation (per MiB, per round trip). */
export async function measured(
  round: () => Promise<{ value: number; ops: number; detail: string; negotiated?: Negotiated }>,
): Promise<Measurement> {
  const before = process.cpuUsage();
  const m = await round();
  const cpu = process.cpuUsage(before);
  const cpuPerOp = (cpu.user + cpu.system) / m.ops;
  return {
    value: m.value,
    cpuPerOp,
    detail: `${m.detail}, cpu ${cpuPerOp.toFixed(1)} us/op (${((100 * cpu.system) / (cpu.user + cpu.system)).toFixed(0)}% sys)`,
    negotiated: m.negotiated,
  };
}

/** Runs `body`, closing its sockets through the registered aborts if it fails or overruns `limitMs`. */
export async function withWatchdog<T>(limitMs: number, what: string, body: (register: (abort: () => void) => void) => Promise<T>): Promise<T> {
  const aborts: (() => void)[] = [];
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    console.error(`watchdog: ${what} overran ${limitMs} ms; closing its sockets`);
    for (const abort of aborts) abort();
  }, limitMs);
  try {
    const value = await body((abort) => aborts.push(abort));
    if (fired) throw new Error(`${what}: overran its time limit`);
    return value;
  } catch (err) {
    // A failed round closes everything it opened, so the process can still exit by itself.
    for (const abort of aborts) abort();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** One bulk round: one connection sends `bulkBytes` (or for `bulkMaxMs`); MiB/s at the receiver. */
export async function bulkRound(host: ServerHost, variant: Variant, opts: RoundOptions, tls?: TlsMaterial): Promise<Measurement> {
  return measured(() => withWatchdog(opts.bulkMaxMs + ROUND_GRACE_MS, `bulk ${variant}`, async (register) => {
    const server = await host.start(tls === undefined ? { kind: 'bulk', variant, maxBytes: opts.bulkBytes } : { kind: 'bulk', variant, maxBytes: opts.bulkBytes, tls });
    register(server.abort);
    const sender = await runBulkSender(variant, server.port, opts.bulkBytes, opts.bulkMaxMs, tls);
    register(sender.abort);
    const [sent, received] = await Promise.all([sender.done, server.result as Promise<BulkReceived>]);
    if (received.bytes !== sent.bytes) throw new Error(`bulk ${variant}: sent ${sent.bytes} bytes but ${received.bytes} arrived`);
    const mibps = received.timedBytes / MiB / (received.ms / 1000);
    return {
      value: mibps,
      ops: received.bytes / MiB,
      detail: `${(received.bytes / MiB).toFixed(0)} MiB in ${received.ms.toFixed(0)} ms, ${sent.writes} writes`,
      negotiated: sender.negotiated,
    };
  }));
}

/** One ping-pong round on `connections` connections; round trips per second, all together. */
export async function pingPongRound(host: ServerHost, variant: PingPongVariant, connections: number, opts: RoundOptions, tls?: TlsMaterial): Promise<Measurement> {
  return measured(() => withWatchdog(opts.pingPongMs + ROUND_GRACE_MS, `ping-pong x${connections} ${variant}`, async (register) => {
    const spec = {
      kind: 'echo' as const,
      variant,
      connections,
      messageSize: opts.messageSize,
      maxEchoes: opts.pingPongMaxRoundTrips,
    };
    const server = await host.start(tls === undefined ? spec : { ...spec, tls });
    register(server.abort);
    const client = await runPingPong(variant, server.port, connections, opts.messageSize, opts.pingPongMs, opts.pingPongMaxRoundTrips, tls);
    register(client.abort);
    const [done, served] = await Promise.all([client.done, server.result as Promise<EchoServed>]);
    if (served.echoed !== done.roundTrips) {
      throw new Error(`ping-pong x${connections} ${variant}: ${done.roundTrips} round trips but ${served.echoed} echoes`);
    }
    const rate = done.roundTrips / (done.ms / 1000);
    return {
      value: rate,
      ops: done.roundTrips,
      detail: `${done.roundTrips.toLocaleString('en-US')} round trips in ${done.ms.toFixed(0)} ms`,
      negotiated: client.negotiated,
    };
  }));
}

/**
 * The figures of the measured rounds of one test. `raw` holds the baseline's (raw Node, or the
 * main API in bench/basic.ts), `facade` the measured side's (the facade, or scarlet-sockets/basic).
 */
export interface Rounds {
  raw: number[];
  facade: number[];
  cpu: { raw: number[]; facade: number[] };
  /** TLS: the distinct "protocol cipher" each variant's rounds negotiated (empty for plain). */
  negotiated: { raw: string[]; facade: string[] };
}

/** Warm-up rounds, then measured rounds alternating baseline, measured, measured, baseline, ... (raw, facade by default). */
export async function alternate<V extends PingPongVariant = Variant>(
  label: string,
  opts: Pick<RoundOptions, 'rounds' | 'warmupRounds'>,
  round: (variant: V) => Promise<Measurement>,
  format: (value: number) => string = formatValue,
  variants: readonly [baseline: V, measured: V] = ['raw', 'facade'] as [V, V],
): Promise<Rounds> {
  const out: Rounds = { raw: [], facade: [], cpu: { raw: [], facade: [] }, negotiated: { raw: [], facade: [] } };
  const total = opts.warmupRounds + opts.rounds;
  const slots = [['raw', variants[0]], ['facade', variants[1]]] as const;
  for (let i = 0; i < total; i++) {
    const warm = i < opts.warmupRounds;
    // Warm-up passes in the given order; measured ones from the baseline first, then ABBA.
    for (const [slot, variant] of passOrder(slots, warm ? 0 : i - opts.warmupRounds)) {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      await sleep(50); // let the previous round's sockets finish closing
      const m = await round(variant);
      if (!warm) {
        // Both pushed in every pass, so the CPU figures pair as the rates do.
        out[slot].push(m.value);
        out.cpu[slot].push(m.cpuPerOp);
      }
      if (m.negotiated !== undefined) {
        const key = negotiatedKey(m.negotiated);
        if (!out.negotiated[slot].includes(key)) out.negotiated[slot].push(key);
      }
      const tag = warm ? 'warm-up' : `round ${i - opts.warmupRounds + 1}`;
      console.log(`  ${label.padEnd(16)} ${variant.padEnd(6)} ${tag.padEnd(8)} ${format(m.value).padStart(12)}  (${m.detail})`);
    }
  }
  return out;
}

export function formatValue(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
