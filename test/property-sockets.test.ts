// Property-based tests of the socket calls: both ends of a connection (plain and TLS) run random
// programs of reads, writes and mode changes with random sizes, modes and timeouts, some awaited
// and some left running, then close. Whatever the programs, no byte is lost, duplicated or
// reordered, every promise settles once both ends are closed, and nothing is thrown but a
// SocketError with a documented status or, for a bad argument, the documented TypeError.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import {
  acceptSecureSocket,
  acceptSocket,
  closeSocket,
  ER$SKT_CLOSED,
  ER$TIMEOUT,
  openSecureSocket,
  openSocket,
  readSecureSocket,
  readSocket,
  readSocketBuffer,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_BLOCKING,
  SKT$NON_BLOCKING,
  SocketError,
  writeSecureSocket,
  writeSocket,
  type Socket,
  type WriteData,
} from '../lib/index.js';
import { withLimit } from './helpers/assertions.js';
import { pace } from './helpers/pace.js';
import { listen } from './helpers/sockets.js';
import { clientContext, secureListen, serverContext } from './helpers/tls.js';

/** Flags of a call: 0 (the socket's default), or an explicit mode. */
type Mode = 0 | typeof SKT$BLOCKING | typeof SKT$NON_BLOCKING;

type Op =
  | { kind: 'write'; size: number; form: 'string' | 'buffer' | 'uint8' | 'pieces'; mode: Mode; timeout: number; wait: boolean }
  | { kind: 'read'; maxLen: number; as: 'string' | 'buffer'; mode: Mode; timeout: number; wait: boolean }
  | { kind: 'setBlocking'; on: boolean }
  | { kind: 'badArgument'; which: BadArgument }
  /** The program does something else for a while: the peer's bytes pile up in several chunks. */
  | { kind: 'pause'; ms: number }
  /** A close in the middle of the program, awaited or not; the calls after it find the socket closed. */
  | { kind: 'close'; wait: boolean };

/** Calls a program makes by mistake; each must fail with the TypeError the docs name. */
type BadArgument = 'maxLen 0' | 'fractional maxLen' | 'negative timeout' | 'wide string' | 'not a socket' | 'number as data';

/**
 * How an end stops: `close` closes at once (unread bytes are dropped); `drain` first reads until
 * the peer's close is reported, so it must have received every byte the peer sent (unless a
 * `close` among its calls closed it before).
 */
interface Program {
  readonly blocking: boolean;
  readonly ops: readonly Op[];
  readonly ending: 'close' | 'drain';
}

// Awaited calls have a timeout: an awaited call that waited without limit could wait for a peer
// that waits for it. Calls left running may wait without limit (0): the closes end them.
const waitedTimeout = fc.integer({ min: 1, max: 60 });
const anyTimeout = fc.integer({ min: 0, max: 120 });
const mode = fc.constantFrom<Mode>(0, SKT$BLOCKING, SKT$NON_BLOCKING);
/** Mostly small writes, some past the 16 KiB write mark, a few past the 256 KiB read buffer. */
const size = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 600 }) },
  { weight: 3, arbitrary: fc.integer({ min: 601, max: 40_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 40_001, max: 400_000 }) },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.boolean().chain((wait) => fc.record({
    kind: fc.constant('write' as const), size, form: fc.constantFrom('string', 'buffer', 'uint8', 'pieces'),
    mode, timeout: wait ? waitedTimeout : anyTimeout, wait: fc.constant(wait),
  })) },
  { weight: 5, arbitrary: fc.boolean().chain((wait) => fc.record({
    kind: fc.constant('read' as const), maxLen: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 100_000 })),
    as: fc.constantFrom('string', 'buffer'), mode, timeout: wait ? waitedTimeout : anyTimeout, wait: fc.constant(wait),
  })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setBlocking' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 25 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant('badArgument' as const),
    which: fc.constantFrom<BadArgument>('maxLen 0', 'fractional maxLen', 'negative timeout', 'wide string', 'not a socket', 'number as data'),
  }) },
);

const program: fc.Arbitrary<Program> = fc.record({
  blocking: fc.boolean(),
  ops: fc.array(op, { maxLength: 10 }),
  ending: fc.constantFrom<'close' | 'drain'>('close', 'drain'),
});

/** Two programs; at least one end closes at once, or both would wait for the other's close. */
const programs = fc
  .tuple(program, program)
  .map(([a, b]): readonly [Program, Program] => (a.ending === 'drain' && b.ending === 'drain' ? [a, { ...b, ending: 'close' }] : [a, b]));

/** What one end did: the bytes it handed to the socket and those it read, each in stream order. */
interface EndRecord {
  /** Each write's bytes, in the order written; `queued` false when the write was refused without sending any. */
  readonly writes: { bytes: Buffer; queued: boolean }[];
  readonly reads: Buffer[];
  /** Every call's promise, awaited or not. */
  readonly calls: Promise<unknown>[];
  /** Failures that break the contract, described. */
  readonly violations: string[];
  /** How the final read of a draining end ended. */
  drainEnd?: number;
  /** A `close` among its calls closed it before its ending. */
  closedEarly?: boolean;
}

