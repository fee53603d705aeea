/**
 * A process of its own for one ping-pong variant of bench/basic.ts: both sides of each round (the
 * echo server and the clients) run here, in this process's main thread, as bench/plain.ts runs
 * them in its own. One process per variant because what a variant switches on is process-wide:
 * scarlet-sockets/basic's first phantom turns on promise hooks, which then run for every promise
 * of the process, the main API's included. In one shared process the main rounds would pay the
 * basic entry's cost too, and the ratio would hide it.
 *
 * It answers each `round` message with the round's Measurement (its figure and this process's
 * CPU time per round trip). It exits when the parent goes away (so that a `--cpu-prof` profile
 * gets written), and after MAX_LIFETIME in any case; the parent kills it by PID anyway.
 */
import { inProcessHost } from './host.js';
import type { PingPongVariant } from './peers.js';
import { pingPongRound, type Measurement, type RoundOptions } from './rounds.js';

const MAX_LIFETIME = 20 * 60_000;

export type ToVariantChild = { type: 'round'; id: number; connections: number; opts: RoundOptions };
export type FromVariantChild = { type: 'measured'; id: number; measurement: Measurement } | { type: 'error'; message: string };

const variant = process.argv[2] as PingPongVariant;
const host = inProcessHost();
const send = (msg: FromVariantChild): void => {
  process.send?.(msg);
};

process.on('message', (msg: ToVariantChild) => {
  // The parent collected its own garbage before asking; this process does the same with its own.
  (globalThis as { gc?: () => void }).gc?.();
  pingPongRound(host, variant, msg.connections, msg.opts).then(
    (measurement) => send({ type: 'measured', id: msg.id, measurement }),
    (err: unknown) => send({ type: 'error', message: `${variant} ping-pong x${msg.connections}: ${String(err)}` }),
  );
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(3), MAX_LIFETIME).unref();
