import { checkHost } from './address.js';
import { DEFAULT_CONNECT_TIMEOUT, ER$INCOMP_PROTO, SKT$BLOCKING } from './constants.js';
import { SocketError } from './errors.js';
import { checkAddress, checkFlags, checkPort, checkTimeout, transportOf } from './validation.js';

/** The checked arguments of createServerSocket and its secure twin. */
export interface ListenArguments {
  /** `undefined` binds every address. */
  readonly host: string | undefined;
  readonly port: number;
  readonly blocking: boolean;
  readonly transport: 'tcp' | 'udp';
}

/** The checked arguments of openSocket and its secure twin. */
export interface OpenArguments {
  readonly host: string;
  readonly port: number;
  readonly blocking: boolean;
  readonly transport: 'tcp' | 'udp';
  /** Milliseconds to wait for the connection; 0 leaves it to the system. */
  readonly connectMs: number;
}

/**
 * Checks `(addr, port, flags)` of a server socket. `''` binds every address (ScarletDME fails
 * with ERAI$NONAME there, against its own documentation: a difference this library does not copy).
 */
export function listenArguments(addr: unknown, port: unknown, flags: unknown, op: string, tlsOnly = false): ListenArguments {
  const address = checkAddress(addr);
  const host = address === '' ? undefined : checkHost(address, op);
  const mode = checkFlags(flags);
  return { host, port: checkPort(port), blocking: (mode & SKT$BLOCKING) !== 0, transport: transport(mode, op, 'listen', tlsOnly) };
}

/**
 * Checks `(addr, port, flags, connectTimeout)` of a client socket. The connect timeout is in
 * seconds, as OpenQM defined that argument: omitted means 30 s, 0 means no limit of ours (the
 * system gives up after a couple of minutes).
 */
export function openArguments(addr: unknown, port: unknown, flags: unknown, connectTimeout: unknown, op: string, tlsOnly = false): OpenArguments {
  const host = checkHost(checkAddress(addr), op);
  const mode = checkFlags(flags);
  const seconds = connectTimeout === undefined ? undefined : checkTimeout(connectTimeout, 'connectTimeout (seconds)');
  return {
    host,
    port: checkPort(port),
    blocking: (mode & SKT$BLOCKING) !== 0,
    transport: transport(mode, op, 'open', tlsOnly),
    connectMs: seconds === undefined ? DEFAULT_CONNECT_TIMEOUT : seconds * 1000,
  };
}

function transport(mode: number, op: string, role: 'open' | 'listen', tlsOnly: boolean): 'tcp' | 'udp' {
  const kind = transportOf(mode, op, role);
  if (kind === 'udp' && tlsOnly) throw new SocketError(ER$INCOMP_PROTO, `${op}: TLS runs over TCP, not SKT$UDP`);
  return kind;
}
