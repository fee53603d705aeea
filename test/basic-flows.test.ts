// How a flow's status follows its code in scarlet-sockets/basic: through every await, then() and
// subroutine, however the flows' calls interleave; not into timer callbacks (documented in
// docs/porting.md); and beside a program's own AsyncLocalStorage.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import {
  ER$CONNECT,
  ER$TIMEOUT,
  openSocket,
  phantom,
  readSocket,
  SKT$BLOCKING,
  SKT$NON_BLOCKING,
  status,
  writeSocket,
  type BasicSocket,
} from '../lib/basic/index.js';
import { basicPair, closedPort } from './helpers/sockets.js';

// The main flow's status is shared by every test of this file that runs outside a phantom.
const serial = test.serial;

/** A BASIC-style subroutine: the caller reads status() after awaiting it, two awaits away from the call. */
async function readVia(skt: BasicSocket, flags: number): Promise<string> {
  const data = await readSocket(skt, 1, flags, 0);
  await sleep(0);
  return data;
}

serial('status() follows each phantom through subroutines, then() and timers however the flows interleave', async (t) => {
  const { client, accepted } = await basicPair(t);
  const rounds = 100;
  // Enough bytes for every succeeding read, sent before the flows start.
  await writeSocket(client, 'x'.repeat(rounds), SKT$BLOCKING, 0);
  const seen: string[] = [];
  const flows: Promise<void>[] = [];
  for (let i = 0; i < rounds; i++) {
    // A non-blocking read of the client (nothing is sent to it) fails at once with 1011; a blocking
    // read of the accepted socket succeeds. The two kinds alternate and settle in between each other.
    const fails = i % 2 === 0;
    flows.push(
      phantom(async () => {
        await sleep(i % 3);
        await readVia(fails ? client : accepted, fails ? SKT$NON_BLOCKING : SKT$BLOCKING);
        const afterSubroutine = status();
        const inThen = await readSocket(fails ? client : accepted, fails ? 1 : 0, SKT$NON_BLOCKING, 0).then(() => status());
        seen.push(`${fails ? 'failing' : 'succeeding'} ${afterSubroutine} ${inThen}`);
      }),
    );
  }
  await Promise.all(flows);
  const expected = Array.from({ length: rounds }, (_, i) => (i % 2 === 0 ? `failing ${ER$TIMEOUT} ${ER$TIMEOUT}` : 'succeeding 0 0'));
  t.deepEqual(seen.sort(), expected.sort());
});

serial('a callback handed to a timer runs in the main flow; a phantom started there has its own status', async (t) => {
  const { client } = await basicPair(t);
  await openSocket('127.0.0.1', await closedPort(), 0);
  t.is(status(), ER$CONNECT, 'the main flow failed to connect');
  const inCallback = await phantom(async () => {
    await readSocket(client, 1, SKT$NON_BLOCKING, 0);
    t.is(status(), ER$TIMEOUT, "the phantom's own status");
    return new Promise<number[]>((resolve) => {
      setTimeout(() => {
        const main = status();
        void phantom(async () => {
          await readSocket(client, 1, SKT$NON_BLOCKING, 0);
          resolve([main, status()]);
        });
      }, 1);
    });
  });
  t.deepEqual(inCallback, [ER$CONNECT, ER$TIMEOUT]);
  t.is(status(), ER$CONNECT, 'the main flow is untouched');
});

serial("phantoms leave a program's own AsyncLocalStorage working, and it theirs", async (t) => {
  const { client, accepted } = await basicPair(t);
  await writeSocket(client, 'ab', SKT$BLOCKING, 0);
  const requests = new AsyncLocalStorage<string>();
  const results = await Promise.all(
    ['one', 'two'].map((id) =>
      requests.run(id, () =>
        phantom(async () => {
          await readSocket(id === 'one' ? accepted : client, 1, id === 'one' ? SKT$BLOCKING : SKT$NON_BLOCKING, 0);
          await sleep(1);
          return `${requests.getStore()} ${status()}`;
        }),
      ),
    ),
  );
  t.deepEqual(results, ['one 0', `two ${ER$TIMEOUT}`]);
});
