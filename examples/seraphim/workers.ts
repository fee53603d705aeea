// --workers N: the primary process forks N workers on node:cluster; they share the listening
// ports and one set of session ticket keys (so a session resumes whichever worker gets it). The
// primary owns the keys: a worker gets them in its environment when forked, and every change
// (a rotation, a reread --ticket-keys file) in a message, which a worker still starting gets
// once it listens.
// A worker that dies is replaced; SIGTERM and SIGINT are passed on to the workers, and a reload
// (SIGHUP) to each worker once it listens: a worker still starting has no handler for SIGHUP yet,
// whose default action would end it.
import cluster, { type Worker } from 'node:cluster';
import { randomTicketKeys, TICKET_KEYS_BYTES } from './ticket-keys.js';

/** The environment variable that carries the shared ticket keys (base64, 48 bytes) to workers. */
export const TICKET_KEYS_ENV = 'SERAPHIM_TICKET_KEYS';

/** What the primary tells a worker when the ticket keys change. */
export interface TicketKeysMessage {
  seraphim: 'ticket-keys';
  /** base64, 48 bytes */
  keys: string;
}

/** What a worker tells the primary once it listens. */
export interface ListeningMessage {
  seraphim: 'listening';
  urls: string[];
}

/** More restarts than this within RESTART_WINDOW_MS and the primary gives up (a crash loop). */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 60_000;
/** Workers get this long to stop gracefully before they are killed. */
const STOP_TIMEOUT_MS = 6_000;

/** The running primary. */
export interface Primary {
  /** Passes a reload (SIGHUP) on to every worker: now to those that listen, to the others once they do. */
  reload(): void;
  /** Gives every worker new ticket keys: now to those that listen, to the others once they do, to later ones at fork. */
  setTicketKeys(keys: Buffer): void;
}

/**
 * Runs the cluster primary.
 *
 * @param onListening - called once, with the URLs of the first worker that listens
 * @param onWorkerListening - called each time a worker (a first one or a replacement) listens
 * @param ticketKeys - the workers' first ticket keys (48 bytes)
 * @param drainMs - how long a worker may drain before its graceful stop (its --drain-delay)
 */
export function runPrimary(
  count: number,
  onListening: (urls: string[]) => void,
  log: (line: string) => void,
  onWorkerListening: (pid: number | undefined) => void = () => undefined,
  ticketKeys: Buffer = randomTicketKeys(),
  drainMs = 0,
): Primary {
  const env = { [TICKET_KEYS_ENV]: ticketKeys.toString('base64') };
  /** Workers forked with older keys than env's, which get the current ones once they listen. */
  const keysOnListening = new Set<Worker>();
  const sendKeys = (worker: Worker): void => {
    worker.send({ seraphim: 'ticket-keys', keys: env[TICKET_KEYS_ENV] } satisfies TicketKeysMessage);
  };
  let stopping = false;
  let exitStatus = 0;
  let announced = false;
  const restarts: number[] = [];
  /** Workers that listen, and so have their SIGHUP handler. */
  const listening = new Set<Worker>();
  /** Workers still starting that were due a reload meanwhile. */
  const reloadOnListening = new Set<Worker>();

  const fork = (): Worker => {
    const worker = cluster.fork(env);
    worker.on('message', (message: Partial<ListeningMessage>) => {
      if (message?.seraphim !== 'listening') return;
      listening.add(worker);
      if (keysOnListening.delete(worker)) sendKeys(worker);
      if (reloadOnListening.delete(worker)) worker.process.kill('SIGHUP');
      if (!announced) {
        announced = true;
        onListening(message.urls ?? []);
      }
      onWorkerListening(worker.process.pid);
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker);
    reloadOnListening.delete(worker);
    keysOnListening.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitStatus);
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && (restarts[0] as number) < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      log(`seraphim: workers keep dying (${restarts.length} in a minute); stopping`);
      stop(1);
      return;
    }
    log(`seraphim: worker ${worker.process.pid} died (${signal ?? code}); starting another`);
    fork();
  });

  const stop = (exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    exitStatus = exitCode;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of workers) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
      process.exit(exitCode);
    }, drainMs + STOP_TIMEOUT_MS).unref();
  };

  /** Does `act` now to every worker that listens; marks the others in `onListening`, for the listening handler. */
  const toEveryWorker = (act: (worker: Worker) => void, onListening: Set<Worker>): void => {
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker === undefined) continue;
      if (listening.has(worker)) act(worker);
      else onListening.add(worker);
    }
  };

  process.on('SIGTERM', () => stop());
  process.on('SIGINT', () => stop());
  for (let i = 0; i < count; i++) fork();
  return {
    reload(): void {
      toEveryWorker((worker) => worker.process.kill('SIGHUP'), reloadOnListening);
    },
    setTicketKeys(keys: Buffer): void {
      env[TICKET_KEYS_ENV] = keys.toString('base64');
      toEveryWorker(sendKeys, keysOnListening);
    },
  };
}

/** The ticket keys a worker was given, if it is one. */
export function sharedTicketKeys(): Buffer | undefined {
  const value = process.env[TICKET_KEYS_ENV];
  if (!cluster.isWorker || value === undefined) return undefined;
  return decodeTicketKeys(value);
}

/** In a worker: calls `apply` with each set of ticket keys the primary sends from now on. */
export function onTicketKeysFromPrimary(apply: (keys: Buffer) => void): void {
  if (!cluster.isWorker) return;
  process.on('message', (message: Partial<TicketKeysMessage>) => {
    if (message?.seraphim !== 'ticket-keys' || typeof message.keys !== 'string') return;
    const keys = decodeTicketKeys(message.keys);
    if (keys !== undefined) apply(keys);
  });
}

/** Ticket keys as the primary sends them (base64), or undefined when they are not 48 bytes. */
function decodeTicketKeys(base64: string): Buffer | undefined {
  const keys = Buffer.from(base64, 'base64');
  return keys.length === TICKET_KEYS_BYTES ? keys : undefined;
}

/** In a worker: tells the primary it listens. */
export function announceListening(urls: string[]): void {
  if (cluster.isWorker && process.send !== undefined) process.send({ seraphim: 'listening', urls } satisfies ListeningMessage);
}
