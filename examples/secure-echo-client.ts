/**
 * The echo client over TLS: opens a verified TLS connection, sends one line, prints the reply.
 *
 * Run it (from the repository root) against secure-echo-server.ts, started first in another
 * terminal:
 *
 *   npx tsx examples/secure-echo-client.ts                       # 127.0.0.1 4443 "hello, secure echo"
 *   npx tsx examples/secure-echo-client.ts 127.0.0.1 4443 some words to send
 *   npx tsx examples/secure-echo-client.ts --ca ca.pem localhost 4443 hi
 *
 * Arguments: [--ca FILE] [host] [port] [message...]. FILE is the CA certificate to trust, by
 * default `<os tmpdir>/scarlet-sockets-echo-ca.pem`, where the server writes the development CA
 * it made (its --ca-out). Only a server whose certificate chains to that CA and names the host
 * connected to is accepted.
 *
 * It prints two lines and exits 0: `connected with <TLS version> (<cipher>) to <server
 * certificate subject>`, then the line that came back. On a socket error it prints the status
 * (as BASIC's STATUS() would give it) and exits 1: an untrusted server is ER$TLS_UNTRUSTED (7101).
 *
 * ScarletDME has no secure client call (no OPEN.SECURE.SOCKET): openSecureSocket is what the
 * library adds. Otherwise this is echo-client.ts with the secure twins of its calls
 * (WRITE.SECURE.SOCKET, READ.SECURE.SOCKET, CLOSE.SECURE.SOCKET).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  closeSecureSocket,
  createTlsContext,
  openSecureSocket,
  readSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_TLS_CIPHER,
  SKT$INFO_TLS_PEER_SUBJECT,
  SKT$INFO_TLS_PROTOCOL,
  socketInfo,
  SocketError,
  writeSecureSocket,
} from 'scarlet-sockets';

/** Where secure-echo-server.ts writes its CA unless told otherwise. */
const DEFAULT_CA_FILE = join(tmpdir(), 'scarlet-sockets-echo-ca.pem');
/** A reply longer than this without a line feed is cut short: nothing here reads without bound. */
const MAX_REPLY = 1 << 20;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { ca: { type: 'string', default: DEFAULT_CA_FILE } },
    allowPositionals: true,
  });
  const [host = '127.0.0.1', portText = '4443', ...words] = positionals;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`bad port ${JSON.stringify(portText)}`);
  const message = words.length > 0 ? words.join(' ') : 'hello, secure echo';

  // A client context: whom to trust. The path is read here; a missing file is ER$TLS_BAD_CERT.
  const context = createTlsContext({ ca: values.ca });
  const skt = await openSecureSocket(host, port, SKT$BLOCKING, context); // verifies chain and host name
  try {
    const protocol = socketInfo(skt, SKT$INFO_TLS_PROTOCOL);
    const cipher = socketInfo(skt, SKT$INFO_TLS_CIPHER);
    console.log(`connected with ${protocol} (${cipher}) to ${socketInfo(skt, SKT$INFO_TLS_PEER_SUBJECT)}`);
    // Text is encoded to bytes first: a string passed to a write is a Pick byte string (one
    // character per byte), and command-line text may hold any Unicode character.
    await writeSecureSocket(skt, Buffer.from(message + '\n', 'utf8'), 0, 5000);
    let reply = '';
    do {
      reply += await readSecureSocket(skt, 1024, 0, 5000); // waits up to 5 s for each piece
    } while (!reply.includes('\n') && reply.length < MAX_REPLY);
    process.stdout.write(Buffer.from(reply, 'latin1').toString('utf8'));
  } finally {
    await closeSecureSocket(skt);
  }
}

main().catch((err: unknown) => {
  if (err instanceof SocketError) console.error(`secure echo client: ${err.code} (${err.status}): ${err.message}`);
  else console.error('secure echo client:', err instanceof Error ? err.message : err);
  process.exit(1);
});
