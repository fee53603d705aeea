import type { SeraphimResponse } from '../http/types.js';

/** Statuses `redirect()` accepts. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function checkStatus(status: number, name = 'status'): void {
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`${name} must be an integer from 200 to 599, got ${String(status)}`);
  }
}

/**
 * A JSON response: `value` serialized with `JSON.stringify`.
 *
 * @example json({ ok: true }, 201)
 */
export function json(value: unknown, status = 200): SeraphimResponse {
  checkStatus(status);
  const body = JSON.stringify(value);
  if (body === undefined) throw new TypeError('value cannot be serialized as JSON');
  return { status, contentType: 'application/json; charset=utf-8', body };
}

/**
 * An HTML response. The text is sent as is: escape what came from a client with `escapeHtml()`.
 *
 * @example html(`<p>Hello ${escapeHtml(name)}</p>`)
 */
export function html(text: string, status = 200): SeraphimResponse {
  checkStatus(status);
  return { status, contentType: 'text/html; charset=utf-8', body: text };
}

/**
 * A plain-text response.
 *
 * @example text('not found\n', 404)
 */
export function text(value: string, status = 200): SeraphimResponse {
  checkStatus(status);
  return { status, contentType: 'text/plain; charset=utf-8', body: value };
}

/**
 * A redirect. 303 (See Other) by default, the answer to a form POST.
 *
 * @param location - an absolute path or URL; control characters are refused (header injection)
 * @param status - 301, 302, 303, 307 or 308
 * @throws TypeError for another status or a location with control characters
 * @example redirect('/guestbook')
 */
export function redirect(location: string, status = 303): SeraphimResponse {
  if (!REDIRECT_STATUSES.has(status)) {
    throw new TypeError(`status must be 301, 302, 303, 307 or 308, got ${String(status)}`);
  }
  // eslint-disable-next-line no-control-regex
  if (typeof location !== 'string' || location === '' || /[\u0000-\u001f\u007f]/.test(location)) {
    throw new TypeError('location must be a non-empty string without control characters');
  }
  return {
    status,
    headers: { Location: location },
    contentType: 'text/plain; charset=utf-8',
    body: `Redirecting to ${location}\n`,
  };
}

/**
 * Escapes `& < > " '` so that text from a client can go into HTML text and quoted attributes.
 *
 * @example
 * ```ts
 * html(`<p>${escapeHtml('<script>')}</p>`); // <p>&lt;script&gt;</p>
 * ```
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
