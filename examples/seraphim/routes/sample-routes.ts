import { createHash } from 'node:crypto';
import type { SeraphimHandler } from '../http/types.js';
import { HttpError } from './http-error.js';
import type { RouteRequest } from './request-body.js';
import { escapeHtml, html, json, redirect } from './responses.js';
import { createRouter, type RouteTable, type RouterOptions } from './router.js';
import { sameOriginOnly } from './same-origin.js';

/** A post of the sample blog, as the JSON API gives it. */
export interface Post {
  readonly slug: string;
  readonly title: string;
  /** ISO date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly summary: string;
  /** The post's page in the static site. */
  readonly url: string;
}

/** One guestbook entry. Kept as typed; escaped when written into HTML. */
export interface GuestbookEntry {
  readonly name: string;
  readonly message: string;
  /** When it was posted, ISO 8601. */
  readonly date: string;
}

/** The posts of the sample site (examples/seraphim/site/posts/). */
export const POSTS: readonly Post[] = Object.freeze([
  {
    slug: 'the-phantom-gap',
    title: 'The phantom gap',
    date: '2024-03-02',
    summary: 'Why closing a server socket used to break every HTTPS request, and how a TLS context you own fixes it.',
    url: '/posts/the-phantom-gap.html',
  },
  {
    slug: 'porting-read-socket',
    title: 'Porting READ.SOCKET line by line',
    date: '2024-04-14',
    summary: 'Timeouts in milliseconds, non-blocking by default, and STATUS() as a try/catch.',
    url: '/posts/porting-read-socket.html',
  },
  {
    slug: 'renewing-certificates',
    title: 'Renewing certificates without a restart',
    date: '2024-05-30',
    summary: 'A SIGHUP, a reload, and not one connection dropped.',
    url: '/posts/renewing-certificates.html',
  },
].map((post) => Object.freeze(post)));

/** Entries the guestbook keeps; older ones are dropped. */
export const GUESTBOOK_SIZE = 100;
/** As the site's guestbook.html form allows. */
const MAX_NAME = 80;
const MAX_MESSAGE = 2000;
const NAME_COOKIE = 'guestbook-name';

/** The last GUESTBOOK_SIZE entries, in memory (each worker process has its own). */
export class Guestbook {
  readonly #entries: GuestbookEntry[] = [];

  add(entry: GuestbookEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > GUESTBOOK_SIZE) this.#entries.splice(0, this.#entries.length - GUESTBOOK_SIZE);
  }

  /** Newest first. */
  entries(): readonly GuestbookEntry[] {
    return this.#entries.slice().reverse();
  }
}

interface GuestbookForm {
  readonly name: string;
  readonly message: string;
}

