import { readSocketBuffer, SKT$BLOCKING, SocketError, type Socket } from 'scarlet-sockets';

/** The most bytes one read asks the socket for. */
const READ_SIZE = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** A read did not finish before its deadline. */
export class ReadTimeout extends Error {
  constructor() {
    super('no data before the deadline');
    this.name = 'ReadTimeout';
  }
}

/**
 * Bytes read from a socket and not yet used: the request parser looks at them, takes what one
 * request needs, and leaves the rest, so pipelined requests are never lost or misread.
 */
export class SocketReader {
  #pending: Buffer = EMPTY;

  constructor(readonly skt: Socket) {}

  /** The bytes read and not yet consumed. */
  get pending(): Buffer {
    return this.#pending;
  }

  /** Drops the first `length` pending bytes. */
  consume(length: number): void {
    this.#pending = length >= this.#pending.length ? EMPTY : this.#pending.subarray(length);
  }

  /** Takes up to `length` pending bytes. */
  take(length: number): Buffer {
    const bytes = this.#pending.subarray(0, length);
    this.consume(bytes.length);
    return bytes;
  }

  /**
   * Reads more bytes onto the pending ones, waiting no later than `deadline` (a `Date.now()`
   * value).
   *
   * @returns `false` when the peer closed (or the connection failed) and nothing more will come
   * @throws ReadTimeout when nothing came before the deadline
   */
  async fill(deadline: number): Promise<boolean> {
    try {
      this.append(await this.read(msUntil(deadline)));
    } catch (err) {
      if (readFailure(err) === 'timeout') throw new ReadTimeout();
      return false;
    }
    return true;
  }

  /**
   * One read from the socket, for a caller that awaits it itself (one promise fewer than
   * `fill`) and then hands the bytes to `append`; `readFailure` says what its error means.
   * The same timeout each time (the idle one) keeps the timers of every connection in one list of
   * Node's.
   */
  read(wait: number): Promise<Buffer> {
    return readSocketBuffer(this.skt, READ_SIZE, SKT$BLOCKING, wait);
  }

  /** Adds bytes read to the pending ones. */
  append(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
  }
}

/**
 * What a read's failure means: `timeout` (nothing came in time) or `closed` (ER$SKT_CLOSED, or
 * ER$FAILED for a reset: the end of the connection). Anything else is a bug, thrown on.
 */
export function readFailure(err: unknown): 'timeout' | 'closed' {
  if (err instanceof SocketError) return err.code === 'ER$TIMEOUT' ? 'timeout' : 'closed';
  throw err;
}

/** Milliseconds from now to `deadline` (a `Date.now()` value), at least 1: a read's timeout. */
export function msUntil(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
