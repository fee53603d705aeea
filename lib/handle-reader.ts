// Reading a socket that Node made (an accepted one, a TLS socket over it) straight from its
// handle, as a socket made with the `onread` option reads, instead of through Node's Readable.
import type { Socket as NetSocket } from 'node:net';
import type { ChunkSink } from './direct-reader.js';

/**
 * Reads at most this much per system call. Half of Node's 64 KiB: each read is copied into a
 * chunk of its own size, and with 64 KiB chunks a server that buffers 60 unread 1 MiB request
 * bodies peaked about 8 MiB higher than through Readable (test/seraphim-bodies.test.ts); with
 * 32 KiB it is as before. TLS hands over at most 16 KiB of plaintext a read anyway.
 */
const READ_SIZE = 32 * 1024;

/**
 * The one buffer every socket taken over reads into. Sharing it is safe because each read is
 * copied out before anything else can run: libuv calls the allocation, the read(2) and the read
 * callback of one socket in a row, in C; a TLS socket copies its plaintext into it and calls back
 * at once. One buffer for all keeps an idle connection from holding 64 KiB of its own.
 */
const sharedBuffer = Buffer.allocUnsafe(READ_SIZE);

/** Where the chunks of a stream taken over go; undefined once its owner let it go (startTls). */
const kSink = Symbol('ChunkSink');
type TakenStream = NetSocket & { [kSink]?: ChunkSink | undefined };

/**
 * The symbols under which Node 20's net.Socket keeps what its `onread` option gave (set to null
 * in every socket's constructor, net.js), and which lib/internal/stream_base_commons.js's
 * onStreamRead looks at on every read.
 */
interface OnreadSlots {
  readonly buffer: symbol;
  readonly callback: symbol;
  readonly generator: symbol;
}

/** Found once (the symbols are Node's module constants); null when Node keeps no such slots. */
let slots: OnreadSlots | null | undefined;

function findSlots(stream: NetSocket): OnreadSlots | null {
  const byName = new Map(Object.getOwnPropertySymbols(stream).map((symbol) => [symbol.description, symbol]));
  const buffer = byName.get('kBuffer');
  const callback = byName.get('kBufferCb');
  const generator = byName.get('kBufferGen');
  return buffer && callback && generator ? { buffer, callback, generator } : null;
}

/** What this relies on in a stream's handle (a TCPWrap, or a TLSWrap for TLS). */
interface StreamHandle {
  onread: unknown;
  useUserBuffer(buffer: Uint8Array): void;
}

function handleOf(stream: NetSocket): StreamHandle | undefined {
  const handle = (stream as NetSocket & { _handle?: Partial<StreamHandle> | null })._handle;
  if (handle == null || typeof handle.useUserBuffer !== 'function') return undefined;
  const onread = handle.onread;
  // The JavaScript read callback must be Node's own, the one that looks at the slots.
  if (typeof onread !== 'function' || onread.name !== 'onStreamRead') return undefined;
  return handle as StreamHandle;
}

/**
 * Node calls this as a method of the stream (`stream[kBufferCb](nread, buffer)`), so one
 * function serves every socket. The bytes are copied out of the shared buffer at once. True
 * always: the sink stops the reads itself, by pausing the stream.
 */
function onHandleRead(this: TakenStream, bytes: number, buffer: Uint8Array): boolean {
  const sink = this[kSink];
  // A closed socket drains its peer (a close with linger): the bytes are dropped, uncopied.
  if (sink?.closed === true) return true;
  const chunk = Buffer.from(buffer.subarray(0, bytes));
  if (sink === undefined) {
    // Let go (startTls wraps the stream in the same tick, so none arrives in practice): kept in
    // the stream's own buffer for whoever reads it next, not lost.
    return this.push(chunk);
  }
  sink.receive(chunk);
  return true;
}

/**
 * Makes a connected socket deliver its chunks to `sink` straight from its handle, as a socket
 * made with `onread` does (lib/direct-reader.ts), without Node's Readable: no push, no buffer
 * bookkeeping, no 'data' event per chunk. Bytes the Readable buffered before now go to `sink`
 * first, at once. Returns false, changing nothing, when Node's internals are not as expected (a
 * later Node): the socket then keeps reading through 'data' events.
 *
 * What it relies on in Node 20 (net.js, lib/internal/stream_base_commons.js):
 * - onStreamRead, the handle's read callback, reads `stream[kBuffer]` on every read: when set,
 *   it calls `stream[kBufferCb](nread, buffer)` instead of `stream.push`, and stops the handle
 *   when that returns false;
 * - `handle.useUserBuffer(buffer)` (StreamBase) makes the handle read into `buffer`; on a TLS
 *   socket's handle it is where the plaintext goes;
 * - Socket#pause and #resume, when `kBuffer` is set, stop and start the handle's reads
 *   (readStop / readStart). That is the backpressure: StreamSocket pauses the stream once its
 *   ReadBuffer passes READ_HIGH_WATER, so the kernel is not read, the peer is held by TCP flow
 *   control, and resumes when reads take it below;
 * - end of file and errors take the same path as before: onStreamRead pushes null ('end') or
 *   destroys the stream with the error ('error'), and 'close' follows.
 * These are what tls.connect and net.connect with `onread` use, so the path is Node's own; the
 * checks below make a Node that changed them fall back to 'data' events instead of breaking.
 */
export function readFromHandle(stream: NetSocket, sink: ChunkSink): boolean {
  if (stream.destroyed || stream.connecting) return false;
  slots ??= findSlots(stream);
  const handle = handleOf(stream);
  if (slots === null || handle === undefined) return false;
  const own = stream as unknown as Record<symbol, unknown>;
  // Null in every socket made without `onread`; anything else is a socket this cannot judge.
  if (own[slots.buffer] !== null || own[slots.callback] !== null || own[slots.generator] !== null) return false;
  (stream as TakenStream)[kSink] = sink;
  own[slots.callback] = onHandleRead;
  // No generator: the same buffer serves every read.
  own[slots.buffer] = sharedBuffer;
  handle.useUserBuffer(sharedBuffer);
  // What Node read before now (the bytes after a PROXY header, application data that came with
  // the TLS handshake) is older than anything the handle reads from here on, which can only
  // arrive on a later turn of the event loop.
  if (stream.readableLength > 0) {
    let earlier: Buffer | null;
    while ((earlier = stream.read() as Buffer | null) !== null) sink.receive(earlier);
  }
  return true;
}

/**
 * The stream's owner hands it on (startTls): chunks that still reach it stay in the stream's
 * Readable buffer instead of going to the old owner.
 */
export function releaseHandleReads(stream: NetSocket): void {
  const taken = stream as TakenStream;
  if (taken[kSink] !== undefined) taken[kSink] = undefined;
}
