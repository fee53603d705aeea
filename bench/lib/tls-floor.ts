/**
 * The floor under SERAPHIM's figures in bench/seraphim.ts: node:tls with no HTTP in it, through
 * its own streams ('data' events, socket.write), as any Node program would write it. Each chunk
 * it reads is answered with the whole response (head and body, built once at start) of the file
 * whose path the chunk holds, in one write: nothing is parsed, no header is made per request, no
 * promise is awaited. One response per chunk, which is enough for wrk and the benchmark's probe
 * (each sends one request at a time). Not a web server: what it measures is what Node's TLS
 * sockets cost per request as they come. Not the least Node can do: reading from the handle and
 * writing the round's responses together, as SERAPHIM does, a server with no HTTP did about 1.2x
 * this one's requests per second on the 1 KiB page (docs/benchmarks.md, "What a request costs
 * each server").
 */
import type { Socket } from 'node:net';
import { createServer } from 'node:tls';
import { listenOnFreePort } from './listen.js';

/** Starts the floor on `host` for `files` (by URL path); resolves with its port and how to close it. */
export async function startTlsFloor(
  host: string,
  files: ReadonlyMap<string, { contentType: string; body: Buffer }>,
  cert: string,
  key: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const date = new Date().toUTCString();
  const answers = [...files].map(([path, file]) => ({
    // The path between the method and the version, as a request line holds it.
    asked: Buffer.from(` ${path} `, 'latin1'),
    response: Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nDate: ${date}\r\nContent-Type: ${file.contentType}\r\nContent-Length: ${file.body.length}\r\n\r\n`, 'latin1'), file.body]),
  }));
  const notFound = Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const server = createServer({ cert, key, minVersion: 'TLSv1.2' }, (socket) => {
    // A client that resets ends its own connection, nothing more (the listener keeps the error
    // from being thrown; a failed handshake never gets here, it is the server's tlsClientError).
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      socket.write(answers.find((a) => chunk.includes(a.asked))?.response ?? notFound);
    });
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
