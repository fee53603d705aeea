/**
 * Where the server side of a benchmark runs: in the main thread next to the client side (the
 * default), or in a worker thread (`--worker`). Both variants always run in the same place.
 */
import { Worker } from 'node:worker_threads';
import { startBulkReceiver, startEchoServer, type PingPongVariant, type ServerRole, type Variant } from './peers.js';
import type { TlsMaterial } from './tls-material.js';

/** A server side to start; with `tls`, over TLS with that certificate (PEM, so it crosses to a worker). */
export type ServerSpec =
  | { kind: 'bulk'; variant: Variant; maxBytes: number; tls?: TlsMaterial }
  | { kind: 'echo'; variant: PingPongVariant; connections: number; messageSize: number; maxEchoes: number; tls?: TlsMaterial };

/** Messages to the worker. */
export type ToWorker = { type: 'start'; id: number; spec: ServerSpec } | { type: 'abort'; id: number };
/** Messages from the worker. */
export type FromWorker =
  | { type: 'ready'; id: number; port: number }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string };

export interface ServerHost {
  readonly where: 'main thread' | 'worker thread';
  start(spec: ServerSpec): Promise<ServerRole<unknown>>;
  close(): Promise<void>;
}

/** Starts a server side in this thread. */
export async function startServer(spec: ServerSpec): Promise<ServerRole<unknown>> {
  const role: ServerRole<unknown> =
    spec.kind === 'bulk'
      ? await startBulkReceiver(spec.variant, spec.maxBytes, spec.tls)
      : await startEchoServer(spec.variant, spec.connections, spec.messageSize, spec.maxEchoes, spec.tls);
  // A failure before the round awaits the result is reported there, not as an unhandled rejection.
  role.result.catch(() => undefined);
  return role;
}

export function inProcessHost(): ServerHost {
  return { where: 'main thread', start: startServer, close: async () => undefined };
}

/** A host whose server sides run in one worker thread, one at a time or several. */
export async function workerHost(): Promise<ServerHost> {
  // On Node 20 a worker does not run the parent's `--import tsx` loader: it registers tsx itself
  // before importing its TypeScript entry.
  const entry = new URL('./server-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true });
  const pending = new Map<number, { ready: (port: number) => void; done: (result: unknown) => void; fail: (err: Error) => void }>();
  let nextId = 1;
  let exited = false;
  worker.on('message', (msg: FromWorker) => {
    const entry = pending.get(msg.id);
    if (entry === undefined) return;
    if (msg.type === 'ready') entry.ready(msg.port);
    else if (msg.type === 'done') {
      pending.delete(msg.id);
      entry.done(msg.result);
    } else {
      pending.delete(msg.id);
      entry.fail(new Error(`server worker: ${msg.message}`));
    }
  });
  const failAll = (err: Error): void => {
    exited = true;
    for (const entry of pending.values()) entry.fail(err);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`server worker exited with code ${code}`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  return {
    where: 'worker thread',
    start(spec) {
      if (exited) return Promise.reject(new Error('server worker is gone'));
      const id = nextId++;
      return new Promise((resolveStart, rejectStart) => {
        let resolveResult!: (value: unknown) => void;
        let rejectResult!: (err: Error) => void;
        const result = new Promise<unknown>((res, rej) => {
          resolveResult = res;
          rejectResult = rej;
        });
        result.catch(() => undefined); // reported through start() until the role exists
        let started = false;
        pending.set(id, {
          ready: (port) => {
            started = true;
            resolveStart({ port, result, abort: () => worker.postMessage({ type: 'abort', id } satisfies ToWorker) });
          },
          done: resolveResult,
          fail: (err) => {
            if (!started) rejectStart(err);
            rejectResult(err);
          },
        });
        worker.postMessage({ type: 'start', id, spec } satisfies ToWorker);
      });
    },
    async close() {
      if (!exited) await worker.terminate();
    },
  };
}
