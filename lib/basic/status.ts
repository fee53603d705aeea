import { currentFlow, runFlow } from './flow.js';

/**
 * What BASIC's `STATUS()` would return now: the status the last call of this flow left, 0 after
 * a success. `closeSocket` and `socketInfo` leave it as it was, as in ScarletDME.
 *
 * Each flow has its own status: the program's main line, and each {@link phantom}.
 *
 * @returns an `ER$` status number, or 0
 *
 * @example
 * ```ts
 * // SKT = OPEN.SOCKET(HOST, PORT, SKT$BLOCKING) ; IF STATUS() THEN STOP 'No connection'
 * const skt = await openSocket(host, port, SKT$BLOCKING);
 * if (status()) throw new Error('No connection: ' + status());
 * ```
 *
 * @summary What BASIC's `STATUS()` would return now: the status the last call of this flow left, 0
 *   after a success.
 * @group STATUS()
 */
export function status(): number {
  return currentFlow().status;
}

/**
 * Runs `fn` as a flow of its own, with its own {@link status}: the analogue of starting a
 * PHANTOM to serve one connection. Whatever `fn` and everything it awaits do, its status is
 * never seen by the caller or by another phantom, and theirs never by it. It starts at 0.
 *
 * The flow follows `fn` through every `await`, `then()` and awaited subroutine. A callback that
 * `fn` hands to a timer or an event emitter runs in the main line's flow instead: await (for
 * example `setTimeout` from `node:timers/promises`), or start a phantom in the callback.
 *
 * @param fn - the work of the flow (usually an async function serving one socket)
 * @returns what `fn` returns
 *
 * @example
 * ```ts
 * for (;;) {
 *   const skt = await acceptSocket(srvr, 0);
 *   if (status()) continue;
 *   // Each connection is served at once, with its own STATUS().
 *   void phantom(async () => {
 *     const line = await readSocket(skt, 1024, SKT$BLOCKING, 5000);
 *     if (status() === 0) await writeSocket(skt, line, SKT$BLOCKING, 5000);
 *     await closeSocket(skt);
 *   });
 * }
 * ```
 *
 * @summary Runs `fn` as a flow of its own, with its own {@link status}: the analogue of starting a
 *   PHANTOM to serve one connection.
 * @group STATUS()
 */
export function phantom<T>(fn: () => T): T {
  return runFlow(fn);
}
