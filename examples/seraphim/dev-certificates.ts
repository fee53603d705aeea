// The development certificate SERAPHIM makes on first run when no certificate is given: a local
// CA and a server certificate signed by it, kept in a state folder (git-ignored) so the CA a
// browser or curl was told to trust stays the same from one run to the next.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type CertificateAndKey } from '../../lib/index.js';

/** Where the development material lives. */
export interface DevelopmentFiles {
  /** The CA certificate to trust (curl --cacert, a browser's authorities). */
  caCert: string;
  /** The server certificate and its key. */
  cert: string;
  key: string;
  /** `true` when this run made something new. */
  created: boolean;
}

/** A server certificate this close to its end is renewed. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

/** The hosts a development certificate covers: loopback names and the listen address. */
export function developmentHosts(listenHost: string): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  if (listenHost !== '' && listenHost !== '0.0.0.0' && listenHost !== '::' && !hosts.includes(listenHost)) hosts.push(listenHost);
  return hosts;
}

/**
 * Makes (or reuses) the development CA and server certificate in `stateDir`. The CA is made
 * once; the server certificate again when the hosts change or it nears its end.
 */
export function ensureDevelopmentCertificates(stateDir: string, hosts: readonly string[]): DevelopmentFiles {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const files = {
    caCert: join(stateDir, 'dev-ca.pem'),
    caKey: join(stateDir, 'dev-ca-key.pem'),
    cert: join(stateDir, 'server.pem'),
    key: join(stateDir, 'server-key.pem'),
    hosts: join(stateDir, 'server-hosts.json'),
  };
  let created = false;
  let ca: CertificateAndKey;
  if (existsSync(files.caCert) && existsSync(files.caKey)) {
    ca = { cert: readFileSync(files.caCert, 'utf8'), key: readFileSync(files.caKey, 'utf8') };
  } else {
    ca = createCertificateAuthority('SERAPHIM development CA');
    writeFileSync(files.caKey, ca.key, { mode: 0o600 });
    writeFileSync(files.caCert, ca.cert);
    created = true;
  }
  const wanted = JSON.stringify([...hosts].sort());
  if (created || !existsSync(files.cert) || !existsSync(files.key) || readOr(files.hosts) !== wanted || nearEnd(files.cert)) {
    const server = issueCertificate(ca, { hosts, commonName: hosts[0] ?? 'localhost' });
    writeFileSync(files.key, server.key, { mode: 0o600 });
    writeFileSync(files.cert, server.cert);
    writeFileSync(files.hosts, wanted);
    created = true;
  }
  return { caCert: files.caCert, cert: files.cert, key: files.key, created };
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    return ''; // not made yet
  }
}

function nearEnd(certPath: string): boolean {
  let pem: Buffer;
  try {
    pem = readFileSync(certPath);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    return true; // not made yet
  }
  try {
    return new Date(new X509Certificate(pem).validTo).getTime() - Date.now() < RENEW_BEFORE_MS;
  } catch (err) {
    console.error(`seraphim: ${certPath} is not a readable certificate, making a new one: ${(err as Error).message}`);
    return true;
  }
}
