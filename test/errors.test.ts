import test, { type ExecutionContext } from 'ava';
import * as lib from '../lib/index.js';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  ER$CONNECT,
  ER$FAILED,
  ER$TIMEOUT,
  openSocket,
  readSocket,
  readSocketBuffer,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_BLOCKING,
  SKT$INFO_IP_ADDR,
  SKT$INFO_OPEN,
  SKT$INFO_PORT,
  SKT$INFO_TYPE,
  socketInfo,
  SocketError,
  writeSocket,
} from '../lib/index.js';
import { connectedPair, listen } from './helpers/sockets.js';
import { readExactly } from './helpers/raw-peer.js';

/** ScarletDME's numbers (SYSCOM/ERR.H) for the status constants of the plain socket API. */
const SCARLETDME_STATUS: Record<string, number> = {
  ER$MEM: 1001,
  ER$BAD_NAME: 1003,
  ER$BAD_KEY: 1006,
  ER$FAILED: 1008,
  ER$TIMEOUT: 1011,
  ER$SERVER: 7001,
  ER$NOSOCKET: 7004,
  ER$CONNECT: 7005,
  ER$RESOLVE: 7007,
  ER$BIND: 7012,
  ER$SKT_CLOSED: 7013,
  ERAI$ADDRFAMILY: 7014,
  ERAI$AGAIN: 7015,
  ERAI$BADFLAGS: 7016,
  ERAI$FAIL: 7017,
  ERAI$FAMILY: 7018,
  ERAI$MEMORY: 7019,
  ERAI$NODATA: 7020,
  ERAI$NONAME: 7021,
  ERAI$SERVICE: 7022,
  ERAI$SOCKTYPE: 7023,
  ERAI$SYSTEM: 7024,
  ER$INCOMP_PROTO: 7025,
  ER$NONBLOCK_FAIL: 7026,
  ER$BADADDR: 7027,
};

/** Every status constant the package root exports: its ER$ and ERAI$ names. */
const EXPORTED_STATUSES: [lib.SocketErrorCode, number][] = Object.entries(lib as Record<string, unknown>)
  .filter(([name]) => name.startsWith('ER$') || name.startsWith('ERAI$'))
  .map(([name, value]) => [name as lib.SocketErrorCode, value as number]);

/** Values that are not sockets, however much they may look like one. */
const NOT_SOCKETS: unknown[] = [undefined, null, {}, 'x', 42, [], { type: 2, secure: false, closed: false }];

/**
 * Runs a call that must fail with one of `kinds`, whether it throws at once or returns a
 * rejected promise (both are fine for an argument error).
 */
async function failsWith(t: ExecutionContext, what: string, call: () => unknown, ...kinds: (new (...args: any[]) => Error)[]): Promise<void> {
  let error: unknown;
  try {
    await call();
  } catch (err) {
    error = err;
  }
  const names = kinds.map((kind) => kind.name).join(' or ');
  t.true(
    kinds.some((kind) => error instanceof kind),
    `${what}: expected ${names}, got ${error === undefined ? 'no error' : String(error)}`,
  );
  t.false(error instanceof SocketError, `${what}: an argument error is not a SocketError`);
}

// ---------------------------------------------------------------------------------------------
// The SocketError class
// ---------------------------------------------------------------------------------------------

test('SocketError has status, code, message, osError and name', (t) => {
  const err = new SocketError(ER$TIMEOUT, 'nothing within 5 s');
  t.true(err instanceof Error);
  t.true(err instanceof SocketError);
  t.is(err.name, 'SocketError');
  t.is(err.status, 1011);
  t.is(err.code, 'ER$TIMEOUT');
  t.is(err.message, 'nothing within 5 s');
  t.is(err.osError, undefined);
  t.is(typeof err.stack, 'string');
});