/** The pieces a write sends, in the form asked for; all 256 byte values occur in them. */
function writeData(bytes: Buffer, form: 'string' | 'buffer' | 'uint8' | 'pieces'): WriteData {
  if (form === 'string') return bytes.toString('latin1');
  if (form === 'uint8') return new Uint8Array(bytes);
  if (form === 'buffer') return bytes;
  const cut = Math.floor(bytes.length / 3);
  return [bytes.subarray(0, cut).toString('latin1'), bytes.subarray(cut, 2 * cut), new Uint8Array(bytes.subarray(2 * cut))];
}

/** Records a call's failure: a SocketError with one of `statuses` is the contract; anything else is a violation. */
function expectStatus(record: EndRecord, what: string, statuses: readonly number[]) {
  return (err: unknown): number | undefined => {
    if (err instanceof SocketError && statuses.includes(err.status)) return err.status;
    record.violations.push(`${what}: ${err instanceof SocketError ? `status ${err.code}` : `threw ${String(err)}`}`);
    return undefined;
  };
}

/** The call a bad argument makes, which must reject with a TypeError. */
function badCall(skt: Socket, which: BadArgument, secure: boolean): Promise<unknown> {
  switch (which) {
    case 'maxLen 0':
      return readSocket(skt, 0, SKT$NON_BLOCKING);
    case 'fractional maxLen':
      return readSocketBuffer(skt, 1.5, SKT$NON_BLOCKING);
    case 'negative timeout':
      return readSocket(skt, 10, SKT$BLOCKING, -1);
    case 'wide string':
      return writeSocket(skt, 'caf\u00e9 \u20ac', SKT$NON_BLOCKING);
    case 'not a socket':
      // The secure function refuses a plain socket; the plain one a value that is no socket.
      return secure ? readSocket({} as Socket, 10) : readSecureSocket(skt as never, 10);
    case 'number as data':
      return writeSocket(skt, 42 as unknown as string);
  }
}

/** Runs `prog` on `skt`: its calls in order (awaiting those marked so), then its ending. */
async function runEnd(skt: Socket, prog: Program, secure: boolean): Promise<EndRecord> {
  const record: EndRecord = { writes: [], reads: [], calls: [], violations: [] };
  // The secure twins on a secure socket, the plain functions (which take it too) otherwise.
  const read = secure ? (readSecureSocket as typeof readSocket) : readSocket;
  const write = secure ? (writeSecureSocket as typeof writeSocket) : writeSocket;
  // Reads are answered in the order they wait; each records its bytes in one step as it
  // resolves, so they are recorded in that order too.
  const recordRead = (reading: Promise<string | Buffer>, maxLen: number, what: string): Promise<unknown> =>
    reading.then((got) => {
      const bytes = typeof got === 'string' ? Buffer.from(got, 'latin1') : got;
      if (bytes.length < 1 || bytes.length > maxLen) record.violations.push(`${what}: ${bytes.length} bytes`);
      record.reads.push(bytes);
    });
  let blocking = prog.blocking;
  setSocketMode(skt, SKT$INFO_BLOCKING, blocking ? 1 : 0);
  for (const [index, step] of prog.ops.entries()) {
    const what = `op ${index} ${JSON.stringify(step)}`;
    let call: Promise<unknown> | undefined;
    if (step.kind === 'write') {
      const bytes = randomBytes(step.size);
      // A write made after this end's close is refused without sending a byte.
      const entry = { bytes, queued: record.closedEarly !== true };
      record.writes.push(entry);
      const waits = step.mode === SKT$BLOCKING || (step.mode === 0 && blocking);
      call = write(skt, writeData(bytes, step.form), step.mode, step.timeout).then(
        (n) => {
          if (n !== step.size) record.violations.push(`${what}: resolved ${n}`);
        },
        (err: unknown) => {
          const status = expectStatus(record, what, [ER$TIMEOUT, ER$SKT_CLOSED])(err);
          // A non-blocking write refused for a full queue takes none of its bytes; a blocking one
          // that timed out leaves them queued. One that waited and then found the connection
          // closed (this end closed and the peer too) may have sent some: they are the last
          // bytes to arrive, so they stay in the stream the peer's bytes must begin.
          if (status === ER$TIMEOUT && !waits) entry.queued = false;
        },
      );
    } else if (step.kind === 'read') {
      const reading = step.as === 'string' ? read(skt, step.maxLen, step.mode, step.timeout) : readSocketBuffer(skt, step.maxLen, step.mode, step.timeout);
      call = recordRead(reading, step.maxLen, what).catch(expectStatus(record, what, [ER$TIMEOUT, ER$SKT_CLOSED]));
    } else if (step.kind === 'setBlocking') {
      blocking = step.on;
      setSocketMode(skt, SKT$INFO_BLOCKING, blocking ? 1 : 0);
    } else if (step.kind === 'pause') {
      await new Promise((resolve) => setTimeout(resolve, step.ms));
    } else if (step.kind === 'close') {
      record.closedEarly = true;
      call = closeSocket(skt).catch((err: unknown) => record.violations.push(`${what}: ${String(err)}`));
    } else {
      call = badCall(skt, step.which, secure).then(
        () => record.violations.push(`${what}: accepted`),
        (err: unknown) => {
          if (!(err instanceof TypeError)) record.violations.push(`${what}: ${String(err)} instead of a TypeError`);
        },
      );
    }
    if (call === undefined) continue;
    record.calls.push(call);
    if (step.kind === 'badArgument' || ('wait' in step && step.wait)) await call;
  }
  if (prog.ending === 'drain') {
    // Bounded: every read returns bytes or fails, and each waits 15 s at most.
    for (let reads = 0; reads < 100_000 && record.drainEnd === undefined; reads++) {
      try {
        await recordRead(readSocketBuffer(skt, 65_536, SKT$BLOCKING, 15_000), 65_536, 'drain');
      } catch (err) {
        record.drainEnd = err instanceof SocketError ? err.status : -1;
      }
    }
  }
  await closeSocket(skt);
  return record;
}

