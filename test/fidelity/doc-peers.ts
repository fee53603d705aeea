// The peers that whole BASIC programs of docs/porting.md run against (```basic peer=NAME), on
// plain node:net. The program gets the port to listen on or connect to as its first argument
// (FIELD(@SENTENCE, ' ', 4)), a free one; a program that has its port written in says so with
// `port=N` in the info string. Each peer checks that the program does what the page says.
import { once } from 'node:events';
import { connect, createServer, type Socket as NetSocket } from 'node:net';
import type { StartedCommand } from './harness.js';

/** How long a peer waits for each step of a program (its start, a reply). */
const STEP_MS = 10_000;
/**
 * How long a client waits after connecting before it sends, as a client across a network would:
 * a program that only works when the request is already there when it accepts (a non-blocking
 * read) must fail here every time, not now and then.
 */
const CLIENT_LATENCY_MS = 300;
const FM = '\xfe';

/** A started doc peer: drives the running program and says what went wrong, if anything. */
export interface DocPeerRun {
  /** Drives the program; resolves with the reason it failed, or undefined when it did what the page says. */
  drive(program: StartedCommand): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** A doc peer: started before the program, with the port the program uses. */
export interface DocPeer {
  start(port: number): Promise<DocPeerRun>;
}

/** Bytes from a socket until `done` says they are complete, the socket ends, or STEP_MS pass. */
async function receive(socket: NetSocket, done: (received: string) => boolean): Promise<string> {
  let received = '';
  return new Promise<string>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      resolve(received);
    };
    const timer = setTimeout(finish, STEP_MS);
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      received += text;
      if (done(received)) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
  });
}

/** Connects once the program says it listens; resolves with the socket or the reason it could not. */
async function connectWhenListening(program: StartedCommand, port: number): Promise<NetSocket | string> {
  if (!(await program.waitForOutput(/listening/, STEP_MS))) return `the program never said it was listening; it printed:\n${program.stdout()}`;
  const socket = connect({ host: '127.0.0.1', port });
  try {
    await once(socket, 'connect');
  } catch (error) {
    return `cannot connect to 127.0.0.1:${port}: ${(error as Error).message}`;
  }
  await new Promise((resolve) => setTimeout(resolve, CLIENT_LATENCY_MS));
  return socket;
}

/**
 * A client of a server program of the page: once the program says it is listening, it connects,
 * sends `request`, takes the answer until `complete` says it is (or the server closes), and
 * `verdict` judges it.
 */
function clientPeer(request: string, complete: (received: string) => boolean, verdict: (answer: string) => string | undefined): DocPeer {
  return {
    async start(port) {
      let socket: NetSocket | undefined;
      return {
        async drive(program) {
          const connected = await connectWhenListening(program, port);
          if (typeof connected === 'string') return connected;
          socket = connected;
          socket.on('error', () => undefined); // a reset shows as a missing answer, which is reported
          socket.write(request, 'latin1');
          const problem = verdict(await receive(socket, complete));
          return problem === undefined ? undefined : `${problem}; the server printed:\n${program.stdout()}`;
        },
        stop: async () => {
          socket?.destroy();
        },
      };
    },
  };
}

export const docPeers: Record<string, DocPeer> = {
  /** A price service for the page's price client: `PRICE<FM>WIDGET` LF -> `12.50<FM>WIDGET` LF; the client must print `Price: 12.50`. */
  'price-server': {
    async start(port) {
      const sockets: NetSocket[] = [];
      const server = createServer((socket) => {
        sockets.push(socket);
        socket.on('error', () => undefined); // the program may go away at any moment; what it prints is the check
        void receive(socket, (text) => text.includes('\n')).then((request) => {
          socket.end(request.startsWith(`PRICE${FM}WIDGET`) ? `12.50${FM}WIDGET\n` : `ERR${FM}UNKNOWN COMMAND\n`, 'latin1');
        });
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      return {
        async drive(program) {
          await Promise.race([program.closed, new Promise((resolve) => setTimeout(resolve, STEP_MS))]);
          return program.stdout().includes('Price: 12.50') ? undefined : `the client did not print 'Price: 12.50'; it printed:\n${program.stdout()}`;
        },
        stop: async () => {
          for (const socket of sockets) socket.destroy();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
  },

  /** A client of the page's line server: `PRICE<FM>WIDGET` LF must be answered `12.50<FM>WIDGET` LF. */
  'price-client': clientPeer(`PRICE${FM}WIDGET\n`, (text) => text.includes('\n'), (reply) =>
    reply === `12.50${FM}WIDGET\n` ? undefined : `the reply to PRICE<FM>WIDGET was ${JSON.stringify(reply)}`,
  ),

  /** An HTTP client of the page's SERAPHIM loop: GET /hello must get a 200 with `You asked for /hello`. */
  'http-client': clientPeer('GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', () => false, (response) =>
    response.startsWith('HTTP/1.1 200 OK\r\n') && response.includes('You asked for /hello') ? undefined : `the response to GET /hello was ${JSON.stringify(response)}`,
  ),
};