test("SocketError takes osError from its cause's errno name and keeps the cause", (t) => {
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
  const err = new SocketError(ER$FAILED, 'the connection failed', cause);
  t.is(err.status, ER$FAILED);
  t.is(err.code, 'ER$FAILED');
  t.is(err.osError, 'ECONNRESET');
  t.is(err.cause, cause);
  // A cause without an errno name gives no osError.
  t.is(new SocketError(ER$FAILED, 'failed', new Error('no code')).osError, undefined);
});

test('every exported ER$ and ERAI$ constant builds a SocketError whose code is its name', (t) => {
  // At least all of ScarletDME's plain statuses are exported (TLS adds its own).
  t.true(EXPORTED_STATUSES.length >= Object.keys(SCARLETDME_STATUS).length, `only ${EXPORTED_STATUSES.length} exported`);
  for (const [name, status] of EXPORTED_STATUSES) {
    t.is(typeof status, 'number', name);
    const err = new SocketError(status, `testing ${name}`);
    t.is(err.code, name);
    t.is(err.status, status);
    t.is(err.name, 'SocketError');
  }
  // Two names for one number would make `code` ambiguous.
  const numbers = EXPORTED_STATUSES.map(([, status]) => status);
  t.is(new Set(numbers).size, numbers.length);
});

test("the ER$ and ERAI$ constants have ScarletDME's numbers", (t) => {
  const exported = Object.fromEntries(EXPORTED_STATUSES);
  for (const [name, status] of Object.entries(SCARLETDME_STATUS)) {
    t.is(exported[name], status, name);
  }
});

test('a real failure throws a SocketError with osError set', async (t) => {
  // A port that was just free: listen on port 0, note it, stop listening.
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  const port = socketInfo(server, SKT$INFO_PORT);
  await closeSocket(server);
  const err = await t.throwsAsync(() => openSocket('127.0.0.1', port, SKT$BLOCKING), { instanceOf: SocketError });
  t.is(err?.name, 'SocketError');
  t.is(err?.status, ER$CONNECT);
  t.is(err?.code, 'ER$CONNECT');
  t.is(err?.osError, 'ECONNREFUSED');
});

test('a timeout is a SocketError without osError', async (t) => {
  const { accepted } = await connectedPair(t);
  const err = await t.throwsAsync(() => readSocket(accepted, 10, SKT$BLOCKING, 50), { instanceOf: SocketError });
  t.is(err?.code, 'ER$TIMEOUT');
  t.is(err?.osError, undefined);
});

// ---------------------------------------------------------------------------------------------
// Values that are not sockets
// ---------------------------------------------------------------------------------------------

test('a value that is not a socket is a TypeError for every function that takes a socket', async (t) => {
  for (const value of NOT_SOCKETS) {
    const skt = value as lib.Socket;
    const label = Array.isArray(value) ? '[]' : value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    await failsWith(t, `readSocket(${label})`, () => readSocket(skt, 10, SKT$BLOCKING, 100), TypeError);
    await failsWith(t, `readSocketBuffer(${label})`, () => readSocketBuffer(skt, 10, SKT$BLOCKING, 100), TypeError);
    await failsWith(t, `writeSocket(${label})`, () => writeSocket(skt, 'x', SKT$BLOCKING, 100), TypeError);
    await failsWith(t, `closeSocket(${label})`, () => closeSocket(skt), TypeError);
    await failsWith(t, `acceptSocket(${label})`, () => acceptSocket(skt as lib.ServerSocket, 100), TypeError);
    await failsWith(t, `setSocketMode(${label})`, () => setSocketMode(skt, SKT$INFO_BLOCKING, 1), TypeError);
    for (const key of [SKT$INFO_TYPE, SKT$INFO_PORT, SKT$INFO_IP_ADDR, SKT$INFO_BLOCKING] as const) {
      await failsWith(t, `socketInfo(${label}, ${key})`, () => socketInfo(skt, key), TypeError);
    }
    // The one key that answers for anything: SKT$INFO_OPEN.
    t.false(socketInfo(skt, SKT$INFO_OPEN));
  }
});

