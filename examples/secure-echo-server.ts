/**
 * The echo server over TLS: every byte a client sends comes back to it, encrypted.
 *
 * Run it (from the repository root):
 *
 *   npx tsx examples/secure-echo-server.ts                # 127.0.0.1:4443
 *   npx tsx examples/secure-echo-server.ts --port 0       # any free port; the line it prints says which
 *   npx tsx examples/secure-echo-server.ts --ca-out ca.pem
 *
 * then `npx tsx examples/secure-echo-client.ts 127.0.0.1 4443 hello` in a second terminal (or
 * `openssl s_client -connect 127.0.0.1:4443 -CAfile <the CA file>`).
 *
 * No certificate files are needed: at start it makes a development CA and a server certificate
 * for localhost, 127.0.0.1 and ::1 in memory (createDevelopmentCertificates), and writes only
 * the CA certificate (public, no key) to the --ca-out file, by default
 * `<os tmpdir>/scarlet-sockets-echo-ca.pem`, which is where secure-echo-client.ts looks by
 * default. Each start makes a new CA, so start the server before the client. Never trust such a
 * CA outside development.
 *
 * SIGINT or SIGTERM closes the server socket and every connection, then exits 0.
 *
 * The Pick BASIC it ports (one client at a time there; here every connection is served at once):
 *
 *   SRVR = CREATE.SECURE.SERVER.SOCKET("127.0.0.1", 4443, SKT$BLOCKING, "server.pem", "server-key.pem")
 *   IF STATUS() THEN STOP 'cannot listen'
 *   LOOP
 *      SKT = ACCEPT.SECURE.SOCKET.CONNECTION(SRVR, 0)
 *      LOOP
 *         DATA = READ.SECURE.SOCKET(SKT, 4096, 0, 0)
 *      UNTIL STATUS() DO
 *         N = WRITE.SECURE.SOCKET(SKT, DATA, 0, 0)
 *      REPEAT
 *      CLOSE.SECURE.SOCKET SKT
 *   REPEAT
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  acceptSecureSocket,
  closeSecureSocket,
  closeSocket,
  createDevelopmentCertificates,
  createSecureServerSocket,
  createTlsContext,
  readSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  socketInfo,
  SocketError,
  writeSecureSocket,
  type SecureSocket,
} from 'scarlet-sockets';

const HOST = '127.0.0.1';
/** Where the client looks for the CA unless told otherwise (secure-echo-client.ts has the same default). */
const DEFAULT_CA_FILE = join(tmpdir(), 'scarlet-sockets-echo-ca.pem');

function options(): { port: number; caOut: string } {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '4443' }, 'ca-out': { type: 'string', default: DEFAULT_CA_FILE } },
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    console.error(`secure echo server: bad port ${JSON.stringify(values.port)} (use --port 0..65535)`);
    process.exit(2);
  }
  return { port, caOut: values['ca-out'] };
}

/** True for the error that ends a connection normally: the peer (or we) closed it. */
function isClosed(err: unknown): boolean {
  return err instanceof SocketError && err.code === 'ER$SKT_CLOSED';
}

/** Echoes one connection until the peer closes it (ER$SKT_CLOSED), then closes our side. */
async function serve(skt: SecureSocket, open: Set<SecureSocket>): Promise<void> {
  open.add(skt);
  try {
    for (;;) {
      // Blocking (the server socket was made with SKT$BLOCKING), no time limit (0).
      const data = await readSecureSocket(skt, 4096, 0, 0);
      await writeSecureSocket(skt, data, 0, 0);
    }
  } catch (err) {
    if (!isClosed(err)) console.error(`secure echo server: connection ended: ${(err as Error).message}`);
  } finally {
    open.delete(skt);
    await closeSecureSocket(skt);
  }
}

async function main(): Promise<void> {
  const { port, caOut } = options();
  // The development CA and server certificate, in memory; the context is ours, not the socket's.
  const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1', '::1'] });
  const context = createTlsContext({ cert: dev.server.cert, key: dev.server.key });
  writeFileSync(caOut, dev.ca.cert); // only the public CA certificate: clients trust it

  const srvr = await createSecureServerSocket(HOST, port, SKT$BLOCKING, context);
  console.log(`secure echo server listening on ${HOST}:${socketInfo(srvr, SKT$INFO_PORT)} (CA: ${caOut})`);

  const open = new Set<SecureSocket>();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const failures = socketInfo(srvr, SKT$INFO_TLS_HANDSHAKE_FAILURES);
    // Closing the server socket ends the accept loop below; the accepted sockets are ours to close.
    void closeSocket(srvr)
      .then(() => Promise.all([...open].map((skt) => closeSecureSocket(skt))))
      .then(() => {
        console.log(`secure echo server stopped; failed handshakes: ${failures}`);
        process.exit(0);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  // Runs until the server socket is closed: acceptSecureSocket then fails with ER$SKT_CLOSED.
  // Only connections whose handshake completed come out of it; failed ones are counted.
  for (;;) {
    let skt: SecureSocket;
    try {
      skt = await acceptSecureSocket(srvr);
    } catch (err) {
      if (isClosed(err)) return;
      throw err;
    }
    void serve(skt, open); // not awaited: every connection is served at once
  }
}

main().catch((err: unknown) => {
  console.error('secure echo server:', err instanceof Error ? err.message : err);
  process.exit(1);
});
