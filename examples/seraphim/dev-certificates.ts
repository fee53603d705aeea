// The development certificate SERAPHIM makes on first run when no certificate is given: a local
// CA and a server certificate signed by it, kept in a state folder (git-ignored) so the CA a
// browser or curl was told to trust stays the same from one run to the next.
//
// A trusted CA whose key sits in a folder is a risk to whoever trusts it, so: the CA may only
// sign for the names it was made for (name constraints: a stolen key cannot sign for a bank), the
// folder and the keys are private to their owner (their modes fixed on every run, whatever they
// were), and every file is written whole or not at all (a temporary file renamed over the old one).
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type CertificateAndKey } from 'scarlet-sockets';
import { complain } from './output.js';

/** Where the development material lives. */
export interface DevelopmentFiles {
  /** The CA certificate to trust (curl --cacert, a browser's authorities). */
  caCert: string;
  /** The server certificate and its key. */
  cert: string;
  key: string;
  /** `true` when this run made something new. */
  created: boolean;
  /** `true` when this run made a new CA, which clients must be told to trust. */
  newCa: boolean;
}

/** A server certificate this close to its end is renewed. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;
/** The state folder: its owner only. */
const DIRECTORY_MODE = 0o700;
/** Private keys: readable and writable by their owner only. */
const KEY_MODE = 0o600;
/** Certificates and the host lists: public. */
const PUBLIC_MODE = 0o644;

/** The hosts a development certificate covers: loopback names and the listen address. */
export function developmentHosts(listenHost: string): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  if (listenHost !== '' && listenHost !== '0.0.0.0' && listenHost !== '::' && !hosts.includes(listenHost)) hosts.push(listenHost);
  return hosts;
}

/**
 * Makes (or reuses) the development CA and server certificate in `stateDir`. The CA is made
 * once, for the hosts asked for (it can sign for no other name), and again only when asked for a
 * host it cannot sign for; the server certificate again when the hosts change or it nears its
 * end. The folder's and the keys' modes are set on every call.
 */
export function ensureDevelopmentCertificates(stateDir: string, hosts: readonly string[]): DevelopmentFiles {
  mkdirSync(stateDir, { recursive: true, mode: DIRECTORY_MODE });
  // An existing folder keeps the mode it had: set it.
  chmodSync(stateDir, DIRECTORY_MODE);
  const files = {
    caCert: join(stateDir, 'dev-ca.pem'),
    caKey: join(stateDir, 'dev-ca-key.pem'),
    caHosts: join(stateDir, 'dev-ca-hosts.json'),
    cert: join(stateDir, 'server.pem'),
    key: join(stateDir, 'server-key.pem'),
    hosts: join(stateDir, 'server-hosts.json'),
  };
  for (const key of [files.caKey, files.key]) if (existsSync(key)) chmodSync(key, KEY_MODE);

  const wanted = [...hosts].sort();
  let newCa = false;
  let ca: CertificateAndKey;
  if (existsSync(files.caCert) && existsSync(files.caKey) && covers(readOr(files.caHosts), wanted)) {
    ca = { cert: readFileSync(files.caCert, 'utf8'), key: readFileSync(files.caKey, 'utf8') };
  } else {
    // None yet, or one made before CAs were constrained, or one that cannot sign for a new host.
    ca = createCertificateAuthority('SERAPHIM development CA', { permittedHosts: wanted });
    writeAtomically(files.caKey, ca.key, KEY_MODE);
    writeAtomically(files.caCert, ca.cert, PUBLIC_MODE);
    writeAtomically(files.caHosts, JSON.stringify(wanted), PUBLIC_MODE);
    newCa = true;
  }
  let created = newCa;
  if (newCa || !existsSync(files.cert) || !existsSync(files.key) || readOr(files.hosts) !== JSON.stringify(wanted) || nearEnd(files.cert)) {
    const server = issueCertificate(ca, { hosts, commonName: hosts[0] ?? 'localhost' });
    writeAtomically(files.key, server.key, KEY_MODE);
    writeAtomically(files.cert, server.cert, PUBLIC_MODE);
    writeAtomically(files.hosts, JSON.stringify(wanted), PUBLIC_MODE);
    created = true;
  }
  return { caCert: files.caCert, cert: files.cert, key: files.key, created, newCa };
}

/** Whether the CA's recorded hosts (JSON, '' when none were recorded) include every wanted host. */
function covers(caHosts: string, wanted: readonly string[]): boolean {
  if (caHosts === '') return false;
  const permitted = JSON.parse(caHosts) as unknown;
  return Array.isArray(permitted) && wanted.every((host) => permitted.includes(host));
}

/**
 * Writes `text` to `path` whole or not at all: into a new file of mode `mode` beside it (made
 * with that mode, never readable by others for a moment), then renamed over `path`. A reader
 * sees the old file or the new one, never half of one; a crash leaves the old one.
 */
function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text, { mode, flag: 'wx' });
    // The mode given at creation is masked by the umask; a key must be 0600 whatever it is.
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
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
    complain(`seraphim: ${certPath} is not a readable certificate, making a new one: ${(err as Error).message}`);
    return true;
  }
}
