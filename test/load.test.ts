import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  openSocket,
  readSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  SKT$INFO_DROPPED,
  SKT$INFO_PORT,
  SocketError,
  socketInfo,
  writeSocket,
  type ServerSocket,
  type Socket,
} from '../lib/index.js';
import { readExactly, waitFor, withLimit } from './helpers/assertions.js';
import { listen, openFdCount } from './helpers/sockets.js';

// These tests measure process-wide figures (RSS, open fds), so they run one at a time.

const MiB = 1024 * 1024;
const BULK_TOTAL = 256 * MiB;
/** The byte at stream offset n is n % PATTERN_PERIOD; a prime, so chunk edges never line up with it. */
const PATTERN_PERIOD = 251;

/**
 * The sender of the backpressure test, run in a child process so its buffers are not counted in
 * this process's RSS. It writes BULK_TOTAL bytes of the pattern in 1 MiB chunks, waiting for
 * 'drain' whenever write() says so, and reports on stdout: `connected`, `stalled <bytes>` once
 * when a drain has not come for 500 ms, and `done` when everything is written and ended.
 */
const SENDER = `
const net = require('node:net');
const [port, total, chunk, period] = process.argv.slice(1).map(Number);
const pattern = Buffer.alloc(chunk + period);
for (let i = 0; i < pattern.length; i++) pattern[i] = i % period;
let sent = 0;
let reportedStall = false;
const skt = net.connect(port, '127.0.0.1', () => { process.stdout.write('connected\\n'); pump(); });
skt.on('error', (err) => { process.stderr.write(String(err) + '\\n'); process.exit(2); });
function pump() {
  while (sent < total) {
    const off = sent % period;
    const ok = skt.write(pattern.subarray(off, off + chunk));
    sent += chunk;
    if (!ok) {
      const timer = reportedStall ? undefined : setTimeout(() => {
        reportedStall = true;
        process.stdout.write('stalled ' + (sent - skt.writableLength) + '\\n');
      }, 500);
      skt.once('drain', () => { clearTimeout(timer); pump(); });
      return;
    }
  }
  skt.end(() => process.stdout.write('done\\n'));
}
`;

/** Starts the sender; it is killed (by its PID) when the test ends if it is still running. */
function startSender(t: ExecutionContext, port: number): { child: ChildProcess; lines: AsyncIterableIterator<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['-e', SENDER, String(port), String(BULK_TOTAL), String(MiB), String(PATTERN_PERIOD)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid);
    await withLimit(exited, 5000, 'the sender did not exit after SIGTERM').catch(() => undefined);
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines, exited };
}

/** The next line of the sender's stdout, bounded by `limitMs`. */
async function nextLine(lines: AsyncIterableIterator<string>, limitMs: number): Promise<string> {
  const next = await withLimit(lines.next(), limitMs, 'no line from the sender');
  if (next.done === true) throw new Error('the sender exited without saying more');
  return next.value;
}

test.serial('backpressure: 256 MiB sent to a socket nobody reads grows RSS by less than 32 MiB, and all of it arrives', async (t) => {
  t.timeout(60_000);
  const started = performance.now();
  const { server, port } = await listen(t);
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 20);
  t.teardown(() => clearInterval(sampler));

  const { lines, exited } = startSender(t, port);
  t.is(await nextLine(lines, 10_000), 'connected');
  const accepted = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));

  // The sender reports when its writes have not drained for 500 ms: everything between it and
  // us is full. Had the library buffered without bound, it would report `done` instead.
  const report = await nextLine(lines, 20_000);
  t.regex(report, /^stalled \d+$/, 'the sender was held back');
  const inFlight = Number(report.split(' ')[1]);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const growth = rssPeak - rssBefore;
  t.log(`stalled after ${(inFlight / MiB).toFixed(1)} MiB handed to the kernel; RSS growth ${(growth / MiB).toFixed(1)} MiB`);
  t.true(inFlight < BULK_TOTAL, 'the sender could not write everything');
  t.true(growth < 32 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  clearInterval(sampler);

  // Now read everything: exactly 256 MiB, each byte where the pattern puts it.
  const pattern = Buffer.alloc(MiB + PATTERN_PERIOD);
  for (let i = 0; i < pattern.length; i++) pattern[i] = i % PATTERN_PERIOD;
  let received = 0;
  let corrupt = 0;
  const deadline = Date.now() + 40_000;
  for (;;) {
    let chunk: Buffer;
    try {
      chunk = await readSocketBuffer(accepted, MiB, SKT$BLOCKING, 10_000);
    } catch (err) {
      if (err instanceof SocketError && err.code === 'ER$SKT_CLOSED') break;
      throw err;
    }
    const off = received % PATTERN_PERIOD;
    if (!chunk.equals(pattern.subarray(off, off + chunk.length))) corrupt++;
    received += chunk.length;
    if (received > BULK_TOTAL || Date.now() > deadline) break;
  }
  t.is(received, BULK_TOTAL);
  t.is(corrupt, 0, 'chunks with bytes out of place');
  t.is(await nextLine(lines, 10_000), 'done');
  // The sender waits for our FIN before it exits (a half-open socket).
  await closeSocket(accepted);
  t.is(await withLimit(exited, 10_000, 'the sender did not exit'), 0);
  const seconds = (performance.now() - started) / 1000;
  t.log(`total ${seconds.toFixed(1)} s`);
  t.true(seconds < 50);
});

const CONNECTIONS = 1000;
const MESSAGE_LENGTH = 100;

