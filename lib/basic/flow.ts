import { promiseHooks } from 'node:v8';
import type { SocketError } from '../errors.js';
import type { Failed } from '../socket-base.js';

/**
 * One flow of control under BASIC's convention: what STATUS() would return after its last call.
 * A BASIC process runs one flow; a TypeScript server runs many at once (one per connection), so
 * each keeps its own, carried through every promise of that flow (see {@link runFlow}).
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

/** The flow of code that no {@link runFlow} started: the program's own, as a BASIC process's. */
const mainFlow = new Flow();

// How a flow follows its code. Every continuation of an async function (after an `await`) and
// every then() callback runs as the reaction of a promise made when the code awaited or called
// then(): a promise made while a flow runs is marked with it, and while that promise's reaction
// runs, its flow is the current one. A reaction of an unmarked promise runs in the main flow.
//
// Why not AsyncLocalStorage, which does the same for promises and more (timer and I/O callbacks
// too): on Node 20 it works through async_hooks, which give every promise and every async
// resource of the process (ticks, write requests) an id and a resource record. In the ping-pong
// benchmark that cost 9 to 20 % per round trip; this carrier, V8's promise hooks with one
// property and a stack, cost +0.3 to +2 % against AsyncLocalStorage's +5 to +8 % in a comparison
// in one process (bench/README.md has the figures).
const FLOW = Symbol('scarlet-sockets/basic flow');
type Marked = Promise<unknown> & { [FLOW]?: Flow };

/** The flow of the code running now; undefined for the main flow. */
let current: Flow | undefined;
/**
 * The flow each running reaction interrupted, given back when it ends. (Hooks installed during a
 * reaction see its `after` without its `before`: popping nothing gives the main flow, as it should.)
 */
const interrupted: (Flow | undefined)[] = [];
let carrying = false;

/** Installs the promise hooks, once, when the first flow starts: a program that starts none pays nothing. */
function carryFlows(): void {
  if (carrying) return;
  carrying = true;
  promiseHooks.createHook({
    init(promise: Marked) {
      if (current !== undefined) promise[FLOW] = current;
    },
    before(promise: Marked) {
      interrupted.push(current);
      current = promise[FLOW];
    },
    after() {
      current = interrupted.pop();
    },
  });
}

/** The flow the caller runs in. */
export function currentFlow(): Flow {
  return current ?? mainFlow;
}

/**
 * Runs `fn` as a flow of its own, starting with status 0: whatever it and everything it awaits
 * set is its own, and the caller's status is untouched. The flow follows `fn` through every
 * `await` and then(); a callback that `fn` hands to a timer or an event emitter runs in the
 * main flow (it is not a promise reaction), as the porting guide says.
 */
export function runFlow<T>(fn: () => T): T {
  carryFlows();
  const caller = current;
  current = new Flow();
  try {
    return fn();
  } finally {
    current = caller;
  }
}
