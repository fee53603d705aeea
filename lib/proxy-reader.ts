// Reading a PROXY header off a new connection, before anyone else reads from it.
import type { Socket as NetSocket } from 'node:net';
import { parseProxyHeader, type ProxyHeaderProblem, type ProxyHeaderResult } from './proxy-header.js';
import { startTimer } from './timer.js';

/** A whole header, as parseProxyHeader gives it. */
export type ProxyHeader = Extract<ProxyHeaderResult, { state: 'complete' }>;

/** Why a connection gave no usable header: the header's problem, too late, or the peer left first. */
export type ProxyHeaderFailure = ProxyHeaderProblem | 'timeout' | 'hung-up';

/**
 * Reads a PROXY header off a new connection, in the background, within `timeout` milliseconds.
 * Exactly one of `onHeader` and `onFailed` is called. On success the connection is paused with
 * the bytes that came after the header (a ClientHello in the same packet, a request) put back
 * at the front of its buffer, so whoever reads next gets them, once, as if nothing had been
 * read; a paused connection needs `resume()` (a TLS wrap takes the bytes without it). On failure
 * the connection is already destroyed.
 */
export function readProxyHeader(
  raw: NetSocket,
  timeout: number,
  onHeader: (header: ProxyHeader) => void,
  onFailed: (why: ProxyHeaderFailure) => void,
): void {
  let received: Buffer | undefined;
  let settled = false;
  const finish = (outcome: ProxyHeader | ProxyHeaderFailure): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    raw.off('data', onData);
    raw.off('end', onEnd);
    raw.off('close', onEnd);
    if (typeof outcome === 'string') {
      // The error listener stays: a late error of a destroyed connection must find one.
      raw.destroy();
      onFailed(outcome);
      return;
    }
    raw.off('error', onError);
    // Paused first: with no 'data' listener left, a flowing stream would drop what comes next.
    raw.pause();
    const after = (received as Buffer).subarray(outcome.length);
    if (after.length > 0) raw.unshift(after);
    onHeader(outcome);
  };
  const onData = (chunk: Buffer): void => {
    received = received === undefined ? chunk : Buffer.concat([received, chunk]);
    const result = parseProxyHeader(received);
    if (result.state === 'refused') finish(result.problem);
    else if (result.state === 'complete') finish(result);
    // Incomplete: the parser refuses past the protocol's bound, so `received` stays small.
  };
  const onEnd = (): void => finish('hung-up');
  // The connection's error is the reason it hung up; 'close' follows and is ignored then.
  const onError = (): void => finish('hung-up');
  const timer = startTimer(timeout, () => finish('timeout'));
  raw.on('error', onError);
  raw.on('end', onEnd);
  raw.on('close', onEnd);
  raw.on('data', onData);
}
