import { constants as cryptoConstants, createHash, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { readPkcs12, writePkcs12 } from './pkcs12.js';
import { ER$TLS_KEY_MISMATCH, ER$TLS_BAD_CERT, ER$TLS_NO_CA } from './tls-status.js';
import { SocketError } from './errors.js';
import { checkTimeout } from './validation.js';
import type { CertificateDescription, TlsContextOptions } from '../types/tls-context.js';

/** Modern suites only: ECDHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305. */
const DEFAULT_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
/** Session ticket keys are 48 bytes: name, HMAC secret and AES key, 16 each. */
const TICKET_KEYS_LENGTH = 48;
/** Servers a client context remembers a session for. */
const SESSION_CACHE_LIMIT = 256;
/** OpenSSL keeps at most 32 bytes of session id context (SSL_MAX_SID_CTX_LENGTH). */
const SESSION_ID_CONTEXT_LENGTH = 32;

/**
 * A client's TLS session with a server, and that server's certificate: a resumed handshake
 * carries no certificate, so the one seen in the full handshake is kept to describe it.
 */
export interface SavedSession {
  readonly session: Buffer;
  readonly peer: CertificateDescription | undefined;
}

/** The key material of a context at one moment; reload swaps the whole of it at once. */
export interface Material {
  readonly options: TlsContextOptions;
  readonly secureContext: SecureContext;
  readonly sniContexts: ReadonlyMap<string, SecureContext>;
  readonly certificate: X509Certificate | undefined;
}

/**
 * A TLS configuration that the caller owns: certificate and key, trusted CAs, versions and
 * ciphers, SNI certificates, session ticket keys. Server sockets, accepted sockets and client
 * sockets hold a reference to it; none of them frees it, so closing a server socket never breaks
 * a connection it accepted. One context can serve several server sockets, and `reload` renews
 * its certificate while connections stay up. Made by {@link createTlsContext}.
 *
 * @example
 * ```ts
 * const context = createTlsContext({ cert: 'site.crt', key: 'site.key' });
 * const srvr = await createSecureServerSocket('', 443, SKT$BLOCKING, context);
 * process.on('SIGHUP', () => context.reload({ cert: 'site.crt', key: 'site.key' }));
 * ```
 *
 * @summary A TLS configuration that the caller owns: certificate and key, trusted CAs, versions
 *   and ciphers, SNI certificates, session ticket keys.
 * @group TLS context
 */
export class TlsContext {
  #material: Material;
  /**
   * Session ticket keys that outlive reloads, so a session issued before a certificate renewal
   * still resumes after it. Random per context unless the options give them.
   */
  #ticketKeys: Buffer;
  /** Client side: the last TLS session per server, so the next connection resumes it. */
  readonly #sessions = new Map<string, SavedSession>();

  /**
   * Use {@link createTlsContext}.
   *
   * @param options - see {@link TlsContextOptions}
   */
  constructor(options: TlsContextOptions) {
    this.#ticketKeys = options.ticketKeys ?? randomBytes(TICKET_KEYS_LENGTH);
    this.#material = buildMaterial(options, this.#ticketKeys);
  }

  /**
   * The options in force, with files already read (key material included: internal).
   *
   * @internal
   */
  get options(): TlsContextOptions {
    return this.#material.options;
  }

  /**
   * `true` when the context has a certificate, so it can serve as a TLS server.
   *
   * @example
   * ```ts
   * if (!context.hasCertificate) throw new Error('a server needs cert and key');
   * ```
   */
  get hasCertificate(): boolean {
    return this.#material.certificate !== undefined;
  }

  /**
   * The node:tls SecureContext for a new handshake, chosen by SNI name when one matches.
   *
   * @internal
   */
  secureContextFor(servername?: string): SecureContext {
    return contextForName(this.#material, servername);
  }

  /**
   * The key material in force now. A handshake takes it once, so a reload during the handshake
   * cannot mix old and new material.
   *
   * @internal
   */
  current(): Material {
    return this.#material;
  }

  /**
   * Milliseconds a TLS handshake may take, on the server and on the client side (option
   * `handshakeTimeout`, default 10000; 0 means no limit).
   *
   * @example
   * ```ts
   * createTlsContext({ cert, key, handshakeTimeout: 5000 }).handshakeTimeout; // 5000
   * ```
   */
  get handshakeTimeout(): number {
    return this.#material.options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  }

  /**
   * Replaces the key material atomically: handshakes that start afterwards use the new
   * certificate; open connections are untouched and no server socket restarts. When the new
   * options are bad, the old material stays in force and the error is thrown.
   *
   * As a client, the context forgets the sessions it saved: they were verified against the old
   * trust settings, and a resumed session is not verified again, so keeping them would let a
   * server the new `ca` no longer trusts in. As a server, a session resumes across a reload
   * (the ticket keys stay) only while `ca` and `requestCert` are unchanged.
   *
   * @param options - the complete new options (not merged with the old ones)
   * @throws SocketError `ER$TLS_KEY_MISMATCH`, `ER$TLS_BAD_CERT`, `ER$TLS_PKCS12_PASSWORD`,
   *   `ER$TLS_NO_CA`
   *
   * @example
   * ```ts
   * process.on('SIGHUP', () => context.reload({ cert: '/etc/site/fullchain.pem', key: '/etc/site/key.pem' }));
   * ```
   */
  reload(options: TlsContextOptions): void {
    const ticketKeys = options.ticketKeys ?? this.#ticketKeys;
    this.#material = buildMaterial(options, ticketKeys);
    this.#ticketKeys = ticketKeys;
    this.#sessions.clear();
  }

  /**
   * The session saved for a server, to resume it.
   *
   * @internal
   */
  sessionFor(server: string): SavedSession | undefined {
    return this.#sessions.get(server);
  }

  /**
   * Saves a server's latest session (the oldest of many servers is forgotten), unless the
   * connection that got it was verified with material a reload has replaced since.
   *
   * @internal
   */
  saveSession(server: string, saved: SavedSession, verifiedWith: Material): void {
    if (verifiedWith !== this.#material) return;
    this.#sessions.delete(server);
    this.#sessions.set(server, saved);
    if (this.#sessions.size > SESSION_CACHE_LIMIT) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
  }

  /**
   * Forgets `saved`, a session whose resumption failed, unless a newer one replaced it already.
   *
   * @internal
   */
  forgetSession(server: string, saved: SavedSession): void {
    if (this.#sessions.get(server) === saved) this.#sessions.delete(server);
  }

  /**
   * Describes the context's certificate: subject, names, issuer, validity, SHA-256 fingerprint.
   *
   * @returns the description, or `undefined` for a client context without a certificate
   *
   * @example
   * ```ts
   * const cert = context.describe();
   * if (cert && cert.validTo.getTime() - Date.now() < 14 * 86_400_000) console.warn('renew soon');
   * ```
   */
  describe(): CertificateDescription | undefined {
    const cert = this.#material.certificate;
    return cert === undefined ? undefined : describeCertificate(cert);
  }

  /**
   * Saves the certificate chain and key to a password-protected PKCS#12 file, as
   * `openssl pkcs12 -export` writes it (PBES2: PBKDF2 with HMAC-SHA256 and AES-256-CBC; an
   * HMAC-SHA256 MAC), readable by its owner only. Any key type: RSA, ECDSA, Ed25519.
   * `createTlsContext({ pfx: path, passphrase })` and `openssl pkcs12` load it.
   *
   * @param path - the file to write
   * @param password - the password that protects it
   * @throws SocketError `ER$TLS_BAD_CERT` when the context has no certificate and key to save
   *
   * @example
   * ```ts
   * context.savePkcs12('site.p12', process.env.P12_PASSWORD!);
   * const again = createTlsContext({ pfx: 'site.p12', passphrase: process.env.P12_PASSWORD });
   * ```
   */
  savePkcs12(path: string, password: string): void {
    const { cert, key, passphrase } = this.#material.options;
    if (cert === undefined || key === undefined) {
      throw new SocketError(ER$TLS_BAD_CERT, 'savePkcs12: the context has no certificate and key to save');
    }
    // The context was made from this key, so it reads with its passphrase.
    const privateKey = createPrivateKey(passphrase === undefined ? { key } : { key, passphrase });
    writeFileSync(path, writePkcs12(splitPem(String(cert)), privateKey, password), { mode: 0o600 });
  }
}

/**
 * Creates a TLS context from PEM text, PEM files or a PKCS#12 file: the security context of
 * this library, owned by the caller (like UniVerse's `createSecurityContext`). Safe defaults:
 * TLS 1.2 minimum, AEAD cipher suites with forward secrecy only, the server's cipher order.
 * A context with only `ca` (or nothing) is a client context.
 *
 * @param options - see {@link TlsContextOptions}; names follow node:tls
 * @returns the new context
 * @throws SocketError `ER$TLS_KEY_MISMATCH` when the key does not belong to the certificate;
 *   `ER$TLS_BAD_CERT` for unreadable certificate or key material; `ER$TLS_PKCS12_PASSWORD`
 *   for a wrong PKCS#12 password; `ER$TLS_NO_CA` for `requestCert` without `ca`
 *
 * @example
 * ```ts
 * const server = createTlsContext({ cert: readFileSync('site.crt', 'utf8'), key: readFileSync('site.key', 'utf8') });
 * const fromFiles = createTlsContext({ cert: 'site.crt', key: 'site.key' });
 * const fromP12 = createTlsContext({ pfx: 'site.p12', passphrase: 'secret' });
 * const client = createTlsContext({ ca: 'dev-ca.pem' });
 * ```
 *
 * @summary Creates a TLS context from PEM text, PEM files or a PKCS#12 file: the security context
 *   of this library, owned by the caller (like UniVerse's `createSecurityContext`).
 * @group TLS context
 */
export function createTlsContext(options: TlsContextOptions = {}): TlsContext {
  return new TlsContext(options);
}

/** The SecureContext for a handshake that asked for `servername`: its SNI certificate, or the default. */
export function contextForName(material: Material, servername: string | undefined): SecureContext {
  return (servername && material.sniContexts.get(servername.toLowerCase())) || material.secureContext;
}

function buildMaterial(input: TlsContextOptions, ticketKeys: Buffer): Material {
  if (!Buffer.isBuffer(ticketKeys) || ticketKeys.length !== TICKET_KEYS_LENGTH) {
    throw new TypeError(`ticketKeys must be a Buffer of ${TICKET_KEYS_LENGTH} bytes`);
  }
  checkTimeout(input.handshakeTimeout, 'handshakeTimeout');
  const options = unbundled(readFiles(input));
  const trusted = caList(options.ca);
  // Without `ca`, OpenSSL would check client certificates against every public root: anyone
  // who can buy a certificate from any CA would be let in. Nobody means that.
  if (options.requestCert === true && trusted.length === 0) {
    throw new SocketError(ER$TLS_NO_CA, 'createTlsContext: requestCert needs ca, the CAs whose client certificates to accept');
  }
  const base: SecureContextOptions = {
    minVersion: options.minVersion ?? 'TLSv1.2',
    maxVersion: options.maxVersion ?? 'TLSv1.3',
    ciphers: options.ciphers ?? DEFAULT_CIPHERS,
    honorCipherOrder: true,
    // No renegotiation: a client that asks for it again and again is a cheap denial of service.
    secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION,
    ca: options.ca as SecureContextOptions['ca'],
    ticketKeys,
    ...(options.sessionTimeout === undefined ? {} : { sessionTimeout: options.sessionTimeout }),
    sessionIdContext: sessionIdContextOf(options.requestCert === true, trusted),
  };
  const secureContext = secureContextOf({ ...base, cert: options.cert, key: options.key, passphrase: options.passphrase });
  const sniContexts = new Map<string, SecureContext>();
  for (const [name, entry] of Object.entries(options.sni ?? {})) {
    const pair = readFiles(entry);
    sniContexts.set(name.toLowerCase(), secureContextOf({ ...base, cert: pair.cert, key: pair.key, passphrase: pair.passphrase }));
  }
  return { options, secureContext, sniContexts, certificate: leafCertificate(options) };
}

/** The CAs of the options, as a list (empty when there are none). */
function caList(ca: TlsContextOptions['ca']): readonly (string | Buffer)[] {
  if (ca === undefined) return [];
  return Array.isArray(ca) ? ca : [ca as string | Buffer];
}

/**
 * The session id context of a server: OpenSSL resumes a session only in the context it was
 * made in. Without one, a server that asks for client certificates answers every resumption
 * with an internal_error alert (tls.Server sets one; the TLSSockets made here must too). It is
 * derived from the trust settings, so a session made when other CAs were trusted, or before
 * client certificates were required, is not resumed: the client goes through a full handshake
 * and its certificate is checked against the CAs in force now.
 */
function sessionIdContextOf(requestCert: boolean, trusted: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256').update(requestCert ? 'client certificate required' : 'no client certificate');
  for (const ca of trusted) hash.update('\0').update(ca);
  return hash.digest('hex').slice(0, SESSION_ID_CONTEXT_LENGTH);
}

/**
 * Options with a PKCS#12 bundle turned into the PEM certificate chain and key it holds, read by
 * the library (lib/pkcs12.ts) rather than by OpenSSL: so every key type loads, legacy bundles
 * too, and the context describes and saves its certificate whichever way it was given.
 */
function unbundled(options: TlsContextOptions): TlsContextOptions {
  const { pfx, passphrase, ...rest } = options;
  if (pfx === undefined) return options;
  if (options.cert !== undefined || options.key !== undefined) {
    throw new TypeError('createTlsContext: pfx replaces cert and key: give one or the other');
  }
  return { ...rest, ...readPkcs12(pfx as Buffer, passphrase ?? '') };
}

/** createSecureContext with its OpenSSL errors turned into ScarletDME-style statuses. */
function secureContextOf(options: SecureContextOptions): SecureContext {
  try {
    return createSecureContext(options);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/key values mismatch|KEY_VALUES_MISMATCH/i.test(message)) {
      throw new SocketError(ER$TLS_KEY_MISMATCH, 'createTlsContext: the private key does not belong to the certificate', err);
    }
    throw new SocketError(ER$TLS_BAD_CERT, `createTlsContext: unusable certificate or key: ${message}`, err);
  }
}

/** Values that are not PEM text nor bytes are file paths: read them. */
function readFiles<T extends { cert?: string | Buffer; key?: string | Buffer; pfx?: string | Buffer; ca?: unknown }>(input: T): T {
  const out: Record<string, unknown> = { ...input };
  for (const name of ['cert', 'key'] as const) {
    const value = input[name];
    if (typeof value === 'string' && !value.includes('-----BEGIN')) out[name] = readText(value, name);
  }
  if (typeof input.pfx === 'string') out.pfx = readBytes(input.pfx, 'pfx');
  if (input.ca !== undefined) {
    const list = Array.isArray(input.ca) ? input.ca : [input.ca];
    out.ca = list.map((value: unknown) => (typeof value === 'string' && !value.includes('-----BEGIN') ? readText(value, 'ca') : value));
  }
  return out as T;
}

function readText(path: string, name: string): string {
  return readBytes(path, name).toString('utf8');
}

function readBytes(path: string, name: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new SocketError(ER$TLS_BAD_CERT, `createTlsContext: cannot read ${name} file ${JSON.stringify(path)}`, err);
  }
}

/** The leaf certificate of the options (a bundle's is in `cert` by now), to describe it. */
function leafCertificate(options: TlsContextOptions): X509Certificate | undefined {
  if (options.cert !== undefined) {
    const first = splitPem(String(options.cert))[0];
    return first === undefined ? undefined : new X509Certificate(first);
  }
  return undefined;
}

/** The description of one certificate (also used for peer certificates). */
export function describeCertificate(cert: X509Certificate): CertificateDescription {
  const names = (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry !== '')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''));
  return {
    subject: cert.subject,
    names,
    issuer: cert.issuer,
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    fingerprint256: cert.fingerprint256,
  };
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
