// SERAPHIM's connection slots per client address: one address holds at most its share, its idle
// connections make room for its new ones, and other addresses are served all along.
import type { Socket as NetSocket } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { waitFor, withLimit } from './helpers/assertions.js';
import { endedAfter, rawFrom } from './helpers/loopback-peers.js';
import { collectUntilEnd } from './helpers/raw-peer.js';
import { parseResponses, startTestServer } from './helpers/seraphim.js';

const PER_ADDRESS = 4;

/**
 * Plain HTTP SERAPHIM allowing PER_ADDRESS connections per address, with a head timeout far
 * longer than any wait of these tests: a connection it closes is closed by the slots.
 */
async function server(t: ExecutionContext) {
  const seraphim = await startTestServer(t, { httpsPort: false, maxConnectionsPerAddress: PER_ADDRESS, timeouts: { head: 60_000 } });
  return { seraphim, port: seraphim.ports.http as number };
}

/** Sends a GET on `socket` (closing after it) and resolves with the status of the answer. */
async function get(socket: NetSocket): Promise<number | undefined> {
  socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const bytes = await withLimit(collectUntilEnd(socket), 10_000, 'no complete answer');
  return parseResponses(bytes)[0]?.status;
}

test('an address at its limit: a new connection closes its oldest idle one and is served', async (t) => {
  const { seraphim, port } = await server(t);
  const idle: NetSocket[] = [];
  for (let i = 0; i < PER_ADDRESS; i++) idle.push(await rawFrom(t, port, '127.0.0.3'));
  t.true(await waitFor(() => seraphim.connections === PER_ADDRESS, 10_000, 10), `${seraphim.connections} open`);
  const oldest = endedAfter(idle[0] as NetSocket, performance.now());
  const fresh = await rawFrom(t, port, '127.0.0.3');
  t.is(await get(fresh), 200);
  await withLimit(oldest, 10_000, 'the oldest idle connection was not closed');
  // The other idle ones are still open: only one made room.
  t.true(idle.slice(1).every((socket) => !socket.destroyed && socket.readyState === 'open'));
});

test('an address at its limit with no idle connection gets 503; another address is served', async (t) => {
  const { seraphim, port } = await server(t);
  // Each sends half a request head and stops: busy, not idle (slowloris).
  for (let i = 0; i < PER_ADDRESS; i++) (await rawFrom(t, port, '127.0.0.3')).write('GET / HTTP/1.1\r\nHost: x\r\n');
  t.true(await waitFor(() => seraphim.connections === PER_ADDRESS, 10_000, 10), `${seraphim.connections} open`);
  // Another address is served; its answer also means the server has read the half heads sent
  // before its request (so they are busy now, not idle).
  t.is(await get(await rawFrom(t, port, '127.0.0.2')), 200);
  t.is(await get(await rawFrom(t, port, '127.0.0.3')), 503);
  t.is(seraphim.connections, PER_ADDRESS, 'the slow requests hold their slots, no more');
});
