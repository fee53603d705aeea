// The password-based cryptography of PKCS#12 (RFC 7292): the MAC that proves the password and
// the integrity of a bundle, and the encryption of its contents (PBES2 with PBKDF2 and AES, as
// OpenSSL 3 writes by default; and the legacy PKCS#12 schemes, 3DES and 40-bit RC2, that older
// OpenSSL and Windows write). PBES2 and the MAC use Node's crypto (OpenSSL); the legacy schemes
// use node-forge, because Node 20's OpenSSL does not load RC2 without --openssl-legacy-provider.
import { createCipheriv, createDecipheriv, createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import forge from 'node-forge';
import { children, MalformedAsn1, expectOid, expectSequence, integer, integerOf, nullNode, octetsOf, octetString, oidNode, sequence } from './asn1.js';

/** PKCS#12 password-based encryption and MAC parameters the library writes: OpenSSL 3's defaults. */
export const WRITE_ITERATIONS = 2048;
/** Salt bytes written for the MAC and for PBKDF2 (OpenSSL writes 8 and 16). */
const MAC_SALT_LENGTH = 8;
const PBKDF2_SALT_LENGTH = 16;
/**
 * Most iterations accepted for one derivation: a hostile file could otherwise ask for billions
 * and hold the process (tools write 2048 to a few hundred thousand). The legacy schemes derive
 * their keys in node-forge's JavaScript, about a hundred times slower: a lower bound there.
 */
const MAX_ITERATIONS = 1_000_000;
const MAX_LEGACY_ITERATIONS = 100_000;
/**
 * Most iterations for one whole bundle, all its derivations together (the MAC, each encrypted
 * block): a file of many blocks must not add up to minutes of a blocked process. A few seconds.
 */
const MAX_BUNDLE_ITERATIONS = 2_000_000;

/**
 * The password of one bundle being read, with what is left of its iteration budget: every key
 * derivation draws on it before it runs.
 */
export class Pkcs12Password {
  #left = MAX_BUNDLE_ITERATIONS;
  constructor(readonly text: string) {}

  /** Draws `count` iterations of a derivation, or throws when the bundle asks for too many. */
  draw(count: number, most = MAX_ITERATIONS): number {
    if (!Number.isSafeInteger(count) || count < 1 || count > most) {
      throw new UnsupportedPkcs12(`PKCS#12 iteration count ${count} is out of range (1 to ${most})`);
    }
    if (count > this.#left) throw new UnsupportedPkcs12(`the PKCS#12 bundle asks for more than ${MAX_BUNDLE_ITERATIONS} key-derivation iterations in all`);
    this.#left -= count;
    return count;
  }
}

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha256: '2.16.840.1.101.3.4.2.1',
  pbeWithSHAAnd3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  pbeWithSHAAnd40BitRc2Cbc: '1.2.840.113549.1.12.1.6',
} as const;

/** A digest of the MAC: Node hash name, its block size and its output size in bytes. */
interface MacDigest {
  readonly hash: string;
  readonly blockSize: number;
  readonly size: number;
}

/** The digest of the MAC the library writes. */
const SHA256: MacDigest = { hash: 'sha256', blockSize: 64, size: 32 };

/** Digests of the MAC, by its DigestInfo algorithm. */
const MAC_DIGESTS: ReadonlyMap<string, MacDigest> = new Map([
  ['1.3.14.3.2.26', { hash: 'sha1', blockSize: 64, size: 20 }],
  ['2.16.840.1.101.3.4.2.4', { hash: 'sha224', blockSize: 64, size: 28 }],
  [OID.sha256, SHA256],
  ['2.16.840.1.101.3.4.2.2', { hash: 'sha384', blockSize: 128, size: 48 }],
  ['2.16.840.1.101.3.4.2.3', { hash: 'sha512', blockSize: 128, size: 64 }],
]);

/** PBKDF2 pseudo-random functions: Node hash name (absent means HMAC-SHA1, RFC 8018). */
const PBKDF2_PRFS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.2.7', 'sha1'],
  ['1.2.840.113549.2.8', 'sha224'],
  [OID.hmacWithSHA256, 'sha256'],
  ['1.2.840.113549.2.10', 'sha384'],
  ['1.2.840.113549.2.11', 'sha512'],
]);

/** PBES2 encryption schemes: Node cipher name and key length in bytes. */
const PBES2_CIPHERS: ReadonlyMap<string, { cipher: string; keyLength: number }> = new Map([
  ['2.16.840.1.101.3.4.1.2', { cipher: 'aes-128-cbc', keyLength: 16 }],
  ['2.16.840.1.101.3.4.1.22', { cipher: 'aes-192-cbc', keyLength: 24 }],
  [OID.aes256Cbc, { cipher: 'aes-256-cbc', keyLength: 32 }],
  ['1.2.840.113549.3.7', { cipher: 'des-ede3-cbc', keyLength: 24 }],
]);

