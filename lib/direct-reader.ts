/** Reads at most this much per system call, as Node's own sockets do. */
const READ_SIZE = 64 * 1024;
/** Reads smaller than this are copied out so the big buffer is reused; larger ones keep it. */
const COPY_BELOW = 16 * 1024;

/** What a DirectReader hands the chunks it reads to. */
export interface ChunkSink {
  receive(chunk: Buffer): void;
  /** True once the sink takes no more bytes: what still arrives is dropped. */
  readonly closed?: boolean;
}

/**
 * Reads a connection straight from its handle into buffers of our own, through the `onread`
 * option of net.connect and tls.connect, instead of 'data' events: the Readable machinery
 * behind those events costs about a tenth of a small request/response round trip. Node offers
 * `onread` only for connections it makes itself, so opened sockets (plain and TLS) use this;
 * accepted ones are switched to the same path after Node made them (lib/handle-reader.ts).
 * Pausing and resuming the socket still work as usual, and so do 'end', 'error' and 'close'.
 */
export class DirectReader {
  private buffer = Buffer.allocUnsafe(READ_SIZE);
  private handedOut = false;
  /** Chunks that arrived before anyone attached (none in practice: kept so none is lost). */
  private early: Buffer[] | undefined = [];
  private sink: ChunkSink | undefined;

  /** The `onread` option for net.connect and tls.connect. */
  get option(): { buffer: () => Buffer; callback: (bytes: number, buffer: Uint8Array) => boolean } {
    return { buffer: this.nextBuffer, callback: this.onRead };
  }

  /** Starts delivering chunks to `sink`, first those that came before. */
  attach(sink: ChunkSink): void {
    this.sink = sink;
    const early = this.early ?? [];
    this.early = undefined;
    for (const chunk of early) sink.receive(chunk);
  }

  private readonly nextBuffer = (): Buffer => {
    if (this.handedOut) {
      this.buffer = Buffer.allocUnsafe(READ_SIZE);
      this.handedOut = false;
    }
    return this.buffer;
  };

  private readonly onRead = (bytes: number, buffer: Uint8Array): boolean => {
    // A closed socket drains its peer (a close with linger): the bytes are dropped, uncopied, as
    // lib/handle-reader.ts drops them for accepted sockets.
    if (this.sink?.closed === true) return true;
    const filled = (buffer as Buffer).subarray(0, bytes);
    let chunk = filled;
    if (bytes < COPY_BELOW) chunk = Buffer.from(filled);
    else this.handedOut = true;
    if (this.sink !== undefined) this.sink.receive(chunk);
    else this.early?.push(chunk);
    return true;
  };
}
