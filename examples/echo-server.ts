/**
 * A ported echo server: every byte a client sends comes back to it.
 *
 * Run it (from the repository root):
 *
 *   npx tsx examples/echo-server.ts            # 127.0.0.1:4000
 *   npx tsx examples/echo-server.ts --port 5000
 *   PORT=0 npx tsx examples/echo-server.ts     # any free port; the line it prints says which
 *
 * then talk to it with `npx tsx examples/echo-client.ts 127.0.0.1 4000 hello` (or `nc 127.0.0.1
 * 4000`). Ctrl-C (SIGINT) or SIGTERM closes the server socket and every connection, then exits 0.
 *
 * The Pick BASIC it ports (one client at a time there; here every connection is served at once):
 *
 *   SRVR = CREATE.SERVER.SOCKET("127.0.0.1", 4000, SKT$BLOCKING)
 *   IF STATUS() THEN STOP 'cannot listen'
 *   LOOP
 *      SKT = ACCEPT.SOCKET.CONNECTION(SRVR, 0)
 *      LOOP
 *         DATA = READ.SOCKET(SKT, 4096, 0, 0)
 *      UNTIL STATUS() DO
 *         N = WRITE.SOCKET(SKT, DATA, 0, 0)
 *      REPEAT
 *      CLOSE.SOCKET SKT
 *   REPEAT
 */
import {
  acceptSocket,
  closeSocket,
  createServerSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  socketInfo,
  SocketError,
  writeSocket,
  type Socket,
} from 'scarlet-sockets';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 4000;

/** The port from `--port N` (or `--port=N`), else `$PORT`, else 4000. Port 0 picks a free one. */
function portFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let text: string | undefined = env.PORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--port') text = argv[++i];
    else if (arg.startsWith('--port=')) text = arg.slice('--port='.length);
  }
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`echo server: bad port ${JSON.stringify(text)} (use --port 0..65535)`);
    process.exit(2);
  }
  return port;
}

/** True for the error that ends a connection normally: the peer (or we) closed it. */
function isClosed(err: unknown): boolean {
  return err instanceof SocketError && err.code === 'ER$SKT_CLOSED';
}

/** Echoes one connection until the peer closes it (ER$SKT_CLOSED), then closes our side. */
async function serve(skt: Socket, open: Set<Socket>): Promise<void> {
  open.add(skt);
  try {
    for (;;) {
      // Blocking (the server socket was made with SKT$BLOCKING), no time limit (0).
      const data = await readSocket(skt, 4096, 0, 0);
      await writeSocket(skt, data, 0, 0);
    }
  } catch (err) {
    if (!isClosed(err)) console.error(`echo server: connection ended: ${(err as Error).message}`);
  } finally {
    open.delete(skt);
    await closeSocket(skt);
  }
}

async function main(): Promise<void> {
  const srvr = await createServerSocket(HOST, portFromArgs(process.argv.slice(2), process.env), SKT$BLOCKING);
  console.log(`echo server listening on ${HOST}:${socketInfo(srvr, SKT$INFO_PORT)}`);

  const open = new Set<Socket>();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Closing the server socket ends the accept loop below; the accepted sockets are ours to close.
    void closeSocket(srvr)
      .then(() => Promise.all([...open].map((skt) => closeSocket(skt))))
      .then(() => {
        console.log('echo server stopped');
        process.exit(0);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  // Runs until the server socket is closed: acceptSocket then fails with ER$SKT_CLOSED.
  for (;;) {
    let skt: Socket;
    try {
      skt = await acceptSocket(srvr);
    } catch (err) {
      if (isClosed(err)) return;
      throw err;
    }
    void serve(skt, open); // not awaited: every connection is served at once
  }
}

main().catch((err: unknown) => {
  console.error('echo server:', err instanceof Error ? err.message : err);
  process.exit(1);
});