/**
 * Thrown for an algorithm or parameter the library does not handle: the bundle may be sound,
 * so the caller reports it as unusable material, never as a wrong password.
 */
export class UnsupportedPkcs12 extends Error {}

/** The outcome of checking a bundle's MAC. */
export type MacCheck = 'verified' | 'wrong password';

/**
 * Checks the MAC (`MacData`) over the authenticated safe's bytes. OpenSSL tries an empty
 * password both as an empty BMPString and as no password at all; so does this.
 */
export function checkMac(macData: forge.asn1.Asn1, content: Buffer, password: Pkcs12Password): MacCheck {
  const [digestInfo, saltNode, iterationsNode] = children(expectSequence(macData, 'MacData'));
  const [algorithm, digestNode] = children(expectSequence(digestInfo, 'MacData.mac'));
  const oid = expectOid(children(expectSequence(algorithm, 'MacData.mac.algorithm'))[0], 'MAC digest');
  const digest = MAC_DIGESTS.get(oid);
  if (digest === undefined) throw new UnsupportedPkcs12(`unsupported PKCS#12 MAC digest ${oid}`);
  const expected = octetsOf(digestNode, 'MAC digest');
  const salt = octetsOf(saltNode, 'MAC salt');
  // An HMAC is as long as its hash: a longer "MAC" can never match, and deriving a key as long
  // as it would cost a full run of iterations per hash length.
  if (expected.length !== digest.size) return 'wrong password';
  const iterations = iterationsNode === undefined ? 1 : integerOf(iterationsNode, 'MAC iterations');
  const candidates = password.text === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(password.text)];
  for (const candidate of candidates) {
    const key = pkcs12Kdf(digest, candidate, salt, 3, password.draw(iterations), digest.size);
    // As long as `expected`, checked above: timingSafeEqual compares equal lengths only.
    if (timingSafeEqual(createHmac(digest.hash, key).update(content).digest(), expected)) return 'verified';
  }
  return 'wrong password';
}

/** A `MacData` (HMAC-SHA256, key from the PKCS#12 KDF) over the authenticated safe's bytes. */
export function makeMac(content: Buffer, password: string): forge.asn1.Asn1 {
  const salt = randomBytes(MAC_SALT_LENGTH);
  const key = pkcs12Kdf(SHA256, bmpPassword(password), salt, 3, WRITE_ITERATIONS, SHA256.size);
  const mac = createHmac(SHA256.hash, key).update(content).digest();
  return sequence(sequence(sequence(oidNode(OID.sha256), nullNode()), octetString(mac)), octetString(salt), integer(WRITE_ITERATIONS));
}

/**
 * Decrypts `ciphertext` with the password-based scheme `algorithm` (an AlgorithmIdentifier).
 * A wrong password shows as bad padding: that is an Error, which the caller judges.
 */
export function decrypt(algorithm: forge.asn1.Asn1, ciphertext: Buffer, password: Pkcs12Password): Buffer {
  const [oidValue, params] = children(expectSequence(algorithm, 'encryption algorithm'));
  const oid = expectOid(oidValue, 'encryption algorithm');
  if (oid === OID.pbes2) return decryptPbes2(params, ciphertext, password);
  if (oid === OID.pbeWithSHAAnd3KeyTripleDesCbc || oid === OID.pbeWithSHAAnd40BitRc2Cbc) {
    // node-forge derives the key with the PKCS#12 KDF from the password as a BMPString, as OpenSSL does.
    // Its parameters are the salt and the iteration count, drawn before node-forge runs them.
    const [, iterationsNode] = children(expectSequence(params, 'PKCS#12 PBE parameters'));
    password.draw(integerOf(iterationsNode, 'PKCS#12 PBE iterations'), MAX_LEGACY_ITERATIONS);
    const cipher = forgePbe().getCipher(oid, params as forge.asn1.Asn1, password.text);
    cipher.update(forge.util.createBuffer(ciphertext.toString('binary')));
    if (!cipher.finish()) throw new Error('PKCS#12 decryption failed (bad padding)');
    return Buffer.from(cipher.output.getBytes(), 'binary');
  }
  throw new UnsupportedPkcs12(`unsupported PKCS#12 encryption algorithm ${oid}`);
}

/**
 * Encrypts `plaintext` with PBES2 (PBKDF2 with HMAC-SHA256, AES-256-CBC), as
 * `openssl pkcs12 -export` does: the AlgorithmIdentifier and the ciphertext.
 */
