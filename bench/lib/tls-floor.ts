/**
 * The floor under SERAPHIM's figures in bench/seraphim.ts: node:tls with no HTTP in it, through
 * its own streams ('data' events, socket.write), as any Node program would write it. Each chunk
 * it reads is answered with the whole response (head and body, built once at start) of the file
 * whose path the chunk holds, in one write: nothing is parsed, no header is made per request, no
 * promise is awaited. One response per chunk, which is enough for wrk and the benchmark's probe
 * (each sends one request at a time). Not a web server: what it measures is what Node's TLS
 * sockets cost per request as they come.
 *
 * Not the least Node can do. With `lean`, the same server reads as SERAPHIM does, straight from
 * each socket's handle (lib/handle-reader.ts) instead of through 'data' events, and writes the
 * responses of a round of the event loop together at its end, the end SERAPHIM waits for
 * (examples/seraphim/http/io-round.ts): what a Node server with no HTTP at all costs per request
 * when it reads and writes the way SERAPHIM does, so that the rest of SERAPHIM's distance to it is
 * its HTTP work.
 */
import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { endOfIoRound } from '../../examples/seraphim/http/io-round.js';
import { readFromHandle } from '../../lib/handle-reader.js';
import { listenOnFreePort } from './listen.js';

/**
 * Starts the floor on `host` for `files` (by URL path); resolves with its port and how to close it.
 * `lean`: read from the handle and write a round's responses together (above).
 */
export async function startTlsFloor(
  host: string,
  files: ReadonlyMap<string, { contentType: string; body: Buffer }>,
  cert: string,
  key: string,
  lean = false,
): Promise<{ port: number; close: () => Promise<void> }> {
  const date = new Date().toUTCString();
  const answers = [...files].map(([path, file]) => ({
    // The path between the method and the version, as a request line holds it.
    asked: Buffer.from(` ${path} `, 'latin1'),
    response: Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nDate: ${date}\r\nContent-Type: ${file.contentType}\r\nContent-Length: ${file.body.length}\r\n\r\n`, 'latin1'), file.body]),
  }));
  const notFound = Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const answer = (chunk: Buffer): Buffer => answers.find((a) => chunk.includes(a.asked))?.response ?? notFound;
  // The lean floor's responses of this round, written at its end: one promise a round, none a
  // response.
  let round: [TLSSocket, Buffer][] = [];
  const endOfRound = (): void => {
    const made = round;
    round = [];
    for (const [socket, response] of made) if (!socket.destroyed) socket.write(response);
  };
  const server = createServer({ cert, key, minVersion: 'TLSv1.2' }, (socket) => {
    // A client that resets ends its own connection, nothing more (the listener keeps the error
    // from being thrown; a failed handshake never gets here, it is the server's tlsClientError).
    socket.on('error', () => socket.destroy());
    if (!lean) {
      socket.on('data', (chunk: Buffer) => socket.write(answer(chunk)));
      return;
    }
    // Read from the handle, no 'data' event; the listener only keeps the stream flowing, as
    // lib/stream-socket.ts's does. Node's internals not as expected: 'data' events then carry the
    // chunks, and the figure says so by being the plain floor's.
    const respond = (chunk: Buffer): void => {
      if (round.length === 0) void endOfIoRound().then(endOfRound);
      round.push([socket, answer(chunk)]);
    };
    if (readFromHandle(socket, { receive: respond })) socket.on('data', () => undefined);
    else socket.on('data', respond);
  });
  // Every connection from its start (not only from the end of its handshake, as the listener above
  // sees them), so that close() never waits for one still in its handshake.
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  return {
    port: await listenOnFreePort(server, host),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
