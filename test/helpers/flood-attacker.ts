// A flood from one loopback address, run as its own process (as a real attacker would be: its
// own sockets and CPU, not the server's): `node --import tsx flood-attacker.ts '<json>'` with a
// FloodPlan. It keeps `concurrency` hostile connections open to the server, opening a new one
// whenever one ends (at most `ratePerSecond` a second), until it has opened `maxConnections` or
// ran `durationMs`, or a `stop` line comes on stdin. It prints one JSON line `{"ready":true}`
// `rampMs` after its start, and one FloodReport line when it stops; then it exits.
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { createInterface } from 'node:readline';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/** The kinds of flood. */
export type FloodKind = 'never-hello' | 'partial-hello' | 'idle-after-handshake' | 'slowloris' | 'slow-reader' | 'unwanted-body';

export interface FloodPlan {
  kind: FloodKind;
  port: number;
  /** The address every hostile connection is bound to. */
  from: string;
  /** Hostile connections kept open at once. */
  concurrency: number;
  /** Hostile connections opened in all, at most. */
  maxConnections: number;
  /**
   * New connections per second at most: the attacker shares this machine's cores with the
   * server, so an attacker that spent a whole core reconnecting would measure the machine, not
   * the server's defences.
   */
  ratePerSecond: number;
  /** The flood's longest run, whatever happens. */
  durationMs: number;
  /**
   * How long after its start the flood says it is ready: its first connections all come at
   * once, and the server's first answers to them (handshakes, the first bytes of large files)
   * come in one burst; from then on the flood is what it stays.
   */
  rampMs: number;
  /** partial-hello: the bytes sent (the first half of a real ClientHello), as hex. */
  halfHello: string;
  /** slow-reader: the path of a large file. */
  bigPath: string;
}

export interface FloodReport {
  /** Hostile connections opened in all. */
  opened: number;
  /** Of those, how many connected (TCP, or TLS for the kinds over TLS). */
  connected: number;
  /** The most open at once. */
  peak: number;
  /** Of those opened, how many the server ended (FIN or reset) before the stop. */
  endedByServer: number;
  /** HTTP responses the hostile connections got (unwanted-body, slow-reader). */
  responses: number;
}

const plan = JSON.parse(process.argv[2] as string) as FloodPlan;
const overTls = !['never-hello', 'partial-hello'].includes(plan.kind);
const halfHello = Buffer.from(plan.halfHello, 'hex');
const BODY = Buffer.alloc(1024 * 1024, 'b');
const UNWANTED = Buffer.from(`GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${BODY.length}\r\n\r\n`, 'latin1');
/** slowloris: a header line this often on each connection; slow-reader: this many bytes read this often. */
const TRICKLE_MS = 1000;
const SLOW_READ_BYTES = 1024;

const open = new Set<NetSocket>();
/** Connections ended and not yet replaced: the pacer opens them again at the flood's rate. */
let waiting = 0;
const PACE_MS = 10;
const report: FloodReport = { opened: 0, connected: 0, peak: 0, endedByServer: 0, responses: 0 };
let stopped = false;
const out = (line: unknown): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

/** Opens one hostile connection, and another whenever it ends (until stopped). */
function openOne(): void {
  if (stopped || report.opened >= plan.maxConnections) return;
  report.opened++;
  const socket: NetSocket = overTls
    ? tlsConnect({
        // Bound to the flood's address as a plain socket first: tls.connect's types have no localAddress.
        socket: netConnect({ host: '127.0.0.1', port: plan.port, localAddress: plan.from }),
        servername: 'localhost',
        rejectUnauthorized: false,
      })
    : netConnect({ host: '127.0.0.1', port: plan.port, localAddress: plan.from, allowHalfOpen: true });
  open.add(socket);
  report.peak = Math.max(report.peak, open.size);
  // Resets and refusals are what a flood meets: the connection just ends and another is opened.
  socket.on('error', () => undefined);
  socket.once(overTls ? 'secureConnect' : 'connect', () => {
    report.connected++;
    begin(socket as TLSSocket);
  });
  // Half-open capable (the raw kinds): the server's FIN only ends the reading side; the flood is
  // done with a connection the server ended.
  socket.once('end', () => socket.destroy());
  socket.once('close', () => {
    open.delete(socket);
    if (stopped) return;
    report.endedByServer++;
    waiting++;
  });
}

/** What each kind does once connected. */
function begin(socket: TLSSocket): void {
  switch (plan.kind) {
    case 'never-hello':
    case 'idle-after-handshake':
      socket.resume(); // reads (and drops) whatever comes, so the server's close is seen
      return;
    case 'partial-hello':
      socket.resume();
      socket.write(halfHello);
      return;
    case 'slowloris':
      socket.resume();
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      return;
    case 'slow-reader':
      // Not flowing: only what trickle() reads is taken, and the socket's buffer fills.
      socket.write(`GET ${plan.bigPath} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      return;
    case 'unwanted-body':
      // A GET with a 1 MiB body, again each time an answer comes.
      socket.on('data', (chunk: Buffer) => {
        const answers = chunk.toString('latin1').split('HTTP/1.1 ').length - 1;
        report.responses += answers;
        for (let i = 0; i < answers; i++) socket.write(Buffer.concat([UNWANTED, BODY]));
      });
      socket.write(Buffer.concat([UNWANTED, BODY]));
      return;
  }
}

/** The slow kinds' next step, on every open connection. */
function trickle(): void {
  for (const socket of open) {
    if (plan.kind === 'slowloris' && socket.writable) socket.write('X-Slow: 1\r\n');
    if (plan.kind === 'slow-reader' && socket.readable) {
      const bytes = socket.read(SLOW_READ_BYTES) as Buffer | null;
      if (bytes !== null && bytes.subarray(0, 9).toString('latin1') === 'HTTP/1.1 ') report.responses++;
    }
  }
}

/** Replaces ended connections, at most ratePerSecond a second. */
function pace(): void {
  let budget = Math.max(1, Math.round((plan.ratePerSecond * PACE_MS) / 1000));
  for (; waiting > 0 && budget > 0; waiting--, budget--) openOne();
}

function stop(): void {
  if (stopped) return;
  stopped = true;
  clearInterval(trickling);
  clearInterval(pacing);
  clearTimeout(ramp);
  clearTimeout(deadline);
  for (const socket of open) socket.destroy();
  out(report);
  process.exit(0);
}

const trickling = setInterval(trickle, plan.kind === 'slow-reader' ? TRICKLE_MS / 2 : TRICKLE_MS);
const pacing = setInterval(pace, PACE_MS);
const ramp = setTimeout(() => out({ ready: true }), plan.rampMs);
const deadline = setTimeout(stop, plan.durationMs);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stop') stop();
});
process.stdin.on('end', stop);
for (let i = 0; i < plan.concurrency; i++) openOne();
