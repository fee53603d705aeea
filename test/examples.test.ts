import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_TSX = ['--import', 'tsx'];
/** How long an example may take to start (tsx compiles it first). */
const START_TIMEOUT = 30_000;

/** Resolves with the port from the server's `echo server listening on 127.0.0.1:<port>` line. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => done(new Error(`no listening line within ${START_TIMEOUT} ms; stdout: ${out}`)), START_TIMEOUT);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const match = /echo server listening on 127\.0\.0\.1:(\d+)\n/.exec(out);
      if (match) done(undefined, Number(match[1]));
    };
    const onExit = (code: number | null): void => done(new Error(`the server exited (${code}) before listening; stdout: ${out}`));
    function done(err?: Error, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(port as number);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

test('the echo server example echoes the echo client example and stops on SIGTERM', async (t) => {
  const server = spawn(process.execPath, [...NODE_TSX, 'examples/echo-server.ts', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // Whatever happens, the server this test started does not outlive it.
  t.teardown(() => {
    if (server.exitCode === null && server.signalCode === null && server.pid !== undefined) process.kill(server.pid, 'SIGKILL');
  });

  const port = await listeningPort(server);
  t.true(port > 0);

  const message = 'hello from ava, ünïcödé too';
  const client = await run(process.execPath, [...NODE_TSX, 'examples/echo-client.ts', '127.0.0.1', String(port), message], {
    cwd: ROOT,
    timeout: START_TIMEOUT,
  });
  t.is(client.stdout, `${message}\n`);

  t.truthy(server.pid);
  process.kill(server.pid as number, 'SIGTERM');
  const [code, signal] = await exited;
  t.is(signal, null);
  t.is(code, 0, stderr);
});
