// The scripted peers of the fidelity suite, on plain node:net and node:dgram (never the library
// under test), so that a BASIC program on ScarletDME and its port meet exactly the same peer.
// Each program names its scenario in a `* PEER: name` line; the scenario starts its servers,
// says which arguments the program gets, and which port numbers a transcript may show (they
// change from run to run and are masked by name).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket as NetSocket } from 'node:net';

/** A port number a transcript may show, and the name it is masked with. */
export interface KnownPort {
  port: number;
  label: string;
}

/** A started peer: the program's arguments, the ports to mask, and how to stop it. */
export interface PeerRun {
  /** The program's arguments (FIELD(@SENTENCE, ' ', 4) onwards). */
  args: string[];
  /** Ports the transcript may show; a peer adds the local ports of the clients it opens. */
  ports: KnownPort[];
  /** Closes every server and connection the peer holds. */
  stop(): Promise<void>;
}

/** Starts one scenario. */
export type Scenario = () => Promise<PeerRun>;

/** How long a peer delays the echo of `slow-echo`. */
export const SLOW_ECHO_DELAY_MS = 1000;
/** How long `never-read-then-reset` lets a connection stall before resetting it. */
export const STALL_BEFORE_RESET_MS = 2000;

/** Tracks what a scenario opens, so that stop() closes all of it. */
class Holdings {
  readonly servers: Server[] = [];
  readonly sockets: NetSocket[] = [];
  readonly udp: UdpSocket[] = [];
  readonly timers: NodeJS.Timeout[] = [];

  track(socket: NetSocket): NetSocket {
    this.sockets.push(socket);
    // A program that resets, or goes away while the peer writes, must not crash the harness:
    // the peer's view of the connection is not what the suite observes.
    socket.on('error', () => undefined);
    return socket;
  }

  later(ms: number, action: () => void): void {
    this.timers.push(setTimeout(action, ms));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    for (const socket of this.udp) socket.close();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

async function tcpServer(holdings: Holdings, host: string, onConnection: (socket: NetSocket, index: number) => void, pauseOnConnect = false): Promise<number> {
  const server = createServer({ pauseOnConnect });
  let count = 0;
  server.on('connection', (socket) => onConnection(holdings.track(socket), count++));
  server.listen(0, host);
  await once(server, 'listening');
  holdings.servers.push(server);
  return portOf(server.address());
}

async function udpServer(holdings: Holdings, host: string, onMessage: (socket: UdpSocket, message: Buffer, from: { address: string; port: number }) => void): Promise<number> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (message, from) => onMessage(socket, message, from));
  socket.bind(0, host);
  await once(socket, 'listening');
  holdings.udp.push(socket);
  return socket.address().port;
}

function portOf(address: ReturnType<Server['address']>): number {
  if (address === null || typeof address === 'string') throw new Error('a peer server has no port');
  return address.port;
}

/**
 * A port nothing listens on (a server bound to port 0, then closed): for connections that must be
 * refused, and for a server the program itself creates.
 */
