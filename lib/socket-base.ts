import { ER$BAD_KEY, SKT$INFO_BLOCKING, SKT$INFO_OPEN, SKT$INFO_TYPE } from './constants.js';
import { SocketError } from './errors.js';
import { describe } from './validation.js';
import type { Socket, SocketType, WriteData } from '../types/socket.js';

/** Turns the bytes of a read into what the caller asked for (a latin1 string or a Buffer). */
export type Convert<T> = (bytes: Buffer) => T;

/**
 * What a read or write settles with instead of rejecting, for a caller with a status convention
 * (scarlet-sockets/basic): given the SocketError, it returns the call's failure value. Settling
 * the call's own promise with it, rather than mapping a rejection afterwards, saves a promise
 * and a turn of the event loop on every call. Anything but a SocketError still rejects.
 */
export type Failed<T> = (err: SocketError) => T;

/** A call that fails at once: rejected, or settled with `failed`'s value for a SocketError. */
export function failNow<T>(err: Error, failed: Failed<T> | undefined): Promise<T> {
  return failed !== undefined && err instanceof SocketError ? Promise.resolve(failed(err)) : Promise.reject(err);
}

/**
 * What every socket of the library is underneath: a connected stream, a listening server or a
 * UDP socket. The public functions check their argument against this class and delegate.
 */
export abstract class SocketBase implements Socket {
  abstract readonly type: SocketType;
  readonly secure: boolean = false;
  closed = false;
  /** The default mode of reads and writes whose flags name none (SKT$INFO_BLOCKING). */
  blocking: boolean;

  constructor(blocking: boolean) {
    this.blocking = blocking;
  }

  abstract read<T>(maxLen: number, flags: number, timeout: number, convert: Convert<T>, failed?: Failed<T>): Promise<T>;
  abstract write(data: WriteData, length: number, flags: number, timeout: number, failed?: Failed<number>): Promise<number>;
  abstract close(): Promise<void>;

  /** Answers a SOCKET.INFO key; subclasses answer theirs and fall back here. */
  info(key: number): unknown {
    switch (key) {
      case SKT$INFO_OPEN:
        return !this.closed;
      case SKT$INFO_TYPE:
        return this.type;
      case SKT$INFO_BLOCKING:
        return this.blocking;
      default:
        throw new SocketError(ER$BAD_KEY, `socketInfo: unknown key ${describe(key)} for this socket`);
    }
  }

  /** Applies a SET.SOCKET.MODE key; subclasses handle theirs and fall back here. */
  setMode(key: number, value: unknown): void {
    if (key === SKT$INFO_BLOCKING) {
      this.blocking = Boolean(value);
      return;
    }
    throw new SocketError(ER$BAD_KEY, `setSocketMode: key ${describe(key)} cannot be set on this socket`);
  }
}

/** The argument check of every public function: the value must be a socket of this library. */
export function asSocket(value: unknown, name = 'skt'): SocketBase {
  if (value instanceof SocketBase) return value;
  throw new TypeError(`${name} is not a socket (got ${describe(value)}); use openSocket, acceptSocket or createServerSocket`);
}

export const toLatin1: Convert<string> = (bytes) => bytes.toString('latin1');
export const toBuffer: Convert<Buffer> = (bytes) => bytes;
