import type { ExecutionContext } from 'ava';
import {
  acceptSecureSocket,
  closeSocket,
  createDevelopmentCertificates,
  createSecureServerSocket,
  createTlsContext,
  issueCertificate,
  openSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_PORT,
  socketInfo,
  type CertificateAndKey,
  type DevelopmentCertificates,
  type SecureServerSocket,
  type SecureSocket,
  type TlsContext,
  type TlsContextOptions,
} from '../../lib/index.js';

let cached: DevelopmentCertificates | undefined;

/**
 * A development CA and a server certificate for localhost, 127.0.0.1 and ::1, made once per
 * test file (ava runs each file in its own process) by the library's own helper: no keys on disk.
 */
export function devCertificates(): DevelopmentCertificates {
  cached ??= createDevelopmentCertificates();
  return cached;
}

/** Another server certificate from the same development CA (a "renewed" certificate). */
export function renewedCertificate(): CertificateAndKey {
  return issueCertificate(devCertificates().ca);
}

/** A server context with the development certificate; `options` are added to cert and key. */
export function serverContext(options: TlsContextOptions = {}): TlsContext {
  const { server } = devCertificates();
  return createTlsContext({ cert: server.cert, key: server.key, ...options });
}

/** A client context that trusts the development CA (and nothing else). */
export function clientContext(options: TlsContextOptions = {}): TlsContext {
  return createTlsContext({ ca: devCertificates().ca.cert, ...options });
}

/** A secure server socket on a free loopback port, closed when the test ends. */
export async function secureListen(
  t: ExecutionContext,
  context: TlsContext,
  addr = '127.0.0.1',
  port = 0,
): Promise<{ server: SecureServerSocket; port: number }> {
  const server = await createSecureServerSocket(addr, port, SKT$BLOCKING, context);
  t.teardown(() => closeSocket(server));
  return { server, port: socketInfo(server, SKT$INFO_PORT) };
}

/** A TLS client (blocking) to `host`:`port`, closed when the test ends. */
export async function secureConnect(t: ExecutionContext, port: number, context: TlsContext, host = 'localhost'): Promise<SecureSocket> {
  const client = await openSecureSocket(host, port, SKT$BLOCKING, context);
  t.teardown(() => closeSocket(client));
  return client;
}

/** Accepts one completed handshake (bounded), closed when the test ends. */
export async function secureAccept(t: ExecutionContext, server: SecureServerSocket, timeoutMs = 10_000): Promise<SecureSocket> {
  const accepted = await acceptSecureSocket(server, timeoutMs);
  t.teardown(() => closeSocket(accepted));
  return accepted;
}

/** A connected TLS pair: client opened to `host`, server side accepted, both closed when the test ends. */
export async function securePair(
  t: ExecutionContext,
  server: SecureServerSocket,
  port: number,
  context: TlsContext,
  host = 'localhost',
): Promise<{ client: SecureSocket; accepted: SecureSocket }> {
  const [client, accepted] = await Promise.all([secureConnect(t, port, context, host), secureAccept(t, server)]);
  return { client, accepted };
}
