import busboy from 'busboy';
import type { SeraphimRequest } from '../http/types.js';
import { HttpError } from './http-error.js';

/**
 * Form fields: one string per name, or an array when the name was repeated.
 *
 * @example
 * ```ts
 * const fields: FormFields = await request.form(); // { name: 'Ada', tag: ['a', 'b'] }
 * ```
 */
export type FormFields = Record<string, string | string[]>;

/**
 * One uploaded file of a `multipart/form-data` body.
 *
 * @example
 * ```ts
 * for (const file of await request.files()) await writeFile(join(uploads, basename(file.filename) || 'upload'), file.bytes);
 * ```
 */
export interface UploadedFile {
  /** The form field's name. */
  readonly name: string;
  /** The file name the client gave, without any directory part (`''` when none was given). */
  readonly filename: string;
  /** The part's Content-Type (`application/octet-stream` when none was given). */
  readonly mimeType: string;
  /** The file's bytes, exactly as sent. */
  readonly bytes: Buffer;
}

/**
 * A parsed `multipart/form-data` body.
 *
 * @example
 * ```ts
 * const { fields, files } = await request.multipart();
 * ```
 */
export interface MultipartBody {
  /** The non-file fields. */
  readonly fields: FormFields;
  /** The files, in the order they came. */
  readonly files: readonly UploadedFile[];
}

/**
 * Limits on what the body helpers accept. Past a limit they throw `HttpError(413)`.
 *
 * @example
 * ```ts
 * const handler = createRouter(routes, { limits: { maxFiles: 1, maxFileSize: 1024 * 1024 } });
 * ```
 */
export interface BodyLimits {
  /** Most files in one multipart body. Default 10. */
  maxFiles: number;
  /** Largest file of a multipart body, in bytes. Default 8 MiB. */
  maxFileSize: number;
  /** Most non-file fields in a form or multipart body. Default 100. */
  maxFields: number;
  /** Largest non-file multipart field value, in bytes. Default 64 KiB. */
  maxFieldSize: number;
}

/**
 * The defaults of {@link BodyLimits}.
 *
 * @example
 * ```ts
 * createRouter(routes, { limits: { maxFileSize: 4 * DEFAULT_BODY_LIMITS.maxFileSize } });
 * ```
 */
export const DEFAULT_BODY_LIMITS: Readonly<BodyLimits> = Object.freeze({
  maxFiles: 10,
  maxFileSize: 8 * 1024 * 1024,
  maxFields: 100,
  maxFieldSize: 64 * 1024,
});

/**
 * What a route handler gets: the core's request, its slugs filled in, with parsed cookies and
 * helpers that parse the body by its Content-Type. Each helper parses once and remembers the
 * result; a wrong Content-Type throws `HttpError(415)`, a malformed body `HttpError(400)`, a body
 * past the limits `HttpError(413)`.
 *
 * @example
 * ```ts
 * const routes: RouteTable = {
 *   'POST /comments/{post}': async (request: RouteRequest) => {
 *     const { author, text } = await request.form();
 *     return redirect(`/posts/${request.slugs.post}`);
 *   },
 * };
 * ```
 */
export interface RouteRequest extends SeraphimRequest {
  /** The Cookie header's cookies; the first of a repeated name wins; values percent-decoded. */
  readonly cookies: Readonly<Record<string, string>>;
  /** Fields of an `application/x-www-form-urlencoded` body. */
  form(): Promise<FormFields>;
  /** The parsed `application/json` (or `+json`) body. */
  json<T = unknown>(): Promise<T>;
  /** Fields and files of a `multipart/form-data` body (parsed by busboy). */
  multipart(): Promise<MultipartBody>;
  /** The files of a `multipart/form-data` body. */
  files(): Promise<readonly UploadedFile[]>;
}

/** RFC 7230 token characters: what a cookie name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Cookie pairs end at `;`, or at `, ` when the core joined two Cookie headers. */
const COOKIE_SEPARATOR = /;|,\s+(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)/;
/** Cookies kept from one header at most. */
const MAX_COOKIES = 100;

/**
 * Parses a Cookie header leniently: pairs without `=` or with a name that is not a token are
 * skipped, quotes around a value are removed, a value that is not valid percent-encoding is kept
 * as sent. The result has no prototype, so a cookie named `__proto__` is just a cookie.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  if (!header) return cookies;
  let count = 0;
  for (const pair of header.split(COOKIE_SEPARATOR)) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (!TOKEN.test(name) || Object.hasOwn(cookies, name)) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep the value as sent
      }
    }
    cookies[name] = value;
    if (++count === MAX_COOKIES) break;
  }
  return cookies;
}

interface MediaType {
  /** `type/subtype`, lower-case. */
  readonly type: string;
  /** The charset parameter, lower-case, if any. */
  readonly charset: string | undefined;
}

function mediaType(request: SeraphimRequest): MediaType | undefined {
  const header = request.headers.get('content-type');
  if (header === undefined) return undefined;
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq !== -1 && param.slice(0, eq).trim().toLowerCase() === 'charset') {
      charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    }
  }
  return { type: type.trim().toLowerCase(), charset };
}

function unsupported(expected: string): HttpError {
  return new HttpError(415, `the request body must be ${expected}`, { Accept: expected });
}