test('the wrong kind of socket is a TypeError: reading a TCP server socket, accepting on a connection', async (t) => {
  const { client, server } = await connectedPair(t);
  await failsWith(t, 'readSocket(server)', () => readSocket(server, 10, SKT$BLOCKING, 100), TypeError);
  await failsWith(t, 'readSocketBuffer(server)', () => readSocketBuffer(server, 10, SKT$BLOCKING, 100), TypeError);
  await failsWith(t, 'writeSocket(server)', () => writeSocket(server, 'x', SKT$BLOCKING, 100), TypeError);
  await failsWith(t, 'acceptSocket(client)', () => acceptSocket(client as lib.ServerSocket, 100), TypeError);
});

// ---------------------------------------------------------------------------------------------
// Bad arguments
// ---------------------------------------------------------------------------------------------

test('bad maxLen, timeout, flags or data throw TypeError or RangeError, and the socket still works', async (t) => {
  const { client, accepted } = await connectedPair(t);
  const any = (value: unknown) => value as number;
  for (const maxLen of [0, -1, 1.5, Number.NaN, any('10'), any(undefined)]) {
    await failsWith(t, `readSocket maxLen ${String(maxLen)}`, () => readSocket(accepted, maxLen, SKT$BLOCKING, 100), TypeError, RangeError);
    await failsWith(t, `readSocketBuffer maxLen ${String(maxLen)}`, () => readSocketBuffer(accepted, maxLen, SKT$BLOCKING, 100), TypeError, RangeError);
  }
  for (const timeout of [-1, -1000, Number.NaN, any('100')]) {
    await failsWith(t, `readSocket timeout ${String(timeout)}`, () => readSocket(accepted, 10, SKT$BLOCKING, timeout), TypeError, RangeError);
    await failsWith(t, `writeSocket timeout ${String(timeout)}`, () => writeSocket(client, 'x', SKT$BLOCKING, timeout), TypeError, RangeError);
  }
  for (const flags of [-1, 1.5, any('1')]) {
    await failsWith(t, `readSocket flags ${String(flags)}`, () => readSocket(accepted, 10, flags, 100), TypeError, RangeError);
    await failsWith(t, `writeSocket flags ${String(flags)}`, () => writeSocket(client, 'x', flags, 100), TypeError, RangeError);
  }
  for (const data of [42, null, undefined, {}, [1, 2]]) {
    const bad = data as unknown as string;
    await failsWith(t, `writeSocket data ${JSON.stringify(data)}`, () => writeSocket(client, bad, SKT$BLOCKING, 100), TypeError);
  }
  // None of those calls sent or consumed a byte.
  await writeSocket(client, 'ok', SKT$BLOCKING, 5000);
  t.is((await readExactly(accepted, 2)).toString('latin1'), 'ok');
});

test('a port that is not an integer, or a bad accept timeout, throws TypeError or RangeError', async (t) => {
  const { server } = await listen(t);
  const any = (value: unknown) => value as number;
  // (An integer port outside 0 to 65535 is a SocketError, as in ScarletDME: client-socket.test.)
  for (const port of [1.5, Number.NaN, any('80')]) {
    await failsWith(t, `openSocket port ${String(port)}`, () => openSocket('127.0.0.1', port, SKT$BLOCKING), TypeError, RangeError);
    await failsWith(t, `createServerSocket port ${String(port)}`, () => createServerSocket('127.0.0.1', port, SKT$BLOCKING), TypeError, RangeError);
  }
  await failsWith(t, 'openSocket addr 42', () => openSocket(42 as unknown as string, 80), TypeError);
  await failsWith(t, 'acceptSocket timeout -1', () => acceptSocket(server, -1), TypeError, RangeError);
  // The server socket is untouched: an accept with a valid timeout still just times out.
  const err = await t.throwsAsync(() => acceptSocket(server, 50), { instanceOf: SocketError });
  t.is(err?.code, 'ER$TIMEOUT');
});
