/**
 * A ported echo client: opens a socket, sends one line, prints the reply, closes.
 *
 * Run it (from the repository root) against the echo server (`npx tsx examples/echo-server.ts` in another terminal):
 *
 *   npx tsx examples/echo-client.ts                          # 127.0.0.1 4000 "hello, echo"
 *   npx tsx examples/echo-client.ts 127.0.0.1 4000 some words to send
 *
 * Arguments: [host] [port] [message...]. It prints the line that came back and exits 0; on a
 * socket error it prints the status (as BASIC's STATUS() would give it) and exits 1.
 *
 * The Pick BASIC it ports:
 *
 *   SKT = OPEN.SOCKET(HOST, PORT, SKT$BLOCKING)
 *   IF STATUS() THEN STOP 'cannot connect'
 *   N = WRITE.SOCKET(SKT, MSG:CHAR(10), 0, 5000)
 *   REPLY = ''
 *   LOOP
 *      DATA = READ.SOCKET(SKT, 1024, 0, 5000)
 *      IF STATUS() THEN STOP 'no reply'
 *      REPLY := DATA
 *   UNTIL INDEX(REPLY, CHAR(10), 1) REPEAT
 *   CLOSE.SOCKET SKT
 *   CRT REPLY
 */
import { closeSocket, openSocket, readSocketBuffer, SKT$BLOCKING, SocketError, writeSocket } from 'scarlet-sockets';

const LF = 0x0a;
/** A reply longer than this without a line feed is cut short: nothing here reads without bound. */
const MAX_REPLY = 1 << 20;

async function main(): Promise<void> {
  const [host = '127.0.0.1', portText = '4000', ...words] = process.argv.slice(2);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`bad port ${JSON.stringify(portText)}`);
  const message = words.length > 0 ? words.join(' ') : 'hello, echo';

  const skt = await openSocket(host, port, SKT$BLOCKING);
  try {
    // Text is encoded to bytes first: a string passed to writeSocket is a Pick byte string
    // (one character per byte), and command-line text may hold any Unicode character.
    await writeSocket(skt, Buffer.from(message + '\n', 'utf8'), 0, 5000);
    const chunks: Buffer[] = [];
    let size = 0;
    while (size < MAX_REPLY) {
      const data = await readSocketBuffer(skt, 1024, 0, 5000); // waits up to 5 s for each piece
      chunks.push(data);
      size += data.length;
      if (data.includes(LF)) break;
    }
    process.stdout.write(Buffer.concat(chunks).toString('utf8'));
  } finally {
    await closeSocket(skt);
  }
}

main().catch((err: unknown) => {
  if (err instanceof SocketError) console.error(`echo client: ${err.code} (${err.status}): ${err.message}`);
  else console.error('echo client:', err instanceof Error ? err.message : err);
  process.exit(1);
});
