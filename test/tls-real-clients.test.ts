// Real TLS programs against the library: openssl s_client and curl as clients of a secure
// server socket, openssl s_server as the server of openSecureSocket. Loopback only.
import { X509Certificate } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  closeSocket,
  createDevelopmentCertificates,
  createSecureServerSocket,
  createTlsContext,
  openSecureSocket,
  readSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_PROTOCOL,
  SKT$INFO_TLS_SNI,
  socketInfo,
  writeSecureSocket,
  type SecureServerSocket,
  type SecureSocket,
} from '../lib/index.js';
import { expectSocketError, waitFor } from './helpers/assertions.js';
import { readUntil, spawnPeer, tempFiles } from './helpers/tls-peers.js';

const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1'] });
const serverContext = createTlsContext({ cert: dev.server.cert, key: dev.server.key });
const clientContext = createTlsContext({ ca: dev.ca.cert });
const serverFingerprint = new X509Certificate(dev.server.cert).fingerprint256;

/** A secure server socket on a free loopback port, closed when the test ends. */
async function secureServer(t: ExecutionContext): Promise<{ server: SecureServerSocket; port: number }> {
  const server = await createSecureServerSocket('127.0.0.1', 0, SKT$BLOCKING, serverContext);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

async function accepted(t: ExecutionContext, server: SecureServerSocket, timeout = 10_000): Promise<SecureSocket> {
  const skt = await acceptSecureSocket(server, timeout);
  t.teardown(() => closeSocket(skt));
  return skt;
}

function sClientArgs(port: number, caFile: string, ...extra: string[]): string[] {
  return ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', caFile, '-nocommands', ...extra];
}

for (const [flag, protocol] of [
  ['-tls1_2', 'TLSv1.2'],
  ['-tls1_3', 'TLSv1.3'],
] as const) {
  test(`openssl s_client ${flag} verifies the server and exchanges a line each way`, async (t) => {
    const files = tempFiles(t, { 'ca.pem': dev.ca.cert });
    const { server, port } = await secureServer(t);
    const client = spawnPeer(t, 'openssl', sClientArgs(port, files['ca.pem'], flag));
    const skt = await accepted(t, server);
    t.is(socketInfo(skt, SKT$INFO_TLS_PROTOCOL), protocol);
    t.is(socketInfo(skt, SKT$INFO_TLS_SNI), 'localhost');
    // s_client prints the session summary once the handshake is done and the chain verified.
    await client.waitForOutput(/Verify return code: 0 \(ok\)/);
    t.regex(client.stdout(), new RegExp(`New, ${protocol.replace('.', '\\.')}, Cipher is `));
    t.regex(client.stdout(), /Verification: OK/);

    client.child.stdin.write('hello from s_client\n');
    t.is(await readUntil(skt, '\n'), 'hello from s_client\n');
    await writeSecureSocket(skt, 'reply from scarlet-sockets\n', SKT$BLOCKING, 5000);
    await client.waitForOutput(/reply from scarlet-sockets\n/);

    // End of input: s_client sends close_notify and leaves; the library sees a clean close.
    client.child.stdin.end();
    await expectSocketError(t, () => readSecureSocket(skt, 1024, SKT$BLOCKING, 5000), 7013);
    t.is((await client.exited()).code, 0);
    t.is(socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES), 0);
  });
}

for (const [flag, protocol] of [
  ['-tls1', 'TLSv1'],
  ['-tls1_1', 'TLSv1.1'],
] as const) {
  test(`openssl s_client ${flag} is refused by the server (TLS 1.2 minimum), and counted`, async (t) => {
    const files = tempFiles(t, { 'ca.pem': dev.ca.cert, 'cert.pem': dev.server.cert, 'key.pem': dev.server.key });
    // OpenSSL 3 (and Debian's configuration) will not offer TLS 1.0/1.1 at its default security
    // level: lower it, so the client really tries and only the server can refuse.
    const clientFlags = [flag, '-cipher', 'DEFAULT@SECLEVEL=0'];

    // Control: the very same client invocation gets a session from an openssl s_server that
    // allows the old version, so a refusal below is the library server's doing.
    const permissive = spawnPeer(t, 'openssl', [
      's_server', '-accept', '127.0.0.1:0', '-cert', files['cert.pem'], '-key', files['key.pem'],
      flag, '-cipher', 'DEFAULT@SECLEVEL=0', '-naccept', '1',
    ]);
    const [, controlPort] = await permissive.waitForOutput(/ACCEPT 127\.0\.0\.1:(\d+)/);
    const control = spawnPeer(t, 'openssl', sClientArgs(Number(controlPort), files['ca.pem'], ...clientFlags));
    await control.waitForOutput(/Verify return code: 0 \(ok\)/);
    t.regex(control.stdout(), new RegExp(`Protocol +: ${protocol.replace('.', '\\.')}\\n`));
    control.child.stdin.end();
    t.is((await control.exited()).code, 0);

    const { server, port } = await secureServer(t);
    const before = socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES);
    const client = spawnPeer(t, 'openssl', sClientArgs(port, files['ca.pem'], ...clientFlags));
    const exit = await client.exited();
    t.not(exit.code, 0, client.stdout());
    t.regex(client.stdout(), /Cipher is \(NONE\)/); // no session was made
    t.notRegex(client.stdout(), /Server certificate/);
    t.true(await waitFor(() => socketInfo(server, SKT$INFO_TLS_HANDSHAKE_FAILURES) > before), 'the failure is counted');
    // The refused client never comes out of accept.
    await expectSocketError(t, () => acceptSecureSocket(server, 200), 1011);
  });
}

