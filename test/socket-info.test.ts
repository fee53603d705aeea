import test from 'ava';
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  ER$BAD_KEY,
  openSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$INFO_BLOCKING,
  SKT$INFO_DROPPED,
  SKT$INFO_FAMILY,
  SKT$INFO_FAMILY_IPV4,
  SKT$INFO_IP_ADDR,
  SKT$INFO_KEEP_ALIVE,
  SKT$INFO_LOCAL_ADDR,
  SKT$INFO_LOCAL_PORT,
  SKT$INFO_NO_DELAY,
  SKT$INFO_OPEN,
  SKT$INFO_PEER_ADDR,
  SKT$INFO_PEER_PORT,
  SKT$INFO_PORT,
  SKT$INFO_QUEUED,
  SKT$INFO_TYPE,
  SKT$INFO_TYPE_INCOMING,
  SKT$INFO_TYPE_OUTGOING,
  SKT$INFO_TYPE_SERVER,
  SKT$UDP,
  setSocketMode,
  socketInfo,
  writeSocket,
  type SocketInfoKey,
  type SocketModeKey,
} from '../lib/index.js';
import { expectSocketError } from './helpers/assertions.js';
import { connectedPair, listen } from './helpers/sockets.js';

const UNKNOWN_KEY = 99;

test('every key of a TCP server socket', async (t) => {
  const { server, port } = await listen(t, SKT$BLOCKING);
  t.true(port > 0);
  t.is(socketInfo(server, SKT$INFO_OPEN), true);
  t.is(socketInfo(server, SKT$INFO_TYPE), SKT$INFO_TYPE_SERVER);
  t.is(socketInfo(server, SKT$INFO_PORT), port);
  t.is(socketInfo(server, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(server, SKT$INFO_BLOCKING), true);
  t.is(socketInfo(server, SKT$INFO_NO_DELAY), false);
  t.is(socketInfo(server, SKT$INFO_KEEP_ALIVE), false);
  t.is(socketInfo(server, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV4);
  t.is(socketInfo(server, SKT$INFO_LOCAL_ADDR), '127.0.0.1');
  t.is(socketInfo(server, SKT$INFO_LOCAL_PORT), port);
  t.is(socketInfo(server, SKT$INFO_QUEUED), 0);
  t.is(socketInfo(server, SKT$INFO_DROPPED), 0);
  // A TCP server has no "last sender": the UDP-only keys are keys it does not have.
  await expectSocketError(t, () => socketInfo(server, SKT$INFO_PEER_ADDR), ER$BAD_KEY);
  await expectSocketError(t, () => socketInfo(server, SKT$INFO_PEER_PORT), ER$BAD_KEY);
});

test('every key of an accepted and an opened socket', async (t) => {
  const { client, accepted, port } = await connectedPair(t, SKT$BLOCKING);
  const clientPort = socketInfo(client, SKT$INFO_LOCAL_PORT);
  t.true(clientPort > 0 && clientPort !== port);

  t.is(socketInfo(accepted, SKT$INFO_OPEN), true);
  t.is(socketInfo(accepted, SKT$INFO_TYPE), SKT$INFO_TYPE_INCOMING);
  t.is(socketInfo(accepted, SKT$INFO_PORT), clientPort);
  t.is(socketInfo(accepted, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(accepted, SKT$INFO_BLOCKING), true); // inherited from the server's SKT$BLOCKING
  t.is(socketInfo(accepted, SKT$INFO_NO_DELAY), false);
  t.is(socketInfo(accepted, SKT$INFO_KEEP_ALIVE), false);
  t.is(socketInfo(accepted, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV4);
  t.is(socketInfo(accepted, SKT$INFO_LOCAL_ADDR), '127.0.0.1');
  t.is(socketInfo(accepted, SKT$INFO_LOCAL_PORT), port);

  t.is(socketInfo(client, SKT$INFO_OPEN), true);
  t.is(socketInfo(client, SKT$INFO_TYPE), SKT$INFO_TYPE_OUTGOING);
  t.is(socketInfo(client, SKT$INFO_PORT), port);
  t.is(socketInfo(client, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(client, SKT$INFO_BLOCKING), true);
  t.is(socketInfo(client, SKT$INFO_NO_DELAY), false);
  t.is(socketInfo(client, SKT$INFO_KEEP_ALIVE), false);
  t.is(socketInfo(client, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV4);
  t.is(socketInfo(client, SKT$INFO_LOCAL_ADDR), '127.0.0.1');

  // The accept-queue and UDP keys belong to other kinds of socket.
  for (const skt of [accepted, client]) {
    for (const key of [SKT$INFO_QUEUED, SKT$INFO_DROPPED, SKT$INFO_PEER_ADDR, SKT$INFO_PEER_PORT] as const) {
      await expectSocketError(t, () => socketInfo(skt, key), ER$BAD_KEY);
    }
  }
});

test('SKT$INFO_BLOCKING follows the open flags and setSocketMode', async (t) => {
  // No SKT$BLOCKING anywhere: ScarletDME's non-blocking default.
  const { server, port } = await listen(t, 0);
  t.false(socketInfo(server, SKT$INFO_BLOCKING));
  const client = await openSocket('127.0.0.1', port);
  t.teardown(() => closeSocket(client));
  const accepted = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));
  t.false(socketInfo(client, SKT$INFO_BLOCKING));
  t.false(socketInfo(accepted, SKT$INFO_BLOCKING));

  t.true(setSocketMode(client, SKT$INFO_BLOCKING, 1));
  t.true(socketInfo(client, SKT$INFO_BLOCKING));
  // The switched mode is what reads use: this flags-0 read waits for the write below.
  const read = readSocket(client, 10, 0, 5000);
  await writeSocket(accepted, 'late', SKT$BLOCKING, 5000);
  t.is(await read, 'late');
  setSocketMode(client, SKT$INFO_BLOCKING, false);
  t.false(socketInfo(client, SKT$INFO_BLOCKING));

  // On a server socket it is the default of the sockets accepted from then on.
  setSocketMode(server, SKT$INFO_BLOCKING, 1);
  t.true(socketInfo(server, SKT$INFO_BLOCKING));
  const client2 = await openSocket('127.0.0.1', port);
  t.teardown(() => closeSocket(client2));
  const accepted2 = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted2));
  t.true(socketInfo(accepted2, SKT$INFO_BLOCKING));
});

test('setSocketMode NO_DELAY and KEEP_ALIVE toggles show in socketInfo', async (t) => {
  const { client, accepted } = await connectedPair(t);
  for (const skt of [client, accepted]) {
    for (const key of [SKT$INFO_NO_DELAY, SKT$INFO_KEEP_ALIVE] as const) {
      t.false(socketInfo(skt, key));
      t.true(setSocketMode(skt, key, 1));
      t.true(socketInfo(skt, key));
      setSocketMode(skt, key, 0);
      t.false(socketInfo(skt, key));
      setSocketMode(skt, key, true);
      t.true(socketInfo(skt, key));
    }
  }
  // The socket still carries data with both options on.
  await writeSocket(client, 'ping', SKT$BLOCKING, 5000);
  t.is(await readSocket(accepted, 10, SKT$BLOCKING, 5000), 'ping');
});

test('NO_DELAY and KEEP_ALIVE set on a server socket apply to the sockets it accepts', async (t) => {
  const { server, port } = await listen(t);
  setSocketMode(server, SKT$INFO_NO_DELAY, 1);
  setSocketMode(server, SKT$INFO_KEEP_ALIVE, 1);
  t.true(socketInfo(server, SKT$INFO_NO_DELAY));
  t.true(socketInfo(server, SKT$INFO_KEEP_ALIVE));
  const client = await openSocket('127.0.0.1', port, SKT$BLOCKING);
  t.teardown(() => closeSocket(client));
  const accepted = await acceptSocket(server, 5000);
  t.teardown(() => closeSocket(accepted));
  t.true(socketInfo(accepted, SKT$INFO_NO_DELAY));
  t.true(socketInfo(accepted, SKT$INFO_KEEP_ALIVE));
  t.false(socketInfo(client, SKT$INFO_NO_DELAY)); // the client side is its own
});

test('every key of a UDP socket', async (t) => {
  const server = await createServerSocket('127.0.0.1', 0, SKT$UDP | SKT$BLOCKING);
  t.teardown(() => closeSocket(server));
  const port = socketInfo(server, SKT$INFO_PORT);
  t.true(port > 0);
  const client = await openSocket('127.0.0.1', port, SKT$UDP);
  t.teardown(() => closeSocket(client));

  t.is(socketInfo(server, SKT$INFO_OPEN), true);
  t.is(socketInfo(server, SKT$INFO_TYPE), SKT$INFO_TYPE_SERVER);
  t.is(socketInfo(server, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(server, SKT$INFO_LOCAL_ADDR), '127.0.0.1');
  t.is(socketInfo(server, SKT$INFO_LOCAL_PORT), port);
  t.is(socketInfo(server, SKT$INFO_BLOCKING), true);
  t.is(socketInfo(server, SKT$INFO_FAMILY), SKT$INFO_FAMILY_IPV4);
  t.is(socketInfo(server, SKT$INFO_DROPPED), 0);
  t.is(socketInfo(server, SKT$INFO_PEER_ADDR), ''); // nothing read yet
  t.is(socketInfo(server, SKT$INFO_PEER_PORT), 0);

  t.is(socketInfo(client, SKT$INFO_TYPE), SKT$INFO_TYPE_OUTGOING);
  t.is(socketInfo(client, SKT$INFO_PORT), port);
  t.is(socketInfo(client, SKT$INFO_IP_ADDR), '127.0.0.1');
  t.is(socketInfo(client, SKT$INFO_BLOCKING), false);
  t.true(socketInfo(client, SKT$INFO_LOCAL_PORT) > 0);

  await writeSocket(client, 'who', SKT$BLOCKING, 5000);
  t.is(await readSocket(server, 100, SKT$BLOCKING, 5000), 'who');
  t.is(socketInfo(server, SKT$INFO_PEER_ADDR), '127.0.0.1');
  t.is(socketInfo(server, SKT$INFO_PEER_PORT), socketInfo(client, SKT$INFO_LOCAL_PORT));
});

test('SKT$INFO_OPEN is false for values that are not sockets', (t) => {
  for (const value of [undefined, null, 0, '', {}, [], 'socket', { type: 3, secure: false, closed: false }]) {
    t.false(socketInfo(value, SKT$INFO_OPEN), `for ${JSON.stringify(value)}`);
  }
});

test('any other key on a value that is not a socket is a TypeError', (t) => {
  for (const value of [undefined, null, 0, '', {}]) {
    t.throws(() => socketInfo(value, SKT$INFO_PORT), { instanceOf: TypeError });
  }
});

test('SKT$INFO_OPEN is false after closeSocket, for every kind of socket', async (t) => {
  const { client, accepted, server } = await connectedPair(t);
  const udp = await createServerSocket('127.0.0.1', 0, SKT$UDP);
  t.teardown(() => closeSocket(udp));
  for (const skt of [client, accepted, server, udp]) {
    t.true(socketInfo(skt, SKT$INFO_OPEN));
    await closeSocket(skt);
    t.false(socketInfo(skt, SKT$INFO_OPEN));
    await closeSocket(skt); // twice is harmless
    t.false(socketInfo(skt, SKT$INFO_OPEN));
  }
  // Addresses are still told after the close.
  t.is(socketInfo(accepted, SKT$INFO_IP_ADDR), '127.0.0.1');
});

test('an unknown key gives ER$BAD_KEY from setSocketMode and socketInfo', async (t) => {
  const { client, accepted, server } = await connectedPair(t);
  const udp = await createServerSocket('127.0.0.1', 0, SKT$UDP);
  t.teardown(() => closeSocket(udp));
  for (const skt of [client, accepted, server, udp]) {
    await expectSocketError(t, () => socketInfo(skt, UNKNOWN_KEY as SocketInfoKey), ER$BAD_KEY);
    await expectSocketError(t, () => setSocketMode(skt, UNKNOWN_KEY as SocketModeKey, 1), ER$BAD_KEY);
    // A key socketInfo knows but setSocketMode cannot set.
    await expectSocketError(t, () => setSocketMode(skt, SKT$INFO_PORT as SocketModeKey, 1), ER$BAD_KEY);
  }
});
