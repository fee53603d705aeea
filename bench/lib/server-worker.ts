/** The worker thread of `--worker`: runs server sides on request from bench/lib/host.ts. */
import { parentPort } from 'node:worker_threads';
import { startServer, type FromWorker, type ToWorker } from './host.js';
import type { ServerRole } from './peers.js';

const port = parentPort;
if (port === null) throw new Error('server-worker.ts runs only as a worker thread');
const roles = new Map<number, ServerRole<unknown>>();
const send = (msg: FromWorker): void => port.postMessage(msg);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'abort') {
    roles.get(msg.id)?.abort();
    return;
  }
  startServer(msg.spec).then(
    (role) => {
      roles.set(msg.id, role);
      send({ type: 'ready', id: msg.id, port: role.port });
      role.result.then(
        (result) => send({ type: 'done', id: msg.id, result }),
        (err: unknown) => send({ type: 'error', id: msg.id, message: String(err) }),
      ).finally(() => roles.delete(msg.id));
    },
    (err: unknown) => send({ type: 'error', id: msg.id, message: String(err) }),
  );
});
