/**
 * The parent's side of ./variant-child.ts: one child process per ping-pong variant, kept for the
 * whole run (its JIT stays warm from one round to the next, as in bench/plain.ts), asked for one
 * round at a time. Every child is registered and killed by PID when the run ends in any way;
 * every wait on one ends by a timeout.
 */
import { forkChild, stopChild } from './children.js';
import type { PingPongVariant } from './peers.js';
import { killChild, reply } from './processes.js';
import { ROUND_GRACE_MS, type Measurement, type RoundOptions } from './rounds.js';
import type { FromVariantChild, ToVariantChild } from './variant-child.js';

export interface VariantProcess {
  readonly variant: PingPongVariant;
  readonly pid: number;
  /** Runs one ping-pong round on `connections` connections in the child. */
  round(connections: number, opts: RoundOptions): Promise<Measurement>;
  /** Lets the child exit by itself (so a `--cpu-prof` profile gets written), killing it by PID after 5 s. */
  stop(): Promise<void>;
  kill(): void;
}

/** Starts the child process of `variant`; `nodeArgs` are extra Node flags (`--cpu-prof ...`). */
export function startVariantProcess(variant: PingPongVariant, nodeArgs: string[] = []): VariantProcess {
  const child = forkChild('./variant-child.ts', nodeArgs, [variant]);
  let nextId = 1;
  return {
    variant,
    pid: child.pid as number,
    round(connections, opts) {
      const id = nextId++;
      // The child's own watchdog ends the round at pingPongMs + ROUND_GRACE_MS; this is the one past it.
      const limit = opts.pingPongMs + 2 * ROUND_GRACE_MS;
      const answer = reply<FromVariantChild, Measurement>(child, `${variant} child`, (m) => (m.type === 'measured' && m.id === id ? m.measurement : undefined), limit);
      child.send({ type: 'round', id, connections, opts } satisfies ToVariantChild);
      return answer;
    },
    stop: () => stopChild(child),
    kill: () => killChild(child),
  };
}
