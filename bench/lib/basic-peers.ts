/**
 * The `basic` variant of the ping-pong (bench/basic.ts): the facade's echo server and clients of
 * ./peers.ts, ported line for line to scarlet-sockets/basic as a BASIC program's port is written.
 * Every call is followed by `if (status()) ...` instead of a try/catch, reads return latin1
 * strings, and each connection runs in a phantom of its own (its own STATUS()), as a server
 * that serves connections at once must: on one shared status, one connection's 7013 could be
 * read by another.
 *
 * Bounds as in ./peers.ts: the clients stop at their deadline or round-trip cap and close, which
 * ends the echo loops (status 7013); an unexpected status fails the round; `abort()` closes every
 * socket of the role.
 */
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  ER$SKT_CLOSED,
  openSocket,
  phantom,
  readSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  socketInfo,
  status,
  writeSocket,
  type BasicSocket,
} from '../../lib/basic/index.js';
import { ACCEPT_TIMEOUT, HOST, timed, type ClientRole, type EchoServed, type PingPongDone, type ServerRole } from './peers.js';

/** A status that the loop does not expect: the round fails with the call and the status. */
function unexpected(call: string): Error {
  return new Error(`basic ping-pong: ${call} left status ${status()}`);
}

/** The echo server on scarlet-sockets/basic: one phantom per accepted connection. */
export async function startEchoBasic(connections: number, messageSize: number, maxEchoes: number): Promise<ServerRole<EchoServed>> {
  const srvr = await createServerSocket(HOST, 0, 0);
  if (status()) throw unexpected('createServerSocket');
  const port = Number(socketInfo(srvr, SKT$INFO_PORT));
  const sockets: BasicSocket[] = [srvr];
  const result = (async (): Promise<EchoServed> => {
    const loops: Promise<number>[] = [];
    for (let i = 0; i < connections; i++) {
      const skt = await acceptSocket(srvr, ACCEPT_TIMEOUT);
      if (status()) throw unexpected('acceptSocket');
      sockets.push(skt);
      loops.push(phantom(() => echoBasic(skt, messageSize, maxEchoes)));
    }
    await closeSocket(srvr);
    const counts = await Promise.all(loops);
    return { echoed: counts.reduce((a, b) => a + b, 0) };
  })();
  return { port, result, abort: () => abortBasic(sockets) };
}

/**
 * The echo loop of ./peers.ts on scarlet-sockets/basic: read a whole message, write it back;
 * ends when the peer closes (status 7013). Accepted sockets are non-blocking there, as in
 * ScarletDME: every call says SKT$BLOCKING.
 */
async function echoBasic(skt: BasicSocket, messageSize: number, maxEchoes: number): Promise<number> {
  let echoed = 0;
  // Bounded by the cap on round trips; the client's close ends it much earlier.
  serve: while (echoed <= maxEchoes) {
    let message = await readSocket(skt, messageSize, SKT$BLOCKING, 0);
    if (status()) break;
    while (message.length < messageSize) {
      const part = await readSocket(skt, messageSize - message.length, SKT$BLOCKING, 0);
      if (status()) break serve;
      message += part;
    }
    await writeSocket(skt, message, SKT$BLOCKING, 0);
    if (status()) break;
    echoed++;
  }
  const ended = status();
  await closeSocket(skt);
  if (ended !== 0 && ended !== ER$SKT_CLOSED) throw new Error(`basic echo: status ${ended}`);
  return echoed;
}

/** The ping-pong clients on scarlet-sockets/basic: one phantom per connection, opened in it. */
export async function runPingPongBasic(
  port: number,
  connections: number,
  message: string,
  ms: number,
  state: { stop: boolean },
  perConnection: number,
): Promise<ClientRole<PingPongDone>> {
  const sockets = await Promise.all(
    Array.from({ length: connections }, () =>
      phantom(async () => {
        const skt = await openSocket(HOST, port, SKT$BLOCKING);
        if (status()) throw unexpected('openSocket');
        return skt;
      }),
    ),
  );
  const done = timed(state, ms, () => sockets.map((skt) => phantom(() => pingPongBasic(skt, message, state, perConnection))));
  return { abort: () => abortBasic(sockets), done };
}

/** The client loop of ./peers.ts on scarlet-sockets/basic: write a message, read it back whole. */
async function pingPongBasic(skt: BasicSocket, message: string, state: { stop: boolean }, max: number): Promise<number> {
  const size = message.length;
  let roundTrips = 0;
  try {
    while (!state.stop && roundTrips < max) {
      await writeSocket(skt, message, SKT$BLOCKING, 0);
      if (status()) throw unexpected('writeSocket');
      // Each read returns at least one byte: at most `size` reads.
      let got = 0;
      while (got < size) {
        const data = await readSocket(skt, size - got, SKT$BLOCKING, 0);
        if (status()) throw unexpected('readSocket');
        got += data.length;
      }
      roundTrips++;
    }
  } finally {
    await closeSocket(skt);
  }
  return roundTrips;
}

/** The watchdog's last resort: closes every socket of the role; a close that fails is moot, the round has failed. */
function abortBasic(sockets: BasicSocket[]): void {
  for (const skt of sockets) void closeSocket(skt).catch(() => undefined);
}
