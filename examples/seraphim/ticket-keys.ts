// SERAPHIM's TLS session ticket keys: where they come from and when they change.
//
// A session ticket is the client's copy of its TLS session, encrypted with the server's 48-byte
// ticket keys; any server holding the same keys resumes it. So the keys must be the same on every
// instance behind a load balancer (`--ticket-keys FILE`, the same file everywhere) and in every
// worker of one instance, and they must change now and then: whoever steals them can decrypt the
// recorded TLS 1.2 traffic of every session whose ticket they encrypted, so they bound how long
// forward secrecy can be lost at once.
//
// Node gives a secure context one ticket key and no way to keep the previous one for decryption
// (tls.createSecureContext's `ticketKeys` and Server#setTicketKeys take exactly 48 bytes; the
// OpenSSL ticket key callback that could choose among several is reachable only through an
// undocumented internal hook of the native context, `enableTicketKeyCallback` /
// `onticketkeycallback`, which Node's own tests use and which may change without notice, so it
// is not relied on). So a change of
// keys is a cliff: connections already open are untouched (keys serve only handshakes), a
// handshake already started finishes with the keys it started with, and a later resumption of a
// ticket made before the change fails to decrypt and becomes a full handshake, which issues a
// new ticket under the new keys. No request fails; each returning client pays one full handshake
// per change.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TlsContext } from 'scarlet-sockets';

/** Session ticket keys are 48 bytes (name, HMAC secret and AES key, 16 each), as `openssl rand 48` makes them. */
export const TICKET_KEYS_BYTES = 48;

/**
 * How often random keys (no `--ticket-keys`) are replaced: twice a day, so a stolen key opens at
 * most 12 hours of sessions, while a visitor who comes back within the hour (the common case a
 * ticket speeds up) rarely meets a change.
 */
export const TICKET_KEY_PERIOD_MS = 12 * 60 * 60 * 1000;

/**
 * The session lifetime that matches the period, in seconds (OpenSSL's default is 2 hours). A ticket
 * cannot outlive the key that encrypts it, and a key lives one period at most: a longer lifetime
 * would promise resumptions that the next change breaks anyway, a shorter one would throw away
 * sessions the keys could still resume. With `--ticket-keys`, the file's keys are kept until the
 * file changes, and the lifetime is the same.
 */
export const SESSION_LIFETIME_SECONDS = TICKET_KEY_PERIOD_MS / 1000;

/** A ticket keys file that cannot be used; its message says why, for the operator. */
export class TicketKeysFileError extends Error {}

/** 48 fresh random bytes of ticket keys. */
export function randomTicketKeys(): Buffer {
  return randomBytes(TICKET_KEYS_BYTES);
}

/** Reads a ticket keys file: exactly 48 bytes, else TicketKeysFileError. */
export function readTicketKeysFile(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new TicketKeysFileError(`cannot read the ticket keys file ${path}: ${(err as Error).message}`);
  }
  if (bytes.length !== TICKET_KEYS_BYTES) {
    throw new TicketKeysFileError(
      `the ticket keys file ${path} holds ${bytes.length} bytes, not ${TICKET_KEYS_BYTES} (make one with: openssl rand ${TICKET_KEYS_BYTES} > ${path})`,
    );
  }
  return bytes;
}

/**
 * Puts `keys` into `context` for the handshakes that start from now on. The certificate and the
 * rest of the options stay as they are in memory (files are not read again: that is SIGHUP's job).
 */
export function applyTicketKeys(context: TlsContext, keys: Buffer): void {
  context.reload({ ...context.options, ticketKeys: keys });
}

/**
 * Makes new random keys every `periodMs` and hands each set to `onRotate` (which puts them in
 * force). The timer does not keep the process alive.
 *
 * @returns a function that stops the rotation
 */
export function rotateTicketKeys(onRotate: (keys: Buffer) => void, periodMs = TICKET_KEY_PERIOD_MS): () => void {
  const timer = setInterval(() => onRotate(randomTicketKeys()), periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
