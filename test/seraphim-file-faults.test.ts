// A file that changes under a response in flight: truncated or removed while SERAPHIM streams it
// from disk. The connection ends cleanly (the whole file, or fewer bytes than promised and then
// the close, never bytes that were not in the file), nothing crashes, and others are served.
import { randomBytes } from 'node:crypto';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { readSocketBuffer, SKT$BLOCKING, writeSocket } from '../lib/index.js';
import { exchange, rawClient, readAll, startTestServer, tempDir } from './helpers/seraphim.js';

const MiB = 1024 * 1024;
/** Larger than the file cache keeps in memory and than the kernel's socket buffers hold. */
const SIZE = 32 * MiB;

async function startStreaming(t: Parameters<typeof startTestServer>[0], change: (path: string) => void): Promise<{ body: Buffer; head: string; closed: boolean; file: Buffer; errors: unknown[] }> {
  const root = tempDir(t);
  const file = randomBytes(SIZE);
  const path = join(root, 'big.bin');
  writeFileSync(path, file);
  writeFileSync(join(root, 'index.html'), 'still here');
  const errors: unknown[] = [];
  const server = await startTestServer(t, { root, httpsPort: false, onError: (err) => errors.push(err) });
  const port = server.ports.http as number;
  const skt = await rawClient(t, port);
  await writeSocket(skt, 'GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n', SKT$BLOCKING, 5000);
  // The response has begun; the client stops reading while the file changes under it.
  const first = await readSocketBuffer(skt, 65536, SKT$BLOCKING, 10_000);
  change(path);
  const rest = await readAll(skt, 20_000);
  const all = Buffer.concat([first, rest.bytes]);
  const split = all.indexOf('\r\n\r\n');
  const next = await exchange(t, port, 'GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.is(next.responses[0]?.status, 200, 'another client is served after the change');
  return { head: all.subarray(0, split).toString('latin1'), body: all.subarray(split + 4), closed: rest.closed, file, errors };
}

test('a file truncated while it is sent: fewer bytes than promised, all of them the file\'s, then the close', async (t) => {
  const { head, body, closed, file, errors } = await startStreaming(t, (path) => truncateSync(path, MiB));
  t.regex(head, new RegExp(`^HTTP/1\\.1 200 [^]*\\r\\ncontent-length: ${SIZE}`, 'i'));
  t.true(closed, 'the server closed a connection whose promised length it could not send');
  t.true(body.length < SIZE, `got ${body.length} bytes of a file cut to ${MiB}`);
  t.true(body.equals(file.subarray(0, body.length)), 'every byte sent is the file\'s, in order');
  t.log(`sent ${body.length} bytes; reported: ${errors.map(String).join('; ') || 'nothing'}`);
});

test('a file removed while it is sent: the open file is sent whole', async (t) => {
  const { body, file } = await startStreaming(t, (path) => rmSync(path));
  t.is(body.length, SIZE);
  t.true(body.equals(file));
});