export function encrypt(plaintext: Buffer, password: string): { algorithm: forge.asn1.Asn1; ciphertext: Buffer } {
  const salt = randomBytes(PBKDF2_SALT_LENGTH);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, WRITE_ITERATIONS, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const algorithm = sequence(
    oidNode(OID.pbes2),
    sequence(
      sequence(oidNode(OID.pbkdf2), sequence(octetString(salt), integer(WRITE_ITERATIONS), sequence(oidNode(OID.hmacWithSHA256), nullNode()))),
      sequence(oidNode(OID.aes256Cbc), octetString(iv)),
    ),
  );
  return { algorithm, ciphertext };
}

/** PBES2 (RFC 8018): PBKDF2 then a CBC cipher; the password is used as its UTF-8 bytes, as OpenSSL does. */
function decryptPbes2(params: forge.asn1.Asn1 | undefined, ciphertext: Buffer, password: Pkcs12Password): Buffer {
  const [kdf, scheme] = children(expectSequence(params, 'PBES2 parameters'));
  const [kdfOid, kdfParams] = children(expectSequence(kdf, 'PBES2 key derivation'));
  const kdfName = expectOid(kdfOid, 'PBES2 key derivation');
  if (kdfName !== OID.pbkdf2) throw new UnsupportedPkcs12(`unsupported PBES2 key derivation ${kdfName}`);
  const fields = children(expectSequence(kdfParams, 'PBKDF2 parameters'));
  const salt = octetsOf(fields[0], 'PBKDF2 salt');
  const iterations = password.draw(integerOf(fields[1], 'PBKDF2 iterations'));
  // keyLength (an INTEGER) is optional before prf (a SEQUENCE); both are optional.
  const prfNode = fields.slice(2).find((field) => field.type === forge.asn1.Type.SEQUENCE);
  const prfOid = prfNode === undefined ? '1.2.840.113549.2.7' : expectOid(children(prfNode)[0], 'PBKDF2 prf');
  const hash = PBKDF2_PRFS.get(prfOid);
  if (hash === undefined) throw new UnsupportedPkcs12(`unsupported PBKDF2 prf ${prfOid}`);
  const [cipherOid, ivNode] = children(expectSequence(scheme, 'PBES2 encryption scheme'));
  const cipherName = expectOid(cipherOid, 'PBES2 encryption scheme');
  const cipher = PBES2_CIPHERS.get(cipherName);
  if (cipher === undefined) throw new UnsupportedPkcs12(`unsupported PBES2 cipher ${cipherName}`);
  const key = pbkdf2Sync(Buffer.from(password.text, 'utf8'), salt, iterations, cipher.keyLength, hash);
  const decipher = createDecipheriv(cipher.cipher, key, octetsOf(ivNode, 'PBES2 IV'));
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/**
 * The PKCS#12 key derivation function (RFC 7292 appendix B.2), used for the MAC key (`id` 3).
 * `password` is already a BMPString with its two terminating zero bytes (or empty for none).
 */
function pkcs12Kdf(digest: MacDigest, password: Buffer, salt: Buffer, id: number, iterations: number, length: number): Buffer {
  const v = digest.blockSize;
  const repeatTo = (bytes: Buffer): Buffer => {
    const size = v * Math.ceil(bytes.length / v);
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = bytes[i % bytes.length] as number;
    return out;
  };
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([repeatTo(salt), repeatTo(password)]);
  const output: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let a = createHash(digest.hash).update(diversifier).update(input).digest();
    for (let i = 1; i < iterations; i++) a = createHash(digest.hash).update(a).digest();
    output.push(a);
    produced += a.length;
    if (produced >= length) break;
    // Each v-byte block of the input becomes (block + B + 1) mod 2^(8v), B being `a` repeated to v bytes.
    const b = Buffer.alloc(v);
    for (let i = 0; i < v; i++) b[i] = a[i % a.length] as number;
    for (let start = 0; start < input.length; start += v) {
      let carry = 1;
      for (let i = v - 1; i >= 0; i--) {
        const sum = (input[start + i] as number) + (b[i] as number) + carry;
        input[start + i] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  return Buffer.concat(output).subarray(0, length);
}

/** A password as PKCS#12 hashes it: UTF-16 big-endian code units and a terminating zero. */
function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

/** node-forge's password-based encryption (pki.pbe), which its type definitions lack. */
function forgePbe(): { getCipher(oid: string, params: forge.asn1.Asn1, password: string): forge.cipher.BlockCipher } {
  return (forge.pki as unknown as { pbe: ReturnType<typeof forgePbe> }).pbe;
}