export async function freePort(kind: 'tcp' | 'udp', host = '127.0.0.1'): Promise<number> {
  if (kind === 'udp') {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.bind(0, host);
    await once(socket, 'listening');
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const port = portOf(server.address());
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function echo(socket: NetSocket): void {
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('end', () => socket.end());
}

/**
 * The control channel of the scenarios whose peer acts as a client of the program (or must act
 * at a moment the program chooses). The program writes one command per line and reads the reply
 * before it goes on, so each step happens exactly when the program asks for it:
 *
 * - `CONNECT host` opens client N (1, 2, ...) to the program's server port; reply `ok` once
 *   connected (the local port is masked as `client-N-port`).
 * - `SEND n text` writes text from client n; `ok` once written.
 * - `READ n` replies `got:` and what client n has received (waits up to 5 s for a first byte).
 * - `CLOSE n` ends client n (FIN); `RESET n` resets it (RST); reply `ok`.
 * - `UDPSEND host text` sends one datagram to the program's server port; `ok` once sent.
 */
async function controlServer(holdings: Holdings, ports: KnownPort[], serverPort: () => number): Promise<number> {
  const clients: { socket: NetSocket; received: Buffer[] }[] = [];
  const run = async (line: string): Promise<string> => {
    const [verb = '', first = '', ...rest] = line.split(' ');
    const text = rest.join(' ');
    const client = clients[Number(first) - 1];
    switch (verb) {
      case 'CONNECT': {
        const socket = holdings.track(connect({ host: first, port: serverPort() }));
        await once(socket, 'connect');
        const received: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => received.push(chunk));
        clients.push({ socket, received });
        ports.push({ port: socket.localPort ?? 0, label: `client-${clients.length}-port` });
        return 'ok';
      }
      case 'SEND':
        if (!client) return `no client ${first}`;
        await new Promise<void>((resolve) => client.socket.write(Buffer.from(text, 'latin1'), () => resolve()));
        return 'ok';
      case 'READ': {
        if (!client) return `no client ${first}`;
        if (client.received.length === 0) {
          // Whichever comes first: bytes, the end of the stream, or 5 s. once() rejects on
          // 'error', which is an answer too (nothing came), hence the catch.
          const timer = new Promise((resolve) => holdings.later(5000, () => resolve(undefined)));
          await Promise.race([once(client.socket, 'data'), once(client.socket, 'end'), timer]).catch(() => undefined);
        }
        return 'got:' + Buffer.concat(client.received.splice(0)).toString('latin1');
      }
      case 'CLOSE':
        if (!client) return `no client ${first}`;
        client.socket.end();
        return 'ok';
      case 'RESET':
        if (!client) return `no client ${first}`;
        client.socket.resetAndDestroy();
        return 'ok';
      case 'UDPSEND': {
        const socket = createSocket(first.includes(':') ? 'udp6' : 'udp4');
        holdings.udp.push(socket);
        await new Promise<void>((resolve, reject) => socket.send(Buffer.from(text, 'latin1'), serverPort(), first, (error) => (error ? reject(error) : resolve())));
        return 'ok';
      }
      default:
        return `unknown command ${verb}`;
    }
  };
  return tcpServer(holdings, '127.0.0.1', (socket) => {
    let pending = '';
    let queue = Promise.resolve();
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      pending += text;
      for (let eol = pending.indexOf('\n'); eol >= 0; eol = pending.indexOf('\n')) {
        const line = pending.slice(0, eol);
        pending = pending.slice(eol + 1);
        queue = queue.then(() => run(line).catch((error: Error) => `failed: ${error.message}`)).then((reply) => {
          socket.write(reply, 'latin1');
        });
      }
    });
  });
}

/** Runs `start` with fresh holdings; if it fails half way, what it opened is closed. */
async function scenario(start: (holdings: Holdings, ports: KnownPort[]) => Promise<string[]>): Promise<PeerRun> {
  const holdings = new Holdings();
  const ports: KnownPort[] = [];
  try {
    const args = await start(holdings, ports);
    return { args, ports, stop: () => holdings.stop() };
  } catch (error) {
    await holdings.stop();
    throw error;
  }
}

/** Names a port for masking and gives it as an argument. */
function known(ports: KnownPort[], port: number, label: string): string {
  ports.push({ port, label });
  return String(port);
}

