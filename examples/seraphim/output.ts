// Standard output and standard error can lose their reader at any moment: the `| head` that ended,
// a closed terminal, a log collector being restarted. A write then fails with EPIPE, which Node
// reports as an 'error' event on the stream; with nobody listening, that event ends the process.
// No output stream may take the server down: once a stream has failed, its lines are dropped
// (the access log counts them) and serving goes on.

/** The standard streams SERAPHIM writes to. */
const STANDARD_STREAMS = [process.stdout, process.stderr] as const;

let guarded = false;

/**
 * Makes a failed write on stdout or stderr harmless: the stream is destroyed (so later writes,
 * the access log's included, are dropped) and the process goes on serving. Idempotent.
 */
export function keepOutputFromEndingTheProcess(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of STANDARD_STREAMS) {
    // Swallowed on purpose: there is nowhere left to report an output stream's own failure (the
    // other one may be gone too), and losing a reader is no reason to stop serving.
    stream.on('error', () => stream.destroy());
  }
}

/** Writes a line to stdout, unless its reader has gone. */
export function say(line: string): void {
  if (!process.stdout.destroyed) process.stdout.write(`${line}\n`);
}

/** Writes a line to stderr, unless its reader has gone. */
export function complain(line: string): void {
  if (!process.stderr.destroyed) process.stderr.write(`${line}\n`);
}
