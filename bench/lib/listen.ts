// Starting a benchmark's own server (node:http, node:https, node:tls) on a free loopback port.
import type { AddressInfo, Server } from 'node:net';

/**
 * Makes `server` listen on `host`, on a port the system picks, and resolves with that port;
 * rejects when the listen fails.
 */
export async function listenOnFreePort(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