/** The scenarios, by the name a program gives in its `* PEER:` line. */
export const scenarios: Record<string, Scenario> = {
  /** No peer: the program needs nothing outside itself. */
  none: () => scenario(async () => []),

  /** A TCP echo server on 127.0.0.1. Args: port. */
  echo: () =>
    scenario(async (holdings, ports) => [known(ports, await tcpServer(holdings, '127.0.0.1', echo), 'echo-port')]),

  /** An echo server that sends each chunk back SLOW_ECHO_DELAY_MS after it came. Args: port. */
  'slow-echo': () =>
    scenario(async (holdings, ports) => {
      const port = await tcpServer(holdings, '127.0.0.1', (socket) => {
        socket.on('data', (chunk) => holdings.later(SLOW_ECHO_DELAY_MS, () => socket.write(chunk)));
      });
      return [known(ports, port, 'echo-port')];
    }),

  /**
   * Every connection gets `bye` and then the peer's socket is closed at once (FIN, and RST for
   * anything the program sends after it). Args: port.
   */
  'send-then-close': () =>
    scenario(async (holdings, ports) => {
      const port = await tcpServer(holdings, '127.0.0.1', (socket) => {
        socket.end('bye', () => socket.destroy());
      });
      return [known(ports, port, 'peer-port')];
    }),

  /**
   * Every connection is reset when the program's first bytes arrive; connection 2 first gets
   * `part`. (Not at once on accepting: that reset can reach a Node client before its connect
   * completes, and the suite would measure a race, not the reset.) Args: port.
   */
  reset: () =>
    scenario(async (holdings, ports) => {
      const port = await tcpServer(holdings, '127.0.0.1', (socket, index) => {
        if (index > 0) socket.write('part');
        socket.once('data', () => socket.resetAndDestroy());
      });
      return [known(ports, port, 'peer-port')];
    }),

  /** Accepts and never reads: the program's writes fill the kernel's buffers. Args: port. */
  'never-read': () =>
    scenario(async (holdings, ports) => [known(ports, await tcpServer(holdings, '127.0.0.1', () => undefined, true), 'peer-port')]),

  /** Accepts, never reads, and resets the connection STALL_BEFORE_RESET_MS later. Args: port. */
  'never-read-then-reset': () =>
    scenario(async (holdings, ports) => {
      const port = await tcpServer(holdings, '127.0.0.1', (socket) => holdings.later(STALL_BEFORE_RESET_MS, () => socket.resetAndDestroy()), true);
      return [known(ports, port, 'peer-port')];
    }),

  /** Connections to a port nothing listens on, and an echo server. Args: closed port, echo port. */
  refused: () =>
    scenario(async (holdings, ports) => [
      known(ports, await freePort('tcp'), 'closed-port'),
      known(ports, await tcpServer(holdings, '127.0.0.1', echo), 'echo-port'),
    ]),

  /**
   * The program is the server. Args: the port for its server (free when the program starts),
   * the control port (see controlServer), and a port the peer already listens on.
   */
  clients: () =>
    scenario(async (holdings, ports) => {
      const serverPort = await freePort('tcp');
      const control = await controlServer(holdings, ports, () => serverPort);
      const busy = await tcpServer(holdings, '127.0.0.1', () => undefined);
      return [known(ports, serverPort, 'server-port'), known(ports, control, 'control-port'), known(ports, busy, 'busy-port')];
    }),

  /**
   * UDP: an echo server, a port nothing listens on, a free port for the program's own UDP server
   * and the control port (UDPSEND). Args in that order.
   */
  udp: () =>
    scenario(async (holdings, ports) => {
      const echoPort = await udpServer(holdings, '127.0.0.1', (socket, message, from) => socket.send(message, from.port, from.address));
      const serverPort = await freePort('udp');
      const control = await controlServer(holdings, ports, () => serverPort);
      return [
        known(ports, echoPort, 'udp-echo-port'),
        known(ports, await freePort('udp'), 'udp-closed-port'),
        known(ports, serverPort, 'server-port'),
        known(ports, control, 'control-port'),
      ];
    }),

  /**
   * IPv6 on ::1: an echo server, a free port for the program's server and the control port
   * (CONNECT ::1). Args in that order.
   */
  ipv6: () =>
    scenario(async (holdings, ports) => {
      const echoPort = await tcpServer(holdings, '::1', echo);
      const serverPort = await freePort('tcp', '::1');
      const control = await controlServer(holdings, ports, () => serverPort);
      return [known(ports, echoPort, 'echo6-port'), known(ports, serverPort, 'server-port'), known(ports, control, 'control-port')];
    }),
};
