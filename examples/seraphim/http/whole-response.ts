// A small cached file's whole response, serialized once: status line, headers and body joined in
// one Buffer, written with one writeSocket and no JavaScript copy. It holds as long as nothing in
// it changes: the same listener (its default headers), the same second (the Date header), and
// the file's cache entry (its ETag, Last-Modified and bytes: a changed file gets a new entry, and
// a dropped entry drops this). Only the commonest answer is kept: 200 with the whole file on an
// HTTP/1.1 keep-alive connection (HEAD sends its head alone); every other answer (304, 206, 416,
// `Connection: close`, HTTP/1.0) is serialized per request as before.
import type { HeaderBlock } from './headers.js';

/**
 * Bytes (head and body) a whole response may take: what a blog's pages, stylesheets, scripts and
 * most of its images weigh. Sent as one buffer, its body is not copied per request: a head and a
 * body gathered are copied together by Node before a TLS socket encrypts them (one piece is
 * encrypted where it is), which on a 100 KiB file cost 1.04x the CPU per request (10 alternating
 * rounds). Its price is a second copy of the file in memory per listener, counted in the file
 * cache's bound; past this size a file's requests are few enough that the copy would not pay.
 */
export const WHOLE_RESPONSE_LIMIT = 128 * 1024;

/** The bytes of one whole response: all of it, and its head alone (for HEAD), sharing memory. */
export interface WholeBytes {
  readonly whole: Buffer;
  readonly head: Buffer;
}

/**
 * Takes room for bytes kept (or gives it back, when negative); false when there is none. The file
 * cache counts them with the files' bytes, within its own bound.
 */
export type RoomForBytes = (delta: number) => boolean;

/** The whole response of one cached file, for one listener and one second at a time. */
export class WholeResponse {
  #defaults: HeaderBlock | undefined;
  #second = -1;
  #bytes: WholeBytes | undefined;
  #dropped = false;

  constructor(private readonly room: RoomForBytes) {}

  /** Bytes kept now. */
  get size(): number {
    return this.#bytes?.whole.length ?? 0;
  }

  /** The bytes kept for this listener and this second (`now`, a Date.now() value), if any. */
  current(defaults: HeaderBlock, now: number): WholeBytes | undefined {
    return this.#defaults === defaults && this.#second === Math.floor(now / 1000) ? this.#bytes : undefined;
  }

  /**
   * Joins `head` (serialized at `now` for the listener of `defaults`) and `body` once, replacing
   * what was kept for another second or listener. Undefined, keeping nothing, when the response is
   * too large, the cache has no room, or the file was dropped from the cache.
   */
  keep(defaults: HeaderBlock, now: number, head: string, body: Buffer): WholeBytes | undefined {
    const size = head.length + body.length;
    if (this.#dropped || size > WHOLE_RESPONSE_LIMIT || !this.room(size - this.size)) return undefined;
    // Not from Node's Buffer pool: a kept slice would hold a whole 8 KiB pool slab in memory.
    // Never written to once made (a write in flight may still read it): the next second gets a new one.
    const whole = Buffer.allocUnsafeSlow(size);
    whole.write(head, 0, 'latin1');
    whole.set(body, head.length);
    this.#defaults = defaults;
    this.#second = Math.floor(now / 1000);
    this.#bytes = { whole, head: whole.subarray(0, head.length) };
    return this.#bytes;
  }

  /** The file left the cache: its bytes are given back, and nothing is kept any more. */
  drop(): void {
    if (this.#dropped) return;
    this.#dropped = true;
    const size = this.size;
    this.#bytes = undefined;
    this.#defaults = undefined;
    if (size > 0) this.room(-size);
  }
}
