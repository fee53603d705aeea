// Static files from a site root: GET and HEAD, index.html for directories, conditional requests
// (ETag, Last-Modified, 304), single byte ranges (206, 416). No path ever leaves the root: the
// decoded path is checked segment by segment, then resolved with realpath (symlinks included)
// and compared with the root's own real path.
import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { contentTypeFor } from './content-types.js';
import { errorResponse, makeResponse, setHeader, type OutgoingResponse } from './response.js';
import type { SeraphimRequest } from './types.js';

/** Options of the static files. */
export interface StaticFileOptions {
  /** The file served for a directory. Default `index.html`. */
  indexFile?: string;
  /** Cache-Control of files. Default `no-cache` (caches revalidate with the ETag each time). */
  cacheControl?: string;
}

const ALLOW = 'GET, HEAD';
/** Opened without blocking: a FIFO planted in the root must not hang the thread pool. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** A file found for a request: its open handle and its stat. */
interface Found {
  handle: FileHandle;
  size: number;
  mtimeMs: number;
  name: string;
}

export class StaticFiles {
  private constructor(
    /** The real path of the root, symlinks resolved. */
    readonly root: string,
    private readonly indexFile: string,
    private readonly cacheControl: string,
  ) {}

  /** Checks the root (it must be a directory) and resolves its real path once. */
  static async create(root: string, options: StaticFileOptions = {}): Promise<StaticFiles> {
    const real = await realpath(root);
    if (!(await stat(real)).isDirectory()) throw new Error(`the site root ${root} is not a directory`);
    return new StaticFiles(real, options.indexFile ?? 'index.html', options.cacheControl ?? 'no-cache');
  }

  /** Answers a request from the files. */
  async serve(request: SeraphimRequest): Promise<OutgoingResponse> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(405, { Allow: ALLOW });
    const { path } = request;
    if (path.includes('\0')) return errorResponse(400);
    const segments = safeSegments(path);
    if (segments === undefined) return errorResponse(404);

    const real = await this.resolve(join(this.root, ...segments));
    if (real === undefined) return errorResponse(404);
    let info;
    try {
      info = await stat(real);
    } catch (err) {
      if (!isNotThere(err)) throw err;
      return errorResponse(404);
    }
    let file = real;
    if (info.isDirectory()) {
      if (!path.endsWith('/')) {
        const questionMark = request.target.indexOf('?');
        const query = questionMark < 0 ? '' : request.target.slice(questionMark);
        const location = '/' + segments.map(encodeURIComponent).join('/') + '/' + query;
        return errorResponse(301, { Location: location });
      }
      const index = await this.resolve(join(real, this.indexFile));
      if (index === undefined) return errorResponse(404);
      file = index;
    }
    const found = await openRegularFile(file);
    if (found === undefined) return errorResponse(404);
    try {
      return this.respond(request, found);
    } catch (err) {
      await found.handle.close();
      throw err;
    }
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

  private respond(request: SeraphimRequest, found: Found): OutgoingResponse {
    const { size, mtimeMs } = found;
    const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    const modified = new Date(Math.floor(mtimeMs / 1000) * 1000);
    const lastModified = modified.toUTCString();
    const response = makeResponse(200);
    setHeader(response, 'Content-Type', contentTypeFor(found.name));
    setHeader(response, 'ETag', etag);
    setHeader(response, 'Last-Modified', lastModified);
    setHeader(response, 'Cache-Control', this.cacheControl);
    setHeader(response, 'Accept-Ranges', 'bytes');

    if (notModified(request.headers, etag, modified)) {
      void found.handle.close();
      response.status = 304;
      response.headers.delete('content-type');
      return response;
    }

    let start = 0;
    let length = size;
    const range = request.method === 'GET' ? request.headers.get('range') : undefined;
    if (range !== undefined && ifRangeHolds(request.headers.get('if-range'), etag, lastModified)) {
      const wanted = parseRange(range, size);
      if (wanted === 'unsatisfiable') {
        void found.handle.close();
        return errorResponse(416, { 'Content-Range': `bytes */${size}` });
      }
      if (wanted !== undefined) {
        response.status = 206;
        start = wanted.start;
        length = wanted.end - wanted.start + 1;
        setHeader(response, 'Content-Range', `bytes ${wanted.start}-${wanted.end}/${size}`);
      }
    }
    response.file = { handle: found.handle, start, length };
    return response;
  }
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
 * readable, a FIFO refused by O_NONBLOCK, a symlink loop. Anything else (EMFILE, EIO) is a
 * server fault and goes on to the 500 handler.
 */
function isNotThere(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ELOOP' || code === 'ENXIO' || code === 'EISDIR' || code === 'ENAMETOOLONG';
}

/** Opens a regular file (never a FIFO, device or socket); undefined when that fails. */
async function openRegularFile(path: string): Promise<Found | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (err) {
    if (!isNotThere(err)) throw err;
    return undefined;
  }
  const info = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (!info.isFile()) {
    await handle.close();
    return undefined;
  }
  return { handle, size: info.size, mtimeMs: info.mtimeMs, name: path };
}

/** If-None-Match (weak comparison) or, without it, If-Modified-Since (RFC 9110 13.1). */
function notModified(headers: ReadonlyMap<string, string>, etag: string, modified: Date): boolean {
  const noneMatch = headers.get('if-none-match');
  if (noneMatch !== undefined) {
    const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
    return noneMatch.trim() === '*' || noneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
  }
  const since = headers.get('if-modified-since');
  if (since === undefined) return false;
  const time = Date.parse(since);
  return !Number.isNaN(time) && modified.getTime() <= time;
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