test('curl --cacert gets a correct answer from a tiny HTTP/1.1 responder built on the facade', async (t) => {
  const files = tempFiles(t, { 'ca.pem': dev.ca.cert });
  const { server, port } = await secureServer(t);
  const body = 'Hello from SERAPHIM\'s little sibling\n';
  const responder = (async () => {
    const skt = await accepted(t, server);
    const head = await readUntil(skt, '\r\n\r\n', 10_000, 16_384);
    await writeSecureSocket(
      skt,
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      SKT$BLOCKING,
      5000,
    );
    await closeSocket(skt);
    return { head, sni: socketInfo(skt, SKT$INFO_TLS_SNI) };
  })();
  const curl = spawnPeer(t, 'curl', [
    '--silent', '--show-error', '--http1.1', '--noproxy', '*', '--max-time', '10',
    '--cacert', files['ca.pem'],
    '--resolve', `localhost:${port}:127.0.0.1`,
    '--write-out', '\n%{http_code} %{ssl_verify_result}',
    `https://localhost:${port}/hello?x=1`,
  ]);
  const [exit, request] = await Promise.all([curl.exited(15_000), responder]);
  t.is(exit.code, 0, curl.stderr());
  t.is(curl.stdout(), `${body}\n200 0`);
  t.regex(request.head, /^GET \/hello\?x=1 HTTP\/1\.1\r\n/);
  t.regex(request.head, new RegExp(`\\r\\nHost: localhost:${port}\\r\\n`, 'i'));
  t.is(request.sni, 'localhost');
});

test('openSecureSocket talks TLS 1.3 to openssl s_server (-rev echoes each line reversed)', async (t) => {
  const files = tempFiles(t, { 'cert.pem': dev.server.cert, 'key.pem': dev.server.key });
  const sServer = spawnPeer(t, 'openssl', [
    's_server', '-accept', '127.0.0.1:0', '-cert', files['cert.pem'], '-key', files['key.pem'], '-tls1_3', '-rev', '-naccept', '1',
  ]);
  const [, port] = await sServer.waitForOutput(/ACCEPT 127\.0\.0\.1:(\d+)/);
  const skt = await openSecureSocket('localhost', Number(port), SKT$BLOCKING, clientContext);
  t.teardown(() => closeSocket(skt));
  t.is(socketInfo(skt, SKT$INFO_TLS_PROTOCOL), 'TLSv1.3');
  t.is(socketInfo(skt, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, serverFingerprint);
  await writeSecureSocket(skt, 'hello s_server\n', SKT$BLOCKING, 5000);
  t.is(await readUntil(skt, '\n'), 'revres_s olleh\n');
  // -rev's command to end the session: s_server sends close_notify, the library reads a clean close.
  await writeSecureSocket(skt, 'CLOSE\n', SKT$BLOCKING, 5000);
  await expectSocketError(t, () => readSecureSocket(skt, 1024, SKT$BLOCKING, 5000), 7013);
  await sServer.waitForOutput(/CONNECTION CLOSED/, 5000, 'stderr'); // -rev reports on stderr
});

test('openSecureSocket talks TLS 1.2 to openssl s_server in its interactive mode, both ways', async (t) => {
  const files = tempFiles(t, { 'cert.pem': dev.server.cert, 'key.pem': dev.server.key });
  const sServer = spawnPeer(t, 'openssl', [
    's_server', '-accept', '127.0.0.1:0', '-cert', files['cert.pem'], '-key', files['key.pem'], '-tls1_2', '-naccept', '1',
  ]);
  const [, port] = await sServer.waitForOutput(/ACCEPT 127\.0\.0\.1:(\d+)/);
  const skt = await openSecureSocket('localhost', Number(port), SKT$BLOCKING, clientContext);
  t.teardown(() => closeSocket(skt));
  t.is(socketInfo(skt, SKT$INFO_TLS_PROTOCOL), 'TLSv1.2');
  t.is(socketInfo(skt, SKT$INFO_TLS_SNI), 'localhost');
  t.is(socketInfo(skt, SKT$INFO_TLS_PEER_CERT)?.fingerprint256, serverFingerprint);
  // What the client writes, s_server prints; what s_server reads on stdin, it sends.
  await writeSecureSocket(skt, 'line from openSecureSocket\n', SKT$BLOCKING, 5000);
  await sServer.waitForOutput(/\nline from openSecureSocket\n/);
  sServer.child.stdin.write('line from s_server\n');
  t.is(await readUntil(skt, '\n'), 'line from s_server\n');
  // closeSocket sends close_notify: s_server reads a clean TLS close ("DONE"), not an error.
  await closeSocket(skt);
  await sServer.waitForOutput(/\nDONE\n/);
  t.notRegex(sServer.stdout(), /\nERROR\n/);
});
