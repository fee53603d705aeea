// File reads are bounded server-wide (examples/seraphim/http/file-reads.ts): at most half of
// libuv's thread pool reads files at once, so that the lookups of other requests (stat, open,
// realpath) never wait behind every large download.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { SKT$BLOCKING, writeSocket } from '../lib/index.js';
import { FileReadGate, fileReads } from '../examples/seraphim/http/file-reads.js';
import { parseResponses, rawClient, readAll, startTestServer, tempDir } from './helpers/seraphim.js';

const MiB = 1024 * 1024;

/** A read the test finishes by hand. */
function deferred(): { promise: Promise<string>; resolve: (value: string) => void; reject: (err: Error) => void } {
  let resolve!: (value: string) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<string>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

test('FileReadGate runs at most max reads at once, the others in their order; a failed read gives its room on', async (t) => {
  const gate = new FileReadGate(2);
  const reads = Array.from({ length: 5 }, () => deferred());
  const started: number[] = [];
  const results = reads.map((read, i) =>
    gate.run(() => {
      started.push(i);
      return read.promise;
    }),
  );
  // Let every run reach its read, or its place in the queue.
  await Promise.resolve();
  t.deepEqual(started, [0, 1]);
  t.is(gate.running, 2);
  t.is(gate.waiting, 3);
  reads[1]?.reject(new Error('EIO'));
  await t.throwsAsync(results[1] as Promise<string>, { message: 'EIO' });
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(started, [0, 1, 2], 'the failed read handed its room to the next');
  t.is(gate.running, 2);
  reads[0]?.resolve('a');
  reads[2]?.resolve('c');
  t.is(await results[0], 'a');
  t.is(await results[2], 'c');
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(started, [0, 1, 2, 3, 4]);
  reads[3]?.resolve('d');
  reads[4]?.resolve('e');
  t.deepEqual(await Promise.all([results[3], results[4]]), ['d', 'e']);
  t.is(gate.running, 0);
  t.is(gate.waiting, 0);
  t.deepEqual(gate.counts, { reads: 5, peak: 2 });
  t.throws(() => new FileReadGate(0), { instanceOf: RangeError });
});

test('the reads of streamed files all go through the server-wide gate, never more at once than half the thread pool', async (t) => {
  const root = tempDir(t);
  // Larger than memoryFileSize: streamed from disk, 64 KiB at a time.
  const size = 4 * MiB;
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(size, 0x62));
  const server = await startTestServer(t, { httpsPort: false, root });
  const port = server.ports.http as number;
  const before = fileReads.counts.reads;
  const downloads = Array.from({ length: 8 }, async () => {
    const skt = await rawClient(t, port);
    await writeSocket(skt, 'GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', SKT$BLOCKING, 10_000);
    return parseResponses((await readAll(skt, 30_000)).bytes)[0];
  });
  for (const response of await Promise.all(downloads)) {
    t.is(response?.status, 200);
    t.is(response?.body.length, size);
    t.true(response?.body.every((byte) => byte === 0x62));
  }
  t.true(fileReads.counts.reads - before >= 8 * (size / (64 * 1024)), `${fileReads.counts.reads - before} reads through the gate`);
  t.true(fileReads.counts.peak <= fileReads.max, `at most ${fileReads.max} at once (peak ${fileReads.counts.peak})`);
});