/** The bytes `from` sent to `to` all arrived, in order, once: the invariants of one direction. */
function checkDirection(from: EndRecord, to: EndRecord, toProgram: Program, direction: string): void {
  const sent = Buffer.concat(from.writes.filter((w) => w.queued).map((w) => w.bytes));
  const received = Buffer.concat(to.reads);
  assert.ok(received.length <= sent.length, `${direction}: received ${received.length} bytes, sent ${sent.length}`);
  assert.ok(received.equals(sent.subarray(0, received.length)), `${direction}: the bytes received are not the start of those sent (lost, duplicated or reordered)`);
  if (toProgram.ending === 'drain' && to.closedEarly !== true) {
    assert.equal(to.drainEnd, ER$SKT_CLOSED, `${direction}: the draining end saw the close as ER$SKT_CLOSED`);
    assert.equal(received.length, sent.length, `${direction}: a draining end receives every byte sent`);
  }
}

/** Runs both programs on a fresh connection and checks every property. */
async function checkPair(client: Socket, accepted: Socket, programs: readonly [Program, Program], secure: boolean): Promise<void> {
  const [clientProgram, serverProgram] = programs;
  const [a, b] = await withLimit(
    Promise.all([runEnd(client, clientProgram, secure), runEnd(accepted, serverProgram, secure)]),
    60_000,
    'both programs did not finish',
  );
  await withLimit(Promise.allSettled([...a.calls, ...b.calls]), 10_000, 'a call was still pending once both ends were closed');
  assert.deepEqual([...a.violations, ...b.violations], []);
  checkDirection(a, b, serverProgram, 'client to server');
  checkDirection(b, a, clientProgram, 'server to client');
}

/** Closes every socket of the test at its end, whatever a failed run left open. */
function closedAtEnd(t: ExecutionContext): (skt: Socket) => Socket {
  const opened: Socket[] = [];
  t.teardown(async () => {
    await Promise.all(opened.map((skt) => closeSocket(skt)));
  });
  return (skt) => {
    opened.push(skt);
    return skt;
  };
}

// Runs and cases are kept modest: each run is a real connection, and the file must stay quick
// on a busy machine. A failure prints fast-check's seed and path, to replay it.
const RUNS = 150;
/** A rate a server lets one address make handshakes at (see helpers/pace.ts). */
const TLS_CONNECTIONS_PER_SECOND = 25;

test('plain TCP: random programs on both ends never lose, duplicate or reorder a byte, and leave no call pending', async (t) => {
  t.timeout(180_000);
  const { server, port } = await listen(t);
  const track = closedAtEnd(t);
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(programs, async (pair) => {
      runs++;
      const client = track(await openSocket('127.0.0.1', port, SKT$BLOCKING));
      const accepted = track(await acceptSocket(server, 10_000));
      await checkPair(client, accepted, pair, false);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
  t.true(runs >= RUNS);
});

test('TLS: random programs on both ends never lose, duplicate or reorder a byte, and leave no call pending', async (t) => {
  t.timeout(180_000);
  const { server, port } = await secureListen(t, serverContext());
  const context = clientContext();
  const track = closedAtEnd(t);
  const nextConnection = pace(TLS_CONNECTIONS_PER_SECOND);
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(programs, async (pair) => {
      runs++;
      await nextConnection();
      const [client, accepted] = await Promise.all([openSecureSocket('localhost', port, SKT$BLOCKING, context), acceptSecureSocket(server, 10_000)]);
      await checkPair(track(client), track(accepted), pair, true);
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
  t.true(runs >= RUNS);
});
