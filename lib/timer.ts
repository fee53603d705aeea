/** The longest delay setTimeout takes; Node turns a longer one into 1 ms, so it is capped. */
const MAX_DELAY = 0x7fffffff;

/**
 * Runs `fire(...args)` after `ms` milliseconds, the library's one way to start a timeout: 0 means no
 * limit (no timer at all), and delays past setTimeout's range wait as long as it allows
 * (about 24.8 days) instead of firing at once.
 *
 * The timer is unreferenced. Every timeout of the library guards an operation on a socket or a
 * server, whose own handle keeps the process alive while the operation waits; a referenced
 * timer would only add work: Node re-references its event loop each time a referenced timer
 * list fills or empties, once per connection for handshake timeouts.
 */
export function startTimer<A extends unknown[]>(ms: number, fire: (...args: A) => void, ...args: A): NodeJS.Timeout | undefined {
  return ms > 0 ? setTimeout(fire, Math.min(ms, MAX_DELAY), ...args).unref() : undefined;
}