function guestbookPage(book: Guestbook, form: GuestbookForm, error?: string): string {
  const entries = book.entries().map((entry) => `
      <li>
        <p class="meta"><strong>${escapeHtml(entry.name)}</strong> <time datetime="${escapeHtml(entry.date)}">${escapeHtml(entry.date.slice(0, 10))}</time></p>
        <p>${escapeHtml(entry.message).replace(/\r?\n/g, '<br>')}</p>
      </li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Guestbook · SERAPHIM · Scarlet Notes</title>
  <link rel="stylesheet" href="/style.css">
  <link rel="icon" type="image/png" href="/images/scarlet-dot.png">
</head>
<body>
  <header>
    <img src="/images/seraphim.svg" alt="" width="56" height="56">
    <div>
      <h1><a href="/">SERAPHIM · Scarlet Notes</a></h1>
      <p class="tagline">A small blog served by a web server written in Pick BASIC style, in TypeScript.</p>
    </div>
  </header>
  <main>
    <article>
      <h2>Guestbook</h2>
      ${error === undefined ? '<p>Leave a line for the author.</p>' : `<p class="error" role="alert">${escapeHtml(error)}</p>`}
      <form method="post" action="/guestbook">
        <label>Name <input name="name" maxlength="${MAX_NAME}" required value="${escapeHtml(form.name)}"></label>
        <label>Message <textarea name="message" rows="4" maxlength="${MAX_MESSAGE}" required>${escapeHtml(form.message)}</textarea></label>
        <button type="submit">Sign</button>
      </form>
    </article>
    ${entries === '' ? '<p>No entries yet. Be the first!</p>' : `<ol class="guestbook" reversed>${entries}\n    </ol>`}
  </main>
  <footer>
    <p>Served by SERAPHIM on scarlet-sockets. <a href="/">Back to all posts</a>.</p>
  </footer>
</body>
</html>
`;
}

/** The form's single value of `name`, or `''`; a repeated field is an error. */
function single(fields: Record<string, string | string[]>, name: string): string {
  const value = fields[name] ?? '';
  if (Array.isArray(value)) throw new HttpError(400, `the field ${name} was sent more than once`);
  return value;
}

/** Why the entry is refused, or undefined when it is fine. */
function invalidEntry(form: GuestbookForm): string | undefined {
  const nameLength = [...form.name].length;
  const messageLength = [...form.message].length;
  // eslint-disable-next-line no-control-regex
  if (nameLength === 0 || nameLength > MAX_NAME || /[\u0000-\u001f\u007f]/.test(form.name)) {
    return `Please give a name of 1 to ${MAX_NAME} characters.`;
  }
  // eslint-disable-next-line no-control-regex
  if (messageLength === 0 || messageLength > MAX_MESSAGE || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(form.message)) {
    return `Please write a message of 1 to ${MAX_MESSAGE} characters.`;
  }
  return undefined;
}

/**
 * The sample site's routes, with their own guestbook: a JSON API for the posts, a guestbook
 * form, and an upload that echoes each file's size and SHA-256. The POST routes take a
 * browser's request only from the site's own pages (`sameOriginOnly`: no cross-site request
 * forgery).
 */
export function createSampleRoutes(book = new Guestbook()): RouteTable {
  return sameOriginOnly({
    'GET /api/posts': () => json({ posts: POSTS }),

    'GET /api/posts/{slug}': (request: RouteRequest) => {
      const post = POSTS.find((p) => p.slug === request.slugs.slug);
      return post ? json(post) : json({ error: 'no such post', slug: request.slugs.slug }, 404);
    },

    'GET /guestbook': (request: RouteRequest) => {
      const page = html(guestbookPage(book, { name: request.cookies[NAME_COOKIE] ?? '', message: '' }));
      return { ...page, headers: { 'Cache-Control': 'no-store' } };
    },

    'POST /guestbook': async (request: RouteRequest) => {
      const fields = await request.form();
      const form = { name: single(fields, 'name').trim(), message: single(fields, 'message').trim() };
      const error = invalidEntry(form);
      if (error !== undefined) return html(guestbookPage(book, form, error), 400);
      book.add({ ...form, date: new Date().toISOString() });
      const cookie = `${NAME_COOKIE}=${encodeURIComponent(form.name)}; Path=/guestbook; Max-Age=31536000; HttpOnly; SameSite=Lax${request.secure ? '; Secure' : ''}`;
      const response = redirect('/guestbook');
      return { ...response, headers: { ...response.headers, 'Set-Cookie': cookie } };
    },

    'POST /api/upload': async (request: RouteRequest) => {
      const files = await request.files();
      if (files.length === 0) throw new HttpError(400, 'no file was uploaded');
      return json({
        files: files.map((file) => ({
          field: file.name,
          name: file.filename,
          mimeType: file.mimeType,
          size: file.bytes.length,
          sha256: createHash('sha256').update(file.bytes).digest('hex'),
        })),
      });
    },
  });
}

/** The sample routes of this process, sharing one guestbook. */
export const sampleRoutes: RouteTable = createSampleRoutes();

/**
 * The sample site's handler for the core: a router over a fresh set of sample routes (and so a
 * fresh, empty guestbook).
 */
export function createSampleHandler(options?: RouterOptions): SeraphimHandler {
  return createRouter(createSampleRoutes(), options);
}
