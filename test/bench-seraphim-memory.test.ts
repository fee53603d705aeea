import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import test from 'ava';
import { openDescriptors, resident, residentOf, sampleRss } from '../bench/lib/seraphim-memory.js';

const MiB = 1024 * 1024;

/** A node child that holds `mib` MiB of touched memory once told to (a line on stdin), and says "held" when it does. */
function holder(t: import('ava').ExecutionContext, mib: number) {
  const child = spawn(process.execPath, ['-e', `process.stdin.once('data', () => { globalThis.held = Buffer.alloc(${mib} * 1024 * 1024, 1); console.log('held'); }); console.log('ready');`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  child.stdout.setEncoding('utf8');
  const line = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      let seen = '';
      const onData = (s: string): void => {
        seen += s;
        if (seen.includes(text)) {
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before "${text}"`)));
    });
  return { child, line };
}

test('resident() reads VmRSS and VmHWM in bytes, and says undefined for a process that is gone', async (t) => {
  const own = resident(process.pid);
  t.truthy(own);
  // A Node process under ava holds tens of MiB: a figure in kB read as bytes would be far below.
  t.true((own?.rss ?? 0) > 10 * MiB, `rss ${own?.rss}`);
  t.true((own?.hwm ?? 0) > 10 * MiB, `hwm ${own?.hwm}`);
  const { child } = holder(t, 1);
  const pid = child.pid as number;
  child.kill('SIGKILL');
  await once(child, 'exit');
  t.is(resident(pid), undefined);
  t.is(residentOf([process.pid, pid]), undefined, 'a sum with a missing process is missing, not partial');
});

test('sampleRss sees memory a process takes while it samples, and VmHWM keeps it', async (t) => {
  const { child, line } = holder(t, 64);
  await line('ready');
  const pid = child.pid as number;
  const before = resident(pid);
  t.truthy(before);
  const sampler = sampleRss(() => [pid]);
  child.stdin.write('go\n');
  await line('held');
  const peak = sampler.stop();
  t.true((peak ?? 0) - (before?.rss ?? 0) >= 60 * MiB, `peak ${peak} before ${before?.rss}`);
  t.true((resident(pid)?.hwm ?? 0) - (before?.rss ?? 0) >= 60 * MiB);
});

// Serial: the other tests' child processes open and close pipes, which would move the count.
test.serial('openDescriptors counts a process\'s open connections', async (t) => {
  const server = createServer();
  t.teardown(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as import('node:net').AddressInfo).port;
  const before = openDescriptors(process.pid) ?? 0;
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  const accepted: Socket[] = [];
  server.on('connection', (s) => accepted.push(s));
  t.teardown(() => accepted.forEach((s) => s.destroy()));
  for (let i = 0; i < 10; i++) {
    const s = connect(port, '127.0.0.1');
    sockets.push(s);
    await once(s, 'connect');
  }
  while (accepted.length < 10) await once(server, 'connection');
  // Each connection is two descriptors here: the client's end and the accepted end.
  const now = openDescriptors(process.pid) ?? 0;
  t.true(now - before >= 20, `${before} -> ${now}`);
});
