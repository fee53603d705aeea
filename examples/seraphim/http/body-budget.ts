// The bytes of request bodies held in memory, all connections together, are bounded: each body
// is at most `maxBody`, but a thousand connections each sending one would hold a thousand of
// them. A body is counted from before its first byte is read (its Content-Length, or each chunk
// as it comes) until its response has been written; one that does not fit gets 503 at once.
import { HttpError } from './request-parser.js';

/** How long a client refused for lack of room is asked to wait, in seconds. */
const RETRY_AFTER_SECONDS = '1';

/** The room for request bodies, shared by every connection of a server. */
export class BodyBudget {
  #held = 0;

  /** @param max - bytes of bodies held at once, at most */
  constructor(readonly max: number) {}

  /** Bytes of bodies held now. */
  get held(): number {
    return this.#held;
  }

  /**
   * Takes room for `bytes` more.
   *
   * @throws HttpError 503 (with Retry-After) when they do not fit
   */
  reserve(bytes: number): void {
    if (this.#held + bytes > this.max) throw new HttpError(503, 'too many request bodies at once', { 'Retry-After': RETRY_AFTER_SECONDS });
    this.#held += bytes;
  }

  /** Gives back room taken with `reserve`. */
  release(bytes: number): void {
    this.#held -= bytes;
  }
}
