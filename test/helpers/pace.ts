// A pace for loops that open TLS connections: every client of a test comes from one loopback
// address, and a server may refuse one address that starts handshakes faster than a few dozen a
// second (a flood guard), so such loops keep below that rather than measure it.
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Returns a function that resolves at the next of `perSecond` slots a second, counted from the
 * first call: a loop that awaits it before each connection makes at most that many a second on
 * average, and never a burst of more than one late slot at a time.
 */
export function pace(perSecond: number): () => Promise<void> {
  const interval = 1000 / perSecond;
  let next: number | undefined;
  return async () => {
    const now = performance.now();
    next = next === undefined ? now : Math.max(next + interval, now);
    if (next > now) await delay(next - now);
  };
}
