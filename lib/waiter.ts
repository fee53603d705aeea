import { SocketError } from './errors.js';
import type { Convert, Failed } from './socket-base.js';
import { startTimer } from './timer.js';

// The resolve and reject functions of the promise being made. A shared executor hands them over,
// so a waiter costs no closure of its own: reads and writes make one waiter each.
let madeResolve: (value: any) => void = () => undefined;
let madeReject: (err: Error) => void = () => undefined;
function capture(resolve: (value: any) => void, reject: (err: Error) => void): void {
  madeResolve = resolve;
  madeReject = reject;
}

/**
 * One pending call (a read, a write, an accept) with its optional timeout. Settling it twice is
 * harmless, so a late completion after a timeout, or a timeout after a completion, is a no-op.
 */
export class Waiter<T> {
  readonly promise: Promise<T>;
  private readonly resolveFn: (value: T) => void;
  private readonly rejectFn: (err: Error) => void;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param timeout - milliseconds; 0 waits without limit
   * @param queue - the list of waiters it stands in, which it leaves when the time is up
   * @param timeoutError - makes the error the waiter is rejected with
   * @param failed - settles a SocketError with a value instead of rejecting (see Failed)
   */
  constructor(
    timeout: number,
    queue?: Waiter<T>[],
    timeoutError?: () => SocketError,
    private readonly failed?: Failed<T>,
  ) {
    this.promise = new Promise<T>(capture);
    this.resolveFn = madeResolve;
    this.rejectFn = madeReject;
    if (timeout > 0 && timeoutError !== undefined) {
      this.timer = startTimer(timeout, () => {
        this.timer = undefined;
        const index = queue?.indexOf(this) ?? -1;
        if (index >= 0) queue?.splice(index, 1);
        this.fail(timeoutError());
      });
    }
  }

  resolve(value: T): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.resolveFn(value);
  }

  reject(err: Error): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.fail(err);
  }

  private fail(err: Error): void {
    if (this.failed !== undefined && err instanceof SocketError) this.resolveFn(this.failed(err));
    else this.rejectFn(err);
  }
}

/** A read waiting for bytes (or a datagram): how many it takes, and in what form it returns them. */
export class ReadWaiter<T> extends Waiter<T> {
  /** When a read timed by its socket's shared timer runs out (performance.now() time). */
  deadline: number | undefined = undefined;

  constructor(
    readonly maxLen: number,
    readonly convert: Convert<T>,
    timeout: number,
    queue: Waiter<T>[],
    timeoutError: () => SocketError,
    failed?: Failed<T>,
  ) {
    super(timeout, queue, timeoutError, failed);
  }
}