/** A unique 100-byte Pick string for client `i`: its number, then bytes that vary with it. */
function messageFor(i: number): string {
  const head = `client ${String(i).padStart(4, '0')}:`;
  let body = '';
  for (let k = head.length; k < MESSAGE_LENGTH; k++) body += String.fromCharCode((i * 31 + k * 7) % 256);
  return head + body;
}

/** The echo loop as a BASIC program has it: read, write back, until the peer closes. */
async function echo(skt: Socket): Promise<number> {
  let bytes = 0;
  try {
    // Bounded: a client sends 100 bytes, so far fewer reads than this ever happen.
    for (let reads = 0; reads < 10_000; reads++) {
      const data = await readSocket(skt, 4096, SKT$BLOCKING, 30_000);
      bytes += await writeSocket(skt, data, SKT$BLOCKING, 30_000);
    }
  } catch (err) {
    if (!(err instanceof SocketError && err.code === 'ER$SKT_CLOSED')) throw err;
  } finally {
    await closeSocket(skt);
  }
  return bytes;
}

/** The server loop: accept, hand each connection to its own echo, until the server socket closes. */
async function serve(server: ServerSocket, limit: number): Promise<number[]> {
  const echoes: Promise<number>[] = [];
  try {
    while (echoes.length < limit) echoes.push(echo(await acceptSocket(server, 30_000)));
  } catch (err) {
    if (!(err instanceof SocketError && err.code === 'ER$SKT_CLOSED')) throw err;
  }
  return Promise.all(echoes);
}

test.serial('one process serves 1,000 concurrent connections with a ported echo loop', async (t) => {
  t.timeout(60_000);
  const started = performance.now();
  const fdsBefore = openFdCount();
  const server = await createServerSocket('127.0.0.1', 0, SKT$BLOCKING);
  t.teardown(() => closeSocket(server));
  const port = socketInfo(server, SKT$INFO_PORT);
  // One more than the clients, so the loop's last accept is the one the close ends.
  const served = serve(server, CONNECTIONS + 1);
  served.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"

  // Open every connection first (in batches, to go easy on the listen backlog) and keep them
  // all open, so the 1,000 exchanges below really are concurrent.
  const clients: Socket[] = [];
  t.teardown(() => Promise.all(clients.map((skt) => closeSocket(skt))));
  for (let i = 0; i < CONNECTIONS; i += 100) {
    const batch = await Promise.all(Array.from({ length: 100 }, () => openSocket('127.0.0.1', port, SKT$BLOCKING)));
    clients.push(...batch);
  }
  t.is(clients.length, CONNECTIONS);

  const replies = await Promise.all(
    clients.map(async (skt, i) => {
      const message = messageFor(i);
      await writeSocket(skt, message, SKT$BLOCKING, 30_000);
      return (await readExactly(skt, MESSAGE_LENGTH, 30_000)) === message;
    }),
  );
  t.is(replies.filter(Boolean).length, CONNECTIONS, 'clients that got exactly their bytes back');
  t.is(socketInfo(server, SKT$INFO_DROPPED), 0);
  // Every client has been echoed, so both ends of all 1,000 connections are open at once here.
  const fdsOpen = openFdCount();
  t.true(fdsOpen >= fdsBefore + 2 * CONNECTIONS, `fds ${fdsBefore} -> ${fdsOpen}`);

  await Promise.all(clients.map((skt) => closeSocket(skt)));
  await closeSocket(server);
  const echoed = await withLimit(served, 30_000, 'the echo loops did not end');
  t.is(echoed.length, CONNECTIONS);
  t.true(echoed.every((bytes) => bytes === MESSAGE_LENGTH), 'each echo loop wrote back exactly 100 bytes');

  // Nothing left behind: the 2,000 sockets' descriptors all close.
  t.true(await waitFor(() => openFdCount() === fdsBefore, 10_000, 20), `fds ${fdsBefore} -> ${openFdCount()}`);
  t.log(`${CONNECTIONS} connections in ${((performance.now() - started) / 1000).toFixed(1)} s; fds ${fdsBefore} -> ${fdsOpen} -> ${openFdCount()}`);
});

const CYCLES = 10_000;
const BATCH = 50;

test.serial('no leaks: 10,000 open/accept/close cycles leave the open fd count where it started', async (t) => {
  t.timeout(60_000);
  const started = performance.now();
  const { server, port } = await listen(t);
  const fdsBefore = openFdCount();
  let peak = fdsBefore;

  const cycle = async (n: number): Promise<void> => {
    const client = await openSocket('127.0.0.1', port, SKT$BLOCKING);
    const accepted = await acceptSocket(server, 10_000);
    if (n % 100 === 0) peak = Math.max(peak, openFdCount()); // a sample with a batch open
    await Promise.all([closeSocket(client), closeSocket(accepted)]);
  };
  for (let done = 0; done < CYCLES; done += BATCH) {
    await Promise.all(Array.from({ length: BATCH }, (_, i) => cycle(done + i)));
  }
  const cyclesSeconds = (performance.now() - started) / 1000;

  // Closes finish in the background (the peer's FIN); wait for them, bounded.
  const settled = await waitFor(() => openFdCount() === fdsBefore, 10_000, 20);
  const fdsAfter = openFdCount();
  t.log(`${CYCLES} cycles in ${cyclesSeconds.toFixed(1)} s; fds ${fdsBefore} -> peak ${peak} -> ${fdsAfter}`);
  t.true(settled, `fds ${fdsBefore} -> ${fdsAfter}`);
  t.is(fdsAfter, fdsBefore);
  t.true(cyclesSeconds < 45, `${cyclesSeconds.toFixed(1)} s`);
});
