import { connect, type Socket as NetSocket } from 'node:net';
import { isResolveError, resolveError } from './address.js';
import { ER$CONNECT } from './constants.js';
import type { DirectReader } from './direct-reader.js';
import { startTimer } from './timer.js';
import { osErrorOf, SocketError } from './errors.js';

/**
 * Connects a TCP socket; resolves once connected, with failures mapped to ScarletDME statuses.
 * With a DirectReader the socket's bytes go to it instead of 'data' events.
 */
export async function connectTcp(host: string, port: number, timeoutMs: number, op: string, reader?: DirectReader): Promise<NetSocket> {
  const raw = connect({ host, port, allowHalfOpen: true, onread: reader?.option });
  try {
    return await connected(raw, host, port, timeoutMs, op);
  } catch (err) {
    // A peer that accepts and resets at once: libuv reports the reset as the connect's own
    // failure, where ScarletDME's connect() succeeds and its first recv() fails (1008). The
    // failed socket is returned, for its first read to report the reset.
    if (err instanceof SocketError && err.osError === 'ECONNRESET' && raw.errored) return raw;
    throw err;
  }
}

/**
 * Resolves with `raw` once its connection to `host:port` is made (it may be a TLSSocket that
 * tls.connect is connecting), or rejects with the ScarletDME status of the failure.
 */
export async function connected<S extends NetSocket>(raw: S, host: string, port: number, timeoutMs: number, op: string): Promise<S> {
  await new Promise<void>((resolve, reject) => {
    const timer = startTimer(timeoutMs, () => {
      const err = Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT' });
      raw.destroy(err);
    });
    raw.once('connect', () => {
      clearTimeout(timer);
      raw.off('error', onError);
      resolve();
    });
    const onError = (err: Error): void => {
      clearTimeout(timer);
      raw.destroy();
      if (isResolveError(err)) reject(resolveError(err, host, op));
      else reject(new SocketError(ER$CONNECT, `${op}: cannot connect to ${host}:${port} (${connectErrno(err)})`, firstCause(err)));
    };
    raw.once('error', onError);
  });
  return raw;
}

/** With happy eyeballs, Node reports an AggregateError; the first attempt's error says most. */
function firstCause(err: Error): Error {
  return osErrorOf(err) === undefined && err instanceof AggregateError && err.errors[0] instanceof Error ? err.errors[0] : err;
}

function connectErrno(err: Error): string {
  return osErrorOf(firstCause(err)) ?? err.message;
}
