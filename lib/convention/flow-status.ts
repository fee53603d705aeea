import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The status of one flow of control: what STATUS() would return after its last call. A BASIC
 * process runs one flow; a TypeScript server runs many at once (one per connection), so each
 * keeps its own, carried by AsyncLocalStorage through every `await` of that flow.
 */
interface Flow {
  status: number;
}

const flows = new AsyncLocalStorage<Flow>();
/** The flow of code that no {@link runFlow} started: the program's own, as a BASIC process's. */
const mainFlow: Flow = { status: 0 };

function currentFlow(): Flow {
  return flows.getStore() ?? mainFlow;
}

/** The status the current flow's last call left. */
export function flowStatus(): number {
  return currentFlow().status;
}

/** Sets the status of the current flow. */
export function setFlowStatus(status: number): void {
  currentFlow().status = status;
}

/**
 * Runs `fn` as a flow of its own, starting with status 0: whatever it and everything it awaits
 * set is its own, and the caller's status is untouched.
 */
export function runFlow<T>(fn: () => T): T {
  return flows.run({ status: 0 }, fn);
}
