// Static files from a site root: GET and HEAD, index.html for directories, conditional requests
// (ETag, Last-Modified, 304), single byte ranges (206, 416). No path ever leaves the root: the
// decoded path is checked segment by segment, then resolved with realpath (symlinks included)
// and compared with the root's own real path.
//
// Lookups are cached for a short time (cacheTtl): within it, a path seen before is answered
// without asking the disk where it leads; a small file's bytes come from memory, a larger file is
// read from a descriptor kept open. After it, the path is resolved and checked again as if new, so
// a change (a file rewritten, or replaced by a symlink that leads out of the root) is seen at the
// latest cacheTtl after it was made, and no byte from outside the root is ever served: the cache
// only holds what was inside when checked. A small file's 200 response is also kept serialized
// whole (whole-response.ts), with the entry and counted with its bytes.
import { constants, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { contentTypeFor } from './content-types.js';
import { fileReads } from './file-reads.js';
import { deleteHeader, errorResponse, letGoOfFile, newResponse, setHeader, type OutgoingResponse } from './response.js';
import { headerBlock, type HeaderBlock } from './headers.js';
import type { SeraphimRequest } from './types.js';
import { WHOLE_RESPONSE_LIMIT, WholeResponse } from './whole-response.js';

/**
 * Options of the static files.
 *
 * @example
 * ```ts
 * await startSeraphim({ root: './public', context, staticFiles: { cacheControl: 'public, max-age=600', cacheTtl: 5000 } });
 * ```
 */
export interface StaticFileOptions {
  /** The file served for a directory. Default `index.html`. */
  indexFile?: string;
  /** Cache-Control of files. Default `no-cache` (caches revalidate with the ETag each time). */
  cacheControl?: string;
  /**
   * Milliseconds a path's lookup (where it leads, the file's size and time) and a small file's
   * bytes are used without asking the disk again: how long a change to the site can go unseen.
   * Default 1000; 0 turns the cache off (every request resolves its path and opens its file).
   */
  cacheTtl?: number;
  /** Files up to this many bytes are read whole and, with the cache on, kept in memory; larger ones are streamed. Default 65536. */
  smallFileSize?: number;
  /**
   * Larger files up to this many bytes are also kept in memory, when the cache takes them: read
   * whole once, then every response shares the bytes (a response is written at most 256 KiB at a
   * time). Files larger still, or not cached, are streamed from disk. Default 524288 (512 KiB).
   */
  memoryFileSize?: number;
  /** Bytes of files kept in memory, with their responses kept whole (up to 128 KiB each), all together. Default 32 MiB. */
  cacheMaxBytes?: number;
  /** Paths remembered at most. Default 4096. */
  cacheMaxEntries?: number;
  /** Larger files kept open, at most (past this they are opened per request). Default 64. */
  cacheMaxOpenFiles?: number;
}

export const DEFAULT_CACHE_TTL = 1000;
export const DEFAULT_SMALL_FILE_SIZE = 64 * 1024;
export const DEFAULT_MEMORY_FILE_SIZE = 512 * 1024;
export const DEFAULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_ENTRIES = 4096;
export const DEFAULT_CACHE_MAX_OPEN_FILES = 64;

const ALLOW = 'GET, HEAD';
/**
 * Opened without blocking (a FIFO planted in the root must not hang the thread pool) and without
 * following a symlink: what is opened is a real path, so a symlink there now was put in since.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0);

/** A file as it was found: where, which inode, and what its validators say. */
interface FileFacts {
  /** Its real path (no symlink in it), inside the root. */
  real: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** What the cache keeps for a request path. */
interface Entry extends FileFacts {
  /** When the path was last resolved and checked (Date.now()). */
  checkedAt: number;
  /** Content-Type, ETag, Last-Modified, Cache-Control, Accept-Ranges, serialized once. */
  preset: HeaderBlock;
  etag: string;
  lastModified: string;
  /** Last-Modified as milliseconds (whole seconds). */
  modified: number;
  /** The whole file, for a small one. */
  body: Buffer | undefined;
  /** Its 200 response serialized whole, for a file small enough (kept while the entry is). */
  whole: WholeResponse | undefined;
  /** The file kept open, for a larger one (within cacheMaxOpenFiles). */
  open: SharedFile | undefined;
}

/**
 * A descriptor that responses share (each reads at its own position): closed once the cache
 * dropped it and the last response reading it is done.
 */
class SharedFile {
  #users = 0;
  #dropped = false;

  constructor(readonly handle: FileHandle) {}

  use(): void {
    this.#users++;
  }

  /** One response is done with it. */
  readonly release = (): void => {
    if (--this.#users === 0 && this.#dropped) void letGoOfFile(this.handle, undefined);
  };

  /** The cache is done with it. */
  drop(): void {
    this.#dropped = true;
    if (this.#users === 0) void letGoOfFile(this.handle, undefined);
  }
}

export class StaticFiles {
  /** Request path to what it led to when last checked; oldest check first. */
  readonly #cache = new Map<string, Entry>();
  /**
   * Request path to the check now in flight of its entry, found out of its window: the requests
   * that find the path's entry stale meanwhile wait for that one check instead of each asking
   * the disk again.
   */
  readonly #rechecks = new Map<string, Promise<void>>();
  #diskLookups = 0;
  #cachedBytes = 0;
  #openFiles = 0;
  #closed = false;
  readonly #ttl: number;
  readonly #smallFileSize: number;
  readonly #memoryFileSize: number;
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #maxOpenFiles: number;

  private constructor(
    /** The real path of the root, symlinks resolved. */
    readonly root: string,
    private readonly indexFile: string,
    private readonly cacheControl: string,
    options: StaticFileOptions,
  ) {
    this.#ttl = limit(options.cacheTtl, DEFAULT_CACHE_TTL, 'cacheTtl');
    this.#smallFileSize = limit(options.smallFileSize, DEFAULT_SMALL_FILE_SIZE, 'smallFileSize');
    this.#memoryFileSize = limit(options.memoryFileSize, DEFAULT_MEMORY_FILE_SIZE, 'memoryFileSize');
    this.#maxBytes = limit(options.cacheMaxBytes, DEFAULT_CACHE_MAX_BYTES, 'cacheMaxBytes');
    this.#maxEntries = limit(options.cacheMaxEntries, DEFAULT_CACHE_MAX_ENTRIES, 'cacheMaxEntries');
    this.#maxOpenFiles = limit(options.cacheMaxOpenFiles, DEFAULT_CACHE_MAX_OPEN_FILES, 'cacheMaxOpenFiles');
  }

  /** Checks the root (it must be a directory) and resolves its real path once. */
  static async create(root: string, options: StaticFileOptions = {}): Promise<StaticFiles> {
    const real = await realpath(root);
    if (!(await stat(real)).isDirectory()) throw new Error(`the site root ${root} is not a directory`);
    return new StaticFiles(real, options.indexFile ?? 'index.html', options.cacheControl ?? 'no-cache', options);
  }

  /** Paths cached now, the bytes they hold (file contents and whole responses) and their open files (for tests and monitoring). */
  get cacheSize(): { entries: number; bytes: number; openFiles: number } {
    return { entries: this.#cache.size, bytes: this.#cachedBytes, openFiles: this.#openFiles };
  }

  /** How many times a request path was resolved and checked on the disk (for tests and monitoring: misses of the cache). */
  get diskLookups(): number {
    return this.#diskLookups;
  }

  /** Forgets every cached lookup and file (open files close once no response reads them). */
  clearCache(): void {
    for (const path of [...this.#cache.keys()]) this.forget(path);
  }

  /**
   * Empties the cache for good, so that no file stays open: the server calls this when it
   * closes. Requests still answered afterwards look their files up and cache nothing.
   */
  close(): void {
    this.#closed = true;
    this.clearCache();
  }

  /**
   * Answers a request from the files: at once, without a promise (nor the turn of the microtask
   * queue awaiting one costs the connection), when the cache holds the file's bytes or keeps it
   * open; else once the disk has told.
   */
  serve(request: SeraphimRequest): Promise<OutgoingResponse> | OutgoingResponse {
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(405, { Allow: ALLOW });
    return this.answer(request, true);
  }

  /**
   * The answer from the cache, or after a lookup. A request that finds its path's entry out of
   * its window while that path is being checked waits for the check (`mayWait`), then is
   * answered from the entry the check renewed, or, when it could not (it failed, the file
   * changed or went, the window passed again), with a lookup of its own: it never waits twice.
   */
  private answer(request: SeraphimRequest, mayWait: boolean): Promise<OutgoingResponse> | OutgoingResponse {
    const now = Date.now();
    // Only paths that passed every check of lookUp are ever cached.
    const cached = this.#ttl > 0 ? this.#cache.get(request.path) : undefined;
    const fresh = cached !== undefined && now - cached.checkedAt < this.#ttl;
    if (fresh) {
      const kept = fromMemoryOrShared(request, cached);
      if (kept !== undefined) return kept;
    }
    if (cached === undefined || fresh || !mayWait) return this.lookUp(request, now, cached, fresh);
    const { path } = request;
    const inFlight = this.#rechecks.get(path);
    // It settles whether the check failed or not.
    if (inFlight !== undefined) return inFlight.then(() => this.answer(request, false));
    const recheck = this.lookUp(request, now, cached, false);
    const done = (): void => void this.#rechecks.delete(path);
    this.#rechecks.set(path, recheck.then(done, done));
    return recheck;
  }

  /** The answer when the cache cannot give it at once; `fresh` when `cached` is within its window. */
  private async lookUp(request: SeraphimRequest, now: number, cached: Entry | undefined, fresh: boolean): Promise<OutgoingResponse> {
    const { path } = request;
    if (cached !== undefined && fresh) {
      // A large file not kept open: opened by its real path, served only if still the same file.
      const handle = await openFile(cached.real);
      if (handle !== undefined) {
        const info = await statOf(handle);
        if (sameFile(cached, cached.real, info)) return respondFrom(request, cached, handle);
        await handle.close();
      }
      this.forgetEntry(path, cached);
    }

    if (path.includes('\0')) return errorResponse(400);
    const segments = safeSegments(path);
    if (segments === undefined) return errorResponse(404);
    this.#diskLookups++;
    const found = await this.find(request, segments);
    if (!('real' in found)) {
      this.forget(path);
      return found;
    }
    const { real, info } = found;
    // Checked again and unchanged: the entry goes on (its bytes or open file too), and moves to
    // the young end; unless, during the lookup, it was dropped or replaced (then it is not
    // brought back: its bytes would not be counted, and a replacement's open file would leak).
    if (cached !== undefined && this.#cache.get(path) === cached && sameFile(cached, real, info)) {
      const kept = fromMemoryOrShared(request, cached);
      if (kept !== undefined) {
        this.#cache.delete(path);
        cached.checkedAt = now;
        this.#cache.set(path, cached);
        return kept;
      }
    }

    const handle = await openFile(real);
    if (handle === undefined) return errorResponse(404);
    const openedInfo = await statOf(handle);
    if (!openedInfo.isFile()) {
      await handle.close();
      return errorResponse(404);
    }
    // Described as it is now that it is open, whatever was found a moment before. Cached only
    // when that is the file the lookup found (not replaced in between).
    const opened = factsOf(real, openedInfo);
    const entry = this.entryFor(opened, now);
    const cacheable = this.#ttl > 0 && !this.#closed && sameFile(opened, real, info);
    // A small file is read whole each time it is not cached; a larger one only when the cache
    // keeps it, so that a response never holds a large file of its own.
    const inMemory = opened.size <= this.#smallFileSize || (cacheable && opened.size <= Math.min(this.#memoryFileSize, this.#maxBytes));
    if (!inMemory) {
      if (!cacheable) return respondFrom(request, entry, handle);
      this.forget(path);
      if (this.#openFiles < this.#maxOpenFiles) {
        const shared = new SharedFile(handle);
        // This response's hold, taken before the cache can drop the file.
        shared.use();
        entry.open = shared;
        this.#openFiles++;
        this.remember(path, entry);
        return respondFrom(request, entry, handle, shared.release);
      }
      this.remember(path, entry);
      return respondFrom(request, entry, handle);
    }
    let body: Buffer;
    let after: Stats;
    try {
      body = await readWhole(handle, opened.size);
      after = await handle.stat();
    } finally {
      await handle.close();
    }
    if (body.length !== opened.size) throw new Error('the file became shorter while it was read');
    // Also not cached when it changed while it was read: the bytes may be half old, half new.
    if (cacheable && sameFile(opened, real, after)) {
      entry.body = body;
      this.remember(path, entry);
      // Only for an entry the cache now holds with its bytes: forgetting it drops this too.
      if (this.#cache.get(path) === entry && entry.body !== undefined && body.length < WHOLE_RESPONSE_LIMIT) entry.whole = new WholeResponse(this.roomForWhole);
    }
    return respond(request, entry, body);
  }

  /**
   * Resolves a request path to a regular file inside the root: its real path and stat, or the
   * response when there is none (404), or a directory asked without its slash (301).
   */
  private async find(request: SeraphimRequest, segments: string[]): Promise<{ real: string; info: Stats } | OutgoingResponse> {
    let real = await this.resolve(join(this.root, ...segments));
    if (real === undefined) return errorResponse(404);
    let info = await statPath(real);
    if (info === undefined) return errorResponse(404);
    if (info.isDirectory()) {
      if (!request.path.endsWith('/')) {
        const questionMark = request.target.indexOf('?');
        const query = questionMark < 0 ? '' : request.target.slice(questionMark);
        const location = '/' + segments.map(encodeURIComponent).join('/') + '/' + query;
        return errorResponse(301, { Location: location });
      }
      real = await this.resolve(join(real, this.indexFile));
      if (real === undefined) return errorResponse(404);
      info = await statPath(real);
      if (info === undefined) return errorResponse(404);
    }
    if (!info.isFile()) return errorResponse(404);
    return { real, info };
  }

  /** The real path of `candidate` when it exists inside the root and is no dotfile; else undefined. */
  private async resolve(candidate: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (err) {
      if (!isNotThere(err)) throw err;
      return undefined;
    }
    if (real !== this.root && !real.startsWith(this.root + sep)) return undefined;
    const inside = relative(this.root, real);
    if (inside !== '' && safeSegments('/' + inside.split(sep).join('/')) === undefined) return undefined;
    return real;
  }

  /** An entry for a file: its validators and headers, made once. */
  private entryFor(facts: FileFacts, now: number): Entry {
    const etag = `"${facts.size.toString(16)}-${Math.floor(facts.mtimeMs).toString(16)}"`;
    const modified = Math.floor(facts.mtimeMs / 1000) * 1000;
    const lastModified = new Date(modified).toUTCString();
    const preset = headerBlock([
      ['Content-Type', contentTypeFor(facts.real)],
      ['ETag', etag],
      ['Last-Modified', lastModified],
      ['Cache-Control', this.cacheControl],
      ['Accept-Ranges', 'bytes'],
    ]);
    return { ...facts, checkedAt: now, preset, etag, lastModified, modified, body: undefined, whole: undefined, open: undefined };
  }

  /**
   * Room for a whole response's bytes (or gives it back): counted with the files' bytes, and
   * refused past cacheMaxBytes (that response is then serialized per request, as any other).
   */
  private readonly roomForWhole = (delta: number): boolean => {
    if (delta > 0 && (this.#closed || this.#cachedBytes + delta > this.#maxBytes)) return false;
    this.#cachedBytes += delta;
    return true;
  };

  /** Keeps an entry, dropping the oldest ones past the limits. */
  private remember(path: string, entry: Entry): void {
    if (this.#ttl === 0 || this.#closed) return;
    if (entry.body !== undefined && entry.body.length > this.#maxBytes) entry.body = undefined;
    this.forget(path);
    this.#cache.set(path, entry);
    this.#cachedBytes += entry.body?.length ?? 0;
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#maxEntries && this.#cachedBytes <= this.#maxBytes) break;
      this.forget(oldest);
    }
  }

  /** Forgets `entry` if it is still what the cache holds for `path` (not a newer one). */
  private forgetEntry(path: string, entry: Entry): void {
    if (this.#cache.get(path) === entry) this.forget(path);
  }

  private forget(path: string): void {
    const entry = this.#cache.get(path);
    if (entry === undefined) return;
    this.#cache.delete(path);
    this.#cachedBytes -= entry.body?.length ?? 0;
    entry.whole?.drop();
    if (entry.open !== undefined) {
      entry.open.drop();
      entry.open = undefined;
      this.#openFiles--;
    }
  }

}

/** The response of an entry whose bytes or open file the cache keeps; undefined for neither. */
function fromMemoryOrShared(request: SeraphimRequest, entry: Entry): OutgoingResponse | undefined {
  if (entry.body !== undefined) return respond(request, entry, entry.body);
  const { open } = entry;
  if (open === undefined) return undefined;
  open.use();
  return respondFrom(request, entry, open.handle, open.release);
}

/**
 * The response for an open file: it streams from the handle, which the writer then closes, or
 * gives back with `release` when the handle is shared (and held for this response already). A
 * response that reads no file (304, 416) closes or releases it at once.
 */
function respondFrom(request: SeraphimRequest, entry: Entry, handle: FileHandle, release?: () => void): OutgoingResponse {
  const done = (): void => void letGoOfFile(handle, release);
  let response: OutgoingResponse;
  try {
    response = respond(request, entry, handle);
  } catch (err) {
    done();
    throw err;
  }
  if (response.file === undefined) done();
  else if (release !== undefined) response.file.release = release;
  return response;
}

/**
 * The response for a found file: 304, 416, 206 or 200, its bytes from `source`: the whole file in
 * memory, or the open file (which the writer closes once sent).
 */
function respond(request: SeraphimRequest, entry: Entry, source: Buffer | FileHandle): OutgoingResponse {
  const response = newResponse(200, entry.preset);
  if (notModified(request.headers, entry.etag, entry.modified)) {
    response.status = 304;
    deleteHeader(response, 'Content-Type');
    return response;
  }
  let start = 0;
  let length = entry.size;
  const range = request.method === 'GET' ? request.headers.get('range') : undefined;
  if (range !== undefined && ifRangeHolds(request.headers.get('if-range'), entry.etag, entry.lastModified)) {
    const wanted = parseRange(range, entry.size);
    if (wanted === 'unsatisfiable') return errorResponse(416, { 'Content-Range': `bytes */${entry.size}` });
    if (wanted !== undefined) {
      response.status = 206;
      start = wanted.start;
      length = wanted.end - wanted.start + 1;
      setHeader(response, 'Content-Range', `bytes ${wanted.start}-${wanted.end}/${entry.size}`);
    }
  }
  if (Buffer.isBuffer(source)) {
    const whole = start === 0 && length === source.length;
    response.body = whole ? source : source.subarray(start, start + length);
    // The whole file with a 200: the one answer that can be kept serialized whole.
    if (whole && response.status === 200 && entry.whole !== undefined) response.whole = entry.whole;
  } else response.file = { handle: source, start, length };
  return response;
}

function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`staticFiles.${name} must be a whole number, 0 or more`);
  return value;
}

function factsOf(real: string, info: Stats): FileFacts {
  return { real, dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs };
}

/** Whether `info` (found at `real`) is the very file `facts` describes, unchanged. */
function sameFile(facts: FileFacts, real: string, info: Stats): boolean {
  return (
    facts.real === real &&
    info.isFile() &&
    facts.dev === info.dev &&
    facts.ino === info.ino &&
    facts.size === info.size &&
    facts.mtimeMs === info.mtimeMs &&
    facts.ctimeMs === info.ctimeMs
  );
}

/**
 * The path's segments when it is safe to look up: starts with `/`, no backslash, no empty
 * segment (`//`), no `.` or `..`, no dotfile except a leading `.well-known` (ACME challenges).
 */
function safeSegments(path: string): string[] | undefined {
  if (!path.startsWith('/') || path.includes('\\') || path.includes('\0')) return undefined;
  const segments = path.slice(1).split('/');
  if (segments[segments.length - 1] === '') segments.pop(); // trailing slash
  for (const [i, segment] of segments.entries()) {
    if (segment === '') return undefined;
    if (segment.startsWith('.') && !(i === 0 && segment === '.well-known')) return undefined;
  }
  return segments;
}

/**
 * Errors that mean "no such file to serve" (404): missing, not a directory on the way, not
 * readable, a FIFO refused by O_NONBLOCK, a symlink loop (or a symlink where O_NOFOLLOW
 * expected none). Anything else (EMFILE, EIO) is a server fault and goes on to the 500 handler.
 */
function isNotThere(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ELOOP' || code === 'ENXIO' || code === 'EISDIR' || code === 'ENAMETOOLONG';
}

/** stat of a path; undefined when there is nothing to serve there. */
async function statPath(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (!isNotThere(err)) throw err;
    return undefined;
  }
}

/** Opens a file for reading (never waiting on a FIFO, never through a symlink); undefined when that fails. */
async function openFile(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, OPEN_FLAGS);
  } catch (err) {
    if (!isNotThere(err)) throw err;
    return undefined;
  }
}

/** fstat of an open file; the handle is closed if it fails. */
async function statOf(handle: FileHandle): Promise<Stats> {
  try {
    return await handle.stat();
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Reads a whole (small) file: `size` bytes, or fewer if it became shorter. */
async function readWhole(handle: FileHandle, size: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    // Counted with the server's other file reads: a file of up to 512 KiB is read in one call.
    const { bytesRead } = await fileReads.run(() => handle.read(bytes, filled, size - filled, filled));
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === size ? bytes : bytes.subarray(0, filled);
}

/** If-None-Match (weak comparison) or, without it, If-Modified-Since (RFC 9110 13.1). */
function notModified(headers: ReadonlyMap<string, string>, etag: string, modified: number): boolean {
  const noneMatch = headers.get('if-none-match');
  if (noneMatch !== undefined) {
    if (noneMatch.trim() === '*') return true;
    const wanted = opaqueTag(etag);
    return noneMatch.split(',').some((tag) => opaqueTag(tag) === wanted);
  }
  const since = headers.get('if-modified-since');
  if (since === undefined) return false;
  const time = Date.parse(since);
  return !Number.isNaN(time) && modified <= time;
}

/** An entity tag without its weakness mark, for the weak comparison. */
function opaqueTag(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

/** If-Range: the range applies only when the validator still matches (strong ETag or exact date). */
function ifRangeHolds(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return value === lastModified;
}

/**
 * One byte range of `bytes=` (RFC 9110 14.1.2). Undefined to ignore the header (malformed, or
 * several ranges: the whole file is sent then); 'unsatisfiable' for 416.
 */
function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=[ \t]*(\d*)-(\d*)[ \t]*$/i.exec(header);
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
