// The access log: one line per response in the Combined Log Format (Apache's "combined"), plus
// the milliseconds the request took:
//   127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 2326 "-" "curl/8.0" 3ms
import type { Writable } from 'node:stream';

/** What one log line says. */
export interface AccessLogEntry {
  remoteAddress: string;
  /** When the request started (its first byte). */
  time: Date;
  /** The request line as received, or undefined when none could be read. */
  requestLine: string | undefined;
  status: number;
  /** Body bytes sent. */
  bytes: number;
  referer: string | undefined;
  userAgent: string | undefined;
  durationMs: number;
}

/** Log lines waiting for a slow stream, at most; past it lines are dropped and counted. */
const MAX_BUFFERED = 1024 * 1024;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Writes access log lines to a stream, never buffering without bound. */
export class AccessLog {
  /** Lines dropped because the stream did not keep up. */
  dropped = 0;

  constructor(private readonly stream: Writable) {}

  write(entry: AccessLogEntry): void {
    if (this.stream.writableLength > MAX_BUFFERED || this.stream.destroyed) {
      this.dropped++;
      return;
    }
    this.stream.write(formatAccessLine(entry));
  }
}

/** One line, newline included. */
export function formatAccessLine(entry: AccessLogEntry): string {
  const request = entry.requestLine === undefined ? '-' : escape(entry.requestLine);
  const bytes = entry.bytes > 0 ? String(entry.bytes) : '-';
  return (
    `${entry.remoteAddress || '-'} - - [${clfDate(entry.time)}] "${request}" ${entry.status} ${bytes} ` +
    `"${escape(entry.referer ?? '-')}" "${escape(entry.userAgent ?? '-')}" ${Math.round(entry.durationMs)}ms\n`
  );
}

/** `10/Oct/2000:13:55:36 +0000`, in UTC. */
export function clfDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Quotes, backslashes and non-printable bytes escaped as Apache does, so a line cannot be forged. */
function escape(text: string): string {
  return text.replace(/[\\"\x00-\x1f\x7f-\xff]/g, (c) => {
    if (c === '"') return '\\"';
    if (c === '\\') return '\\\\';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
