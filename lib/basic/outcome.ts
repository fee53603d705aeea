import { SocketError } from '../errors.js';
import { currentFlow } from './flow.js';

/**
 * The outcome of a call under a status convention (BASIC's STATUS()): success sets the flow's
 * status to 0 and gives the call's value; a SocketError sets its status and gives the failure
 * value the convention returns instead. Anything else (a TypeError for an argument that would
 * abort a BASIC program) passes through, as a rejection.
 */
export function settle<T, F>(call: () => Promise<T>, failed: (err: SocketError) => F): Promise<T | F> {
  let pending: Promise<T>;
  try {
    pending = call();
  } catch (err) {
    // An argument refused before the call began: a rejection too, so that callers see every
    // failure of an async call the same way.
    return Promise.reject(err);
  }
  // then() rather than an async function: one promise turn fewer on every read and write, and
  // the callbacks run in the caller's flow, which then() carries as await does.
  return pending.then(
    (value) => {
      currentFlow().status = 0;
      return value;
    },
    (err: unknown) => failure(err, failed),
  );
}

/** {@link settle} for a call that answers at once (SOCKET.INFO, SET.SOCKET.MODE). */
export function settleNow<T, F>(call: () => T, failed: (err: SocketError) => F): T | F {
  let value: T;
  try {
    value = call();
  } catch (err) {
    return failure(err, failed);
  }
  currentFlow().status = 0;
  return value;
}

function failure<F>(err: unknown, failed: (err: SocketError) => F): F {
  if (!(err instanceof SocketError)) throw err;
  currentFlow().status = err.status;
  return failed(err);
}