function requireUtf8(type: MediaType, expected: string): void {
  if (type.charset !== undefined && type.charset !== 'utf-8' && type.charset !== 'utf8') {
    throw unsupported(`${expected} in UTF-8`);
  }
}

function addField(fields: FormFields, name: string, value: string): void {
  const previous = fields[name];
  if (previous === undefined) fields[name] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else fields[name] = [previous, value];
}

function parseForm(request: SeraphimRequest, limits: BodyLimits): FormFields {
  const type = mediaType(request);
  const expected = 'application/x-www-form-urlencoded';
  if (type?.type !== expected) throw unsupported(expected);
  requireUtf8(type, expected);
  const fields: FormFields = Object.create(null);
  let count = 0;
  for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) {
    if (++count > limits.maxFields) throw new HttpError(413, `a form may have at most ${limits.maxFields} fields`);
    addField(fields, name, value);
  }
  return fields;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function parseJson(request: SeraphimRequest): unknown {
  const type = mediaType(request);
  const expected = 'application/json';
  if (type === undefined || (type.type !== expected && !/^application\/[^/]+\+json$/.test(type.type))) {
    throw unsupported(expected);
  }
  requireUtf8(type, expected);
  let source: string;
  try {
    source = STRICT_UTF8.decode(request.body);
  } catch {
    throw new HttpError(400, 'the JSON body is not valid UTF-8');
  }
  try {
    return JSON.parse(source);
  } catch {
    throw new HttpError(400, source.trim() === '' ? 'the JSON body is empty' : 'the JSON body is malformed');
  }
}

function parseMultipart(request: SeraphimRequest, limits: BodyLimits): Promise<MultipartBody> {
  const header = request.headers.get('content-type');
  if (mediaType(request)?.type !== 'multipart/form-data') throw unsupported('multipart/form-data');
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': header },
      defParamCharset: 'utf8',
      limits: {
        files: limits.maxFiles,
        // busboy signals a limit when a value reaches it: one byte more lets exactly the limit through
        fileSize: limits.maxFileSize + 1,
        fields: limits.maxFields,
        fieldSize: limits.maxFieldSize + 1,
        parts: limits.maxFiles + limits.maxFields,
      },
    });
  } catch {
    throw new HttpError(400, 'the multipart/form-data Content-Type has no valid boundary');
  }
  return new Promise<MultipartBody>((resolve, reject) => {
    const fields: FormFields = Object.create(null);
    const files: UploadedFile[] = [];
    const pending: Promise<void>[] = [];
    let failed = false;
    const fail = (error: HttpError): void => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const tooLarge = (what: string): (() => void) => () => fail(new HttpError(413, what));
    const malformed = (): void => fail(new HttpError(400, 'the multipart/form-data body is malformed'));

    parser.on('file', (name, stream, info) => {
      const file = { name, filename: info.filename ?? '', mimeType: info.mimeType, bytes: Buffer.alloc(0) };
      files.push(file);
      const chunks: Buffer[] = [];
      pending.push(new Promise<void>((done) => {
        stream.on('data', (chunk: Buffer) => {
          if (!failed) chunks.push(chunk);
        });
        stream.on('limit', tooLarge(`a file may have at most ${limits.maxFileSize} bytes`));
        stream.on('error', () => {
          malformed();
          done();
        });
        stream.on('end', () => {
          file.bytes = Buffer.concat(chunks);
          done();
        });
      }));
    });
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) {
        fail(new HttpError(413, `a field may have at most ${limits.maxFieldSize} bytes`));
      } else {
        addField(fields, name, value);
      }
    });
    parser.on('filesLimit', tooLarge(`a form may have at most ${limits.maxFiles} files`));
    parser.on('fieldsLimit', tooLarge(`a form may have at most ${limits.maxFields} fields`));
    parser.on('partsLimit', tooLarge(`a form may have at most ${limits.maxFiles + limits.maxFields} parts`));
    parser.on('error', malformed);
    parser.on('close', () => {
      void Promise.all(pending).then(() => {
        if (!failed) resolve({ fields, files });
      });
    });
    parser.end(request.body);
  });
}

/** Memoizes a parse, including its failure, so each helper parses the body once. */
function once<T>(parse: () => T | Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= (async () => parse())());
}

/**
 * Gives a handler its RouteRequest: the core's request (own properties kept), the slugs the
 * router matched, cookies and the body helpers.
 */
export function createRouteRequest(
  request: SeraphimRequest,
  slugs: Record<string, string>,
  limits: Readonly<BodyLimits> = DEFAULT_BODY_LIMITS,
): RouteRequest {
  const multipart = once(() => parseMultipart(request, limits));
  const form = once(() => parseForm(request, limits));
  const json = once(() => parseJson(request));
  return {
    ...request,
    method: request.method,
    target: request.target,
    path: request.path,
    query: request.query,
    version: request.version,
    headers: request.headers,
    body: request.body,
    remoteAddress: request.remoteAddress,
    secure: request.secure,
    slugs,
    cookies: parseCookies(request.headers.get('cookie')),
    form,
    json: json as <T>() => Promise<T>,
    multipart,
    files: async () => (await multipart()).files,
  };
}
