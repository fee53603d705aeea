/**
 * A queue of received chunks for pull-style reads: `take(maxLen)` hands out what is there, up
 * to `maxLen` bytes, copying only when a read spans several chunks. It does no I/O; the socket
 * decides when to stop reading from the kernel by looking at `length`.
 */
export class ReadBuffer {
  /** Bytes held. */
  length = 0;
  private readonly chunks: Buffer[] = [];

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Removes and returns between 1 and `maxLen` bytes; call only when `length > 0`. */
  take(maxLen: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length > maxLen) {
      this.chunks[0] = first.subarray(maxLen);
      this.length -= maxLen;
      return first.subarray(0, maxLen);
    }
    if (first.length === maxLen || this.chunks.length === 1) {
      this.chunks.shift();
      this.length -= first.length;
      return first;
    }
    return this.gather(Math.min(maxLen, this.length));
  }

  /** Empties the buffer (after a close, nothing more will be read). */
  clear(): void {
    this.chunks.length = 0;
    this.length = 0;
  }

  private gather(size: number): Buffer {
    const out = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.chunks[0] as Buffer;
      const wanted = size - filled;
      if (chunk.length > wanted) {
        chunk.copy(out, filled, 0, wanted);
        this.chunks[0] = chunk.subarray(wanted);
        filled = size;
      } else {
        chunk.copy(out, filled);
        this.chunks.shift();
        filled += chunk.length;
      }
    }
    this.length -= size;
    return out;
  }
}
