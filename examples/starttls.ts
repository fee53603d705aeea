/**
 * STARTTLS in one process: a server and a client on loopback talk in clear, agree to upgrade,
 * both call startTls on the same connection, and go on encrypted, as SMTP, IMAP and LDAP do.
 *
 * Run it (from the repository root):
 *
 *   npx tsx examples/starttls.ts                # any free port on 127.0.0.1
 *   npx tsx examples/starttls.ts --port 2525    # a given port
 *
 * It prints each line as it is received (`server got (plain): STARTTLS`: who got it, in clear
 * or over TLS), `server upgraded: <TLS version> <cipher>` and `client upgraded: ...` once the
 * handshake is done, then `done`, and exits 0; on a socket error it prints the status and
 * exits 1.
 *
 * The conversation (lines end with CRLF; each side waits for the other's line before it
 * writes, so no byte meant for TLS is ever read as plain text):
 *
 *   server: 220 ready                  (plain)
 *   client: STARTTLS                   (plain)
 *   server: 220 go ahead               (plain)
 *   ... both: startTls(skt, context) ... the TLS handshake on the same TCP connection
 *   client: AUTH PLAIN <secret>        (tls)
 *   server: 235 authenticated          (tls)
 *
 * The certificate is a development one made in memory (createDevelopmentCertificates); the
 * client trusts only its CA and checks that the certificate names 127.0.0.1.
 */
import { parseArgs } from 'node:util';
import {
  acceptSocket,
  closeSocket,
  createDevelopmentCertificates,
  createServerSocket,
  createTlsContext,
  openSocket,
  readSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  SKT$INFO_TLS_CIPHER,
  SKT$INFO_TLS_PROTOCOL,
  socketInfo,
  SocketError,
  startTls,
  writeSocket,
  type Socket,
  type TlsContext,
} from 'scarlet-sockets';

const HOST = '127.0.0.1';
const CRLF = '\r\n';
const MAX_LINE = 4096;
/** Every read and write of this conversation waits at most this long. */
const TIMEOUT = 5000;

function portOption(): number {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    console.error(`starttls: bad port ${JSON.stringify(values.port)} (use --port 0..65535)`);
    process.exit(2);
  }
  return port;
}

/**
 * Reads one CRLF-ended line. In this conversation a peer sends nothing past its line until it
 * is answered, so bytes after the CRLF are refused: around STARTTLS they would be handshake
 * bytes taken for text, or clear-text commands taken as if they had come over TLS (the command
 * injection of CVE-2011-0411 in mail servers).
 */
async function readLine(skt: Socket, who: string): Promise<string> {
  let buf = '';
  while (!buf.includes(CRLF)) {
    if (buf.length > MAX_LINE) throw new Error(`${who}: line longer than ${MAX_LINE} bytes`);
    buf += await readSocket(skt, 1024, 0, TIMEOUT);
  }
  const end = buf.indexOf(CRLF);
  if (end + CRLF.length !== buf.length) throw new Error(`${who}: bytes after the line before it was answered`);
  const line = buf.slice(0, end);
  console.log(`${who} got (${skt.secure ? 'tls' : 'plain'}): ${line}`);
  return line;
}

function describe(skt: Socket): string {
  return `${socketInfo(skt, SKT$INFO_TLS_PROTOCOL)} ${socketInfo(skt, SKT$INFO_TLS_CIPHER)}`;
}

/** The server side of one conversation on an accepted plain socket. */
async function serverSide(plain: Socket, context: TlsContext): Promise<void> {
  let skt = plain;
  try {
    await writeSocket(skt, '220 ready' + CRLF, 0, TIMEOUT);
    if ((await readLine(skt, 'server')) !== 'STARTTLS') throw new Error('server: expected STARTTLS');
    await writeSocket(skt, '220 go ahead' + CRLF, 0, TIMEOUT);
    // The accepted socket plays the server side of the handshake; `plain` is spent afterwards.
    skt = await startTls(plain, context);
    console.log(`server upgraded: ${describe(skt)}`);
    const auth = await readLine(skt, 'server');
    await writeSocket(skt, (auth.startsWith('AUTH ') ? '235 authenticated' : '504 unknown') + CRLF, 0, TIMEOUT);
  } finally {
    await closeSocket(skt);
  }
}

/** The client side: connects in clear, asks for STARTTLS, upgrades, authenticates. */
async function clientSide(port: number, context: TlsContext): Promise<void> {
  const plain = await openSocket(HOST, port, SKT$BLOCKING);
  let skt = plain;
  try {
    if (!(await readLine(skt, 'client')).startsWith('220 ')) throw new Error('client: no greeting');
    await writeSocket(skt, 'STARTTLS' + CRLF, 0, TIMEOUT);
    if (!(await readLine(skt, 'client')).startsWith('220 ')) throw new Error('client: STARTTLS refused');
    // The opened socket plays the client side: it verifies the certificate against the
    // context's CA and the address connected to (127.0.0.1).
    skt = await startTls(plain, context);
    console.log(`client upgraded: ${describe(skt)}`);
    await writeSocket(skt, 'AUTH PLAIN c2VjcmV0LXBhc3N3b3Jk' + CRLF, 0, TIMEOUT); // never sent in clear
    if (!(await readLine(skt, 'client')).startsWith('235 ')) throw new Error('client: not authenticated');
  } finally {
    await closeSocket(skt);
  }
}

async function main(): Promise<void> {
  const dev = createDevelopmentCertificates({ hosts: ['localhost', HOST] });
  const serverContext = createTlsContext({ cert: dev.server.cert, key: dev.server.key });
  const clientContext = createTlsContext({ ca: dev.ca.cert });

  // A plain server socket: nothing about it is secure until the conversation asks for it.
  const srvr = await createServerSocket(HOST, portOption(), SKT$BLOCKING);
  const port = socketInfo(srvr, SKT$INFO_PORT);
  console.log(`starttls server listening on ${HOST}:${port}`);
  try {
    // Both sides run at once in this one process; each awaits only its own socket calls.
    const serving = acceptSocket(srvr, TIMEOUT).then((skt) => serverSide(skt, serverContext));
    await Promise.all([serving, clientSide(port, clientContext)]);
  } finally {
    await closeSocket(srvr);
  }
  console.log('done');
}

main().catch((err: unknown) => {
  if (err instanceof SocketError) console.error(`starttls: ${err.code} (${err.status}): ${err.message}`);
  else console.error('starttls:', err instanceof Error ? err.message : err);
  process.exit(1);
});
