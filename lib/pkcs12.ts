// PKCS#12 bundles (`.p12`/`.pfx`, RFC 7292) of any key type: the PFX structure is read and
// written here with node-forge's ASN.1 codec, keys and certificates are handed to Node's crypto
// (OpenSSL) as DER, so RSA, ECDSA, Ed25519 and whatever else OpenSSL reads all work alike.
// node-forge's own PKCS#12 functions are not used: they build forge key and certificate objects,
// which exist for RSA only.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import {
  children,
  decodeDer,
  encodeDer,
  expectOid,
  expectSequence,
  explicit,
  explicitContent,
  implicitOctets,
  integer,
  integerOf,
  MalformedAsn1,
  octetsOf,
  octetString,
  oidNode,
  sequence,
  set,
} from './asn1.js';
import { checkMac, decrypt, encrypt, makeMac, Pkcs12Password, UnsupportedPkcs12 } from './pkcs12-crypto.js';
import { SocketError } from './errors.js';
import { ER$TLS_BAD_CERT, ER$TLS_KEY_MISMATCH, ER$TLS_PKCS12_PASSWORD } from './tls-status.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

/** Nested SafeContents bags deeper than this are refused (a hostile file could nest without end). */
const MAX_NESTING = 4;

/** What a bundle holds, as `createTlsContext` takes it. */
export interface Pkcs12Contents {
  /** The certificate chain, PEM, the certificate of `key` first, the others in the bundle's order. */
  readonly cert: string;
  /** The private key, unencrypted PKCS#8 PEM. */
  readonly key: string;
}

/**
 * Reads a PKCS#12 bundle: checks its MAC with `password`, decrypts its contents, and returns
 * the first private key with the certificates. Like OpenSSL, the certificate that goes with the
 * key comes first; the rest follow as its chain.
 *
 * @throws SocketError `ER$TLS_PKCS12_PASSWORD` for a wrong password; `ER$TLS_BAD_CERT` for bytes
 *   that are not a bundle, a damaged one, an unsupported algorithm, a bundle without a key or
 *   without a certificate; `ER$TLS_KEY_MISMATCH` when no certificate in it belongs to the key
 *
 * @example
 * ```ts
 * const { cert, key } = readPkcs12(readFileSync('site.p12'), 'secret');
 * ```
 */
