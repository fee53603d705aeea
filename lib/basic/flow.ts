import { AsyncLocalStorage } from 'node:async_hooks';
import type { SocketError } from '../errors.js';
import type { Failed } from '../socket-base.js';

/**
 * One flow of control under BASIC's convention: what STATUS() would return after its last call.
 * A BASIC process runs one flow; a TypeScript server runs many at once (one per connection), so
 * each keeps its own, carried by AsyncLocalStorage through every `await` of that flow.
 *
 * A read or write settles with the flow's own failure handlers, made once per flow: they set
 * its status and give the value BASIC returns, so a call costs no closure and no extra promise.
 */
export class Flow {
  status = 0;
  /** A failed READ.SOCKET returns ''. */
  readonly failedRead: Failed<string> = (err) => {
    this.status = err.status;
    return '';
  };
  /** A failed WRITE.SOCKET returns the bytes of it the socket took (see SocketError.bytesWritten). */
  readonly failedWrite: Failed<number> = (err: SocketError) => {
    this.status = err.status;
    return err.bytesWritten ?? 0;
  };
}

const flows = new AsyncLocalStorage<Flow>();
/** The flow of code that no {@link runFlow} started: the program's own, as a BASIC process's. */
const mainFlow = new Flow();

/** The flow the caller runs in. */
export function currentFlow(): Flow {
  return flows.getStore() ?? mainFlow;
}

/**
 * Runs `fn` as a flow of its own, starting with status 0: whatever it and everything it awaits
 * set is its own, and the caller's status is untouched. (Node 20's AsyncLocalStorage turns on
 * promise hooks for the whole process the first time this runs; a program that never starts a
 * flow does not pay for them.)
 */
export function runFlow<T>(fn: () => T): T {
  return flows.run(new Flow(), fn);
}
