import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import type { CertificateAndKey, CertificateAuthorityOptions, CertificateOptions, DevelopmentCertificates } from '../types/certificates.js';

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Creates a local certificate authority and a server certificate signed by it, for development
 * and tests: no files and no openssl command needed. Trust `ca.cert` in the client (a browser,
 * `curl --cacert`, or a TlsContext's `ca`), never in production.
 *
 * @param options - hosts, names and validity; see {@link CertificateOptions}
 * @returns the CA and the server certificate, PEM text
 *
 * @example
 * ```ts
 * const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1'] });
 * const serverContext = createTlsContext({ cert: dev.server.cert, key: dev.server.key });
 * const clientContext = createTlsContext({ ca: dev.ca.cert });
 * ```
 *
 * @summary Creates a local certificate authority and a server certificate signed by it, for
 *   development and tests: no files and no openssl command needed.
 * @group Certificates
 */
export function createDevelopmentCertificates(options: CertificateOptions = {}): DevelopmentCertificates {
  const ca = createCertificateAuthority();
  return { ca, server: issueCertificate(ca, options) };
}

/**
 * Creates a self-signed certificate authority for development and tests.
 *
 * @param commonName - the CA's name. Default `'scarlet-sockets development CA'`.
 * @param options - `permittedHosts`: the only names it may sign for (name constraints)
 * @returns the CA certificate and key, PEM text
 * @throws TypeError when `permittedHosts` is empty, or names something that is neither a DNS
 *   name nor an IP address
 *
 * @example
 * ```ts
 * const ca = createCertificateAuthority('My test CA');
 * const alice = issueCertificate(ca, { commonName: 'alice', client: true });
 * // A CA that clients trust for these names only, whatever it signs:
 * const local = createCertificateAuthority('Local CA', { permittedHosts: ['localhost', '127.0.0.1'] });
 * ```
 *
 * @group Certificates
 */
export function createCertificateAuthority(commonName = 'scarlet-sockets development CA', options: CertificateAuthorityOptions = {}): CertificateAndKey {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  setValidity(cert, new Date(Date.now() - HOUR), 3650);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(options.permittedHosts === undefined ? [] : [nameConstraints(options.permittedHosts)]),
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/**
 * Issues a certificate signed by `ca`: a server certificate for `hosts`, or with
 * `client: true` a client certificate for mutual TLS.
 *
 * @param ca - the issuing CA, as {@link createCertificateAuthority} returns it
 * @param options - hosts, names and validity
 * @returns the new certificate and its key, PEM text
 * @throws Error (node-forge's) when `ca.cert` or `ca.key` is not PEM text
 *
 * @example
 * ```ts
 * const ca = createCertificateAuthority();
 * const server = issueCertificate(ca, { hosts: ['localhost'] });
 * const expired = issueCertificate(ca, { notBefore: new Date('2020-01-01'), days: 1 });
 * ```
 *
 * @group Certificates
 */
export function issueCertificate(ca: CertificateAndKey, options: CertificateOptions = {}): CertificateAndKey {
  const hosts = options.hosts ?? DEFAULT_HOSTS;
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  setValidity(cert, options.notBefore ?? new Date(Date.now() - HOUR), options.days ?? 825);
  cert.setSubject([{ name: 'commonName', value: options.commonName ?? hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    options.client ? { name: 'extKeyUsage', clientAuth: true } : { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map(altName) },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/**
 * A critical nameConstraints extension (RFC 5280 4.2.1.10) permitting only `hosts`: a DNS name
 * (and the names below it), or one IP address (mask of all ones). node-forge reads this
 * extension but cannot write it, so its DER is built here.
 */
function nameConstraints(hosts: readonly string[]): { id: string; critical: boolean; value: forge.asn1.Asn1 } {
  if (hosts.length === 0) throw new TypeError('permittedHosts must name at least one host');
  const { asn1 } = forge;
  const subtrees = hosts.map((host) => {
    let base: forge.asn1.Asn1;
    if (isIP(host) !== 0) {
      // node-forge has bytesFromIP (IPv4 and IPv6 to bytes); its type definitions lack it.
      const address = (forge.util as unknown as { bytesFromIP(ip: string): string | null }).bytesFromIP(host);
      if (!address) throw new TypeError(`permittedHosts: ${JSON.stringify(host)} is not an IP address`);
      base = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, address + '\xff'.repeat(address.length));
    } else {
      if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new TypeError(`permittedHosts: ${JSON.stringify(host)} is not a DNS name`);
      base = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, host);
    }
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [base]);
  });
  const permitted = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, subtrees);
  return { id: '2.5.29.30', critical: true, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted]) };
}

/** RSA keys made by OpenSSL through node:crypto (fast), then handed to node-forge. */
function newKeyPair(): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function setValidity(cert: forge.pki.Certificate, notBefore: Date, days: number): void {
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + days * DAY);
}

/**
 * A random positive serial number of 16 bytes, as CAs use, in minimal DER form: the top bit of
 * the first byte clear (positive) and that byte not zero (a leading zero byte followed by one
 * below 0x80 is an encoding OpenSSL rejects as "illegal padding").
 */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** A subjectAltName entry: type 7 (IP address) for an IP, type 2 (DNS name) otherwise. */
function altName(host: string): { type: number; value?: string; ip?: string } {
  return isIP(host) !== 0 ? { type: 7, ip: host } : { type: 2, value: host };
}