export function readPkcs12(bytes: Buffer, passwordText: string): Pkcs12Contents {
  const password = new Pkcs12Password(passwordText);
  let passwordProven = false;
  try {
    const [versionNode, authSafe, macData] = children(expectSequence(decodeDer(bytes, 'the PKCS#12 file'), 'PFX'));
    if (integerOf(versionNode, 'PFX version') !== 3) throw new MalformedAsn1('PFX version is not 3');
    const [typeNode, contentNode] = children(expectSequence(authSafe, 'PFX authSafe'));
    const type = expectOid(typeNode, 'PFX authSafe type');
    if (type !== OID.data) throw new UnsupportedPkcs12(`PKCS#12 with public-key integrity (content type ${type}) is not supported`);
    const content = octetsOf(explicitContent(contentNode, 'PFX authSafe content'), 'PFX authSafe content');
    if (macData !== undefined) {
      if (checkMac(macData, content, password) === 'wrong password') {
        throw new SocketError(ER$TLS_PKCS12_PASSWORD, 'createTlsContext: wrong PKCS#12 password (the MAC does not match)');
      }
      passwordProven = true;
    }
    const found: Found = { keys: [], certs: [] };
    for (const info of children(expectSequence(decodeDer(content, 'PFX authenticated safe'), 'AuthenticatedSafe'))) {
      readContentInfo(info, password, found);
    }
    return pairUp(found);
  } catch (err) {
    if (err instanceof SocketError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // A bundle without a MAC has only its padding and structure to show a wrong password.
    if (err instanceof UndecryptableContent && !passwordProven) {
      throw new SocketError(ER$TLS_PKCS12_PASSWORD, 'createTlsContext: wrong PKCS#12 password (its contents do not decrypt)', err);
    }
    throw new SocketError(ER$TLS_BAD_CERT, `createTlsContext: unusable PKCS#12 bundle: ${message}`, err);
  }
}

/**
 * Writes a PKCS#12 bundle as `openssl pkcs12 -export` does by default: the certificates in a
 * PBES2-encrypted safe (PBKDF2 with HMAC-SHA256, AES-256-CBC), the key in a shrouded key bag
 * with the same scheme, the first certificate and the key tied by a `localKeyId`, and an
 * HMAC-SHA256 MAC over the whole, all with `password`.
 *
 * @param chain - the certificates, PEM, the key's own first
 * @param key - the private key (any type OpenSSL handles)
 * @returns the DER bytes of the bundle
 *
 * @example
 * ```ts
 * writeFileSync('site.p12', writePkcs12([leafPem, intermediatePem], createPrivateKey(keyPem), 'secret'));
 * ```
 */
export function writePkcs12(chain: readonly string[], key: KeyObject, password: string): Buffer {
  const certs = chain.map(certificateFromPem);
  const leaf = certs[0];
  if (leaf === undefined) throw new SocketError(ER$TLS_BAD_CERT, 'savePkcs12: the context has no certificate to save');
  const keyId = octetString(createHash('sha1').update(leaf.raw).digest());
  const idAttributes = set(sequence(oidNode(OID.localKeyId), set(keyId)));
  const certBags = certs.map((cert, index) => {
    const value = explicit(sequence(oidNode(OID.x509Certificate), explicit(octetString(cert.raw))));
    return index === 0 ? sequence(oidNode(OID.certBag), value, idAttributes) : sequence(oidNode(OID.certBag), value);
  });
  const certSafe = encrypt(encodeDer(sequence(...certBags)), password);
  const certInfo = sequence(
    oidNode(OID.encryptedData),
    explicit(sequence(integer(0), sequence(oidNode(OID.data), certSafe.algorithm, implicitOctets(certSafe.ciphertext)))),
  );
  const shrouded = encrypt(key.export({ type: 'pkcs8', format: 'der' }), password);
  const keyBag = sequence(oidNode(OID.pkcs8ShroudedKeyBag), explicit(sequence(shrouded.algorithm, octetString(shrouded.ciphertext))), idAttributes);
  const keyInfo = sequence(oidNode(OID.data), explicit(octetString(encodeDer(sequence(keyBag)))));
  const content = encodeDer(sequence(certInfo, keyInfo));
  return encodeDer(sequence(integer(3), sequence(oidNode(OID.data), explicit(octetString(content))), makeMac(content, password)));
}

/** Keys and certificates found so far, in the bundle's order. */
interface Found {
  readonly keys: KeyObject[];
  readonly certs: X509Certificate[];
}

/** Encrypted content that did not decrypt to what it should: with no MAC, how a wrong password shows. */
class UndecryptableContent extends Error {}

/**
 * Decrypts `ciphertext` and reads the result. A failure of either is UndecryptableContent;
 * an algorithm the library does not handle stays UnsupportedPkcs12 (not a password matter).
 */
function openEncrypted<T>(algorithm: forge.asn1.Asn1 | undefined, ciphertext: forge.asn1.Asn1 | undefined, password: Pkcs12Password, read: (plain: Buffer) => T): T {
  if (algorithm === undefined) throw new MalformedAsn1('encrypted content without an algorithm');
  const bytes = octetsOf(ciphertext, 'encrypted content');
  try {
    return read(decrypt(algorithm, bytes, password));
  } catch (err) {
    if (err instanceof UnsupportedPkcs12 || err instanceof UndecryptableContent) throw err;
    throw new UndecryptableContent(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** Reads one ContentInfo of the authenticated safe: SafeContents, plain or encrypted. */
function readContentInfo(info: forge.asn1.Asn1, password: Pkcs12Password, found: Found): void {
  const [typeNode, contentNode] = children(expectSequence(info, 'ContentInfo'));
  const type = expectOid(typeNode, 'ContentInfo type');
  const content = explicitContent(contentNode, 'ContentInfo content');
  if (type === OID.data) {
    readSafeContents(octetsOf(content, 'ContentInfo data'), password, found, 0);
    return;
  }
  if (type !== OID.encryptedData) throw new UnsupportedPkcs12(`unsupported PKCS#12 content type ${type}`);
  const [, encryptedContentInfo] = children(expectSequence(content, 'EncryptedData'));
  const [, algorithm, ciphertext] = children(expectSequence(encryptedContentInfo, 'EncryptedContentInfo'));
  openEncrypted(algorithm, ciphertext, password, (plain) => readSafeContents(plain, password, found, 0));
}

/** Collects the keys and certificates of a SafeContents (decrypting shrouded keys). */
function readSafeContents(bytes: Buffer, password: Pkcs12Password, found: Found, depth: number): void {
  const safeContents = expectSequence(decodeDer(bytes, 'SafeContents'), 'SafeContents');
  for (const bag of children(safeContents)) {
    const [idNode, valueNode] = children(expectSequence(bag, 'SafeBag'));
    const id = expectOid(idNode, 'SafeBag type');
    const value = explicitContent(valueNode, 'SafeBag value');
    if (id === OID.keyBag) {
      found.keys.push(privateKeyOf(encodeDer(value)));
    } else if (id === OID.pkcs8ShroudedKeyBag) {
      const [algorithm, ciphertext] = children(expectSequence(value, 'EncryptedPrivateKeyInfo'));
      found.keys.push(openEncrypted(algorithm, ciphertext, password, privateKeyOf));
    } else if (id === OID.certBag) {
      const [typeNode, certNode] = children(expectSequence(value, 'CertBag'));
      // Other certificate types (SDSI) are skipped, as OpenSSL skips them.
      if (expectOid(typeNode, 'CertBag type') === OID.x509Certificate) {
        found.certs.push(certificateOf(octetsOf(explicitContent(certNode, 'CertBag value'), 'CertBag value')));
      }
    } else if (id === OID.safeContentsBag) {
      if (depth >= MAX_NESTING) throw new UnsupportedPkcs12('PKCS#12 SafeContents nested too deep');
      readSafeContents(encodeDer(value), password, found, depth + 1);
    }
    // CRL and secret bags carry nothing a TLS context uses: skipped, as OpenSSL skips them.
  }
}

/** The key and its chain: the certificate whose public key is the key's comes first. */
function pairUp(found: Found): Pkcs12Contents {
  const key = found.keys[0];
  if (key === undefined) throw new SocketError(ER$TLS_BAD_CERT, 'createTlsContext: the PKCS#12 bundle holds no private key');
  if (found.certs.length === 0) throw new SocketError(ER$TLS_BAD_CERT, 'createTlsContext: the PKCS#12 bundle holds no certificate');
  const leaf = found.certs.find((cert) => cert.checkPrivateKey(key));
  if (leaf === undefined) {
    throw new SocketError(ER$TLS_KEY_MISMATCH, 'createTlsContext: no certificate in the PKCS#12 bundle belongs to its private key');
  }
  const chain = [leaf, ...found.certs.filter((cert) => cert !== leaf)];
  return {
    cert: chain.map((cert) => cert.toString()).join(''),
    key: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function privateKeyOf(der: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new MalformedAsn1(`unreadable private key in the PKCS#12 bundle: ${(err as Error).message}`);
  }
}

function certificateOf(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (err) {
    throw new MalformedAsn1(`unreadable certificate in the PKCS#12 bundle: ${(err as Error).message}`);
  }
}

function certificateFromPem(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new SocketError(ER$TLS_BAD_CERT, `savePkcs12: unreadable certificate: ${(err as Error).message}`, err);
  }
}
