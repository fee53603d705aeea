// Starting a benchmark's own server (node:net, node:http, node:https, node:tls) on a free loopback port.
import type { Server } from 'node:net';

/**
 * Makes `server` listen on `host`, on a port the system picks, and resolves with that port;
 * rejects when the listen fails. Its 'error' listener goes once it listens: a later error of the
 * server (an accept that fails) is no longer swallowed here, and one that nobody handles ends the
 * benchmark's process, loudly. `backlog`: the listen queue's length (Node's default, 511,
 * when not given).
 */
export function listenOnFreePort(server: Server, host: string, backlog?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, backlog }, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') server.close(() => reject(new Error(`a server on ${host} has no port`)));
      else resolve(address.port);
    });
  });
}
