import type { SocketError } from './errors.js';

/** The longest delay setTimeout takes; longer timeouts are clamped to it. */
const MAX_TIMER = 0x7fffffff;

/**
 * One pending call (a read, a write, an accept) with its optional timeout. Settling it twice is
 * harmless, so a late completion after a timeout, or a timeout after a completion, is a no-op.
 */
export class Waiter<T> {
  readonly promise: Promise<T>;
  private resolveFn!: (value: T) => void;
  private rejectFn!: (err: Error) => void;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param timeout - milliseconds; 0 waits without limit
   * @param queue - the list of waiters it stands in, which it leaves when the time is up
   * @param timeoutError - makes the error the waiter is rejected with
   */
  constructor(timeout: number, queue?: Waiter<T>[], timeoutError?: () => SocketError) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    if (timeout > 0 && timeoutError !== undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const index = queue?.indexOf(this) ?? -1;
        if (index >= 0) queue?.splice(index, 1);
        this.rejectFn(timeoutError());
      }, Math.min(timeout, MAX_TIMER));
    }
  }

  resolve(value: T): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.resolveFn(value);
  }

  reject(err: Error): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.rejectFn(err);
  }
}
