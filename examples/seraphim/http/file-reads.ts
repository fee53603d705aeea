// File reads go through libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says more), the
// same threads every stat, open and realpath of a request uses. Many clients downloading large
// files at once (slow readers among them) would keep every thread busy with 64 KiB reads, and the
// lookups of other requests (a cached page's check every cacheTtl, a new file's path) would queue
// behind them. So the reads in flight are bounded, server-wide: at most half the pool, the other
// half left to lookups; a read past the bound waits its turn in JavaScript, where it costs nothing.

/** Threads of libuv's pool, as the process was started with. */
function threadPoolSize(): number {
  const size = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4);
  return Number.isSafeInteger(size) && size > 0 ? size : 4;
}

/**
 * Lets at most `max` reads run at once; the others wait, first come first served.
 *
 * @example
 * const gate = new FileReadGate(2);
 * const { bytesRead } = await gate.run(() => handle.read(buffer, 0, buffer.length, position));
 */
export class FileReadGate {
  #running = 0;
  #peak = 0;
  #reads = 0;
  readonly #waiting: (() => void)[] = [];

  /** @param max - reads at once, at most (1 or more) */
  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('FileReadGate needs room for at least one read');
  }

  /** Reads running now (for tests and monitoring). */
  get running(): number {
    return this.#running;
  }

  /** Reads waiting for their turn now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Reads started through the gate so far, and the most that ran at once. */
  get counts(): { reads: number; peak: number } {
    return { reads: this.#reads, peak: this.#peak };
  }

  /** Runs `read` once there is room, and gives the room to the next one when it settles. */
  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.#running < this.max) this.#running++;
    // Its room is handed over by the read that ends (the count stays as it is).
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#reads++;
    this.#peak = Math.max(this.#peak, this.#running);
    try {
      return await read();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }
}

/** The file reads of the whole process: half of libuv's pool (2 of its 4 threads by default). */
export const fileReads = new FileReadGate(Math.max(1, Math.floor(threadPoolSize() / 2)));
