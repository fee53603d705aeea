// PKCS#12 bundles of every key type a certificate is commonly made with (RSA, ECDSA P-256,
// P-384 and P-521, Ed25519), both ways: bundles `openssl pkcs12 -export` makes (modern and
// -legacy) load and serve their certificate and chain in a real TLS handshake; bundles
// savePkcs12 writes open in `openssl pkcs12`, with a key that matches the certificate. Bad
// bundles give ER$TLS_ statuses.
// The keys and certificates are made at run time: the root CA and the RSA leaf by the library,
// the others by the openssl command (see the files shared by the whole file, below).
import { X509Certificate, createCipheriv, createPrivateKey, createPublicKey, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import {
  createCertificateAuthority,
  createTlsContext,
  ER$TLS_BAD_CERT,
  ER$TLS_KEY_MISMATCH,
  ER$TLS_PKCS12_PASSWORD,
  issueCertificate,
  readSecureSocket,
  SKT$BLOCKING,
  SKT$INFO_TLS_PEER_CERT,
  socketInfo,
  writeSecureSocket,
  type CertificateAndKey,
} from '../lib/index.js';
import type forge from 'node-forge';
import { encodeDer, explicit, implicitOctets, integer, nullNode, octetString, oidNode, sequence } from '../lib/asn1.js';
import { writePkcs12 } from '../lib/pkcs12.js';
import { expectSocketError } from './helpers/assertions.js';
import { getOnce, runCommand, startCli } from './helpers/seraphim-cli.js';
import { tempDir } from './helpers/tls-peers.js';
import { secureAccept, secureConnect, secureListen } from './helpers/tls.js';

const OPENSSL_TIMEOUT = 60_000;
/**
 * Handshakes, accepts, reads and writes may take this long, on a machine other test runs share.
 * The tests run one at a time (test.serial): all at once in one process, beside their openssl
 * processes, a busy machine once held a client's ClientHello past the 3 s a server gives a new
 * connection for its first byte (FIRST_BYTE_TIMEOUT), and the server cut it off.
 */
const IO_LIMIT = 60_000;

/** The key types under test, as `openssl req -newkey` makes them. */
const KEY_TYPES = {
  'RSA 2048': ['-newkey', 'rsa:2048'],
  'ECDSA P-256': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ECDSA P-384': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'ECDSA P-521': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  Ed25519: ['-newkey', 'ed25519'],
} as const;
type KeyType = keyof typeof KEY_TYPES;

/** A certificate and key made by openssl, as files. */
interface Issued {
  readonly cert: string;
  readonly key: string;
}

/**
 * Files shared by the whole file, made at run time by the first test that needs them, in a
 * temporary folder: a root CA (the library's own createCertificateAuthority), an intermediate CA
 * it signed, and a server certificate per key type signed by the intermediate. The library's
 * helpers make RSA certificates only (node-forge's), so they make the root and the RSA leaf;
 * openssl makes the intermediate (the helpers issue no CA) and the ECDSA and Ed25519 leaves.
 */
const dir = mkdtempSync(join(tmpdir(), 'scarlet-pkcs12-'));
/** Where the certificate and key called `name` are kept. */
const filesOf = (name: string): Issued => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) });
const root = filesOf('root');
const intermediate = filesOf('intermediate');
let authorities: Promise<void> | undefined;
const leaves = new Map<KeyType, Promise<Issued>>();
/** Whether this openssl can write -legacy bundles (RC2 needs its legacy provider). */
let legacyProbe: Promise<boolean> | undefined;

test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** Runs openssl (in the test's lifetime) and fails with its stderr when it fails. */
async function openssl(t: ExecutionContext, args: readonly string[]): Promise<string> {
  const result = await runCommand(t, 'openssl', args, { timeoutMs: OPENSSL_TIMEOUT });
  if (result.code !== 0) throw new Error(`openssl ${args.join(' ')} failed (${result.code ?? result.signal}): ${result.stderr}`);
  return result.stdout + result.stderr;
}

function extensions(name: string, lines: readonly string[]): string {
  const file = join(dir, `${name}.ext`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A certificate for `name` signed by `issuer` (a CA when `ca`), with a new key of `keyType`. */
async function issue(t: ExecutionContext, name: string, keyType: KeyType, issuer: Issued, ca: boolean): Promise<Issued> {
  const { cert, key } = filesOf(name);
  const csr = join(dir, `${name}.csr`);
  await openssl(t, ['req', '-new', ...KEY_TYPES[keyType], '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  const ext = ca
    ? extensions(name, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'])
    : extensions(name, ['basicConstraints=CA:FALSE', 'subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth']);
  // A random serial of its own: certificates are issued at once, and -CAcreateserial's shared
  // serial file would be read and written by several openssl processes.
  const serial = `0x${randomBytes(8).toString('hex').replace(/^./, '1')}`;
  await openssl(t, ['x509', '-req', '-in', csr, '-CA', issuer.cert, '-CAkey', issuer.key, '-set_serial', serial, '-days', '2', '-extfile', ext, '-out', cert]);
  return { cert, key };
}

/** Writes a certificate and key the library made to files, for openssl. */
function written(name: string, made: CertificateAndKey): Issued {
  const files = filesOf(name);
  writeFileSync(files.cert, made.cert);
  writeFileSync(files.key, made.key, { mode: 0o600 });
  return files;
}

/** The root and intermediate CAs (made once per file). */
function ready(t: ExecutionContext): Promise<void> {
  authorities ??= (async () => {
    written('root', createCertificateAuthority('pkcs12 test root'));
    await issue(t, 'intermediate', 'RSA 2048', root, true);
  })();
  return authorities;
}

/** The server certificate of a key type, signed by the intermediate CA (made once per file). */
async function leafOf(t: ExecutionContext, keyType: KeyType): Promise<Issued> {
  await ready(t);
  let leaf = leaves.get(keyType);
  if (leaf === undefined) {
    const name = `localhost-${keyType.replace(/\W/g, '')}`;
    const ca = { cert: readFileSync(intermediate.cert, 'utf8'), key: readFileSync(intermediate.key, 'utf8') };
    leaf = keyType === 'RSA 2048' ? Promise.resolve(written(name, issueCertificate(ca, { hosts: ['localhost', '127.0.0.1'], days: 2 }))) : issue(t, name, keyType, intermediate, false);
    leaves.set(keyType, leaf);
  }
  return leaf;
}

/** Whether this openssl writes `-legacy` bundles (it needs its legacy provider for RC2). */
async function legacySupported(t: ExecutionContext): Promise<boolean> {
  await ready(t);
  const probe = ['pkcs12', '-export', '-legacy', '-in', intermediate.cert, '-inkey', intermediate.key, '-passout', 'pass:x', '-out', join(dir, 'legacy-probe.p12')];
  legacyProbe ??= runCommand(t, 'openssl', probe, { timeoutMs: OPENSSL_TIMEOUT }).then((result) => result.code === 0);
  return legacyProbe;
}

/** `openssl pkcs12 -export` of a leaf with the intermediate CA as its chain; returns the file. */
async function exportBundle(t: ExecutionContext, leaf: Issued, password: string, extra: readonly string[] = []): Promise<string> {
  const out = join(tempDir(t), 'bundle.p12');
  await openssl(t, ['pkcs12', '-export', '-in', leaf.cert, '-inkey', leaf.key, '-certfile', intermediate.cert, '-passout', `pass:${password}`, ...extra, '-out', out]);
  return out;
}

const fingerprintOfFile = (path: string): string => new X509Certificate(readFileSync(path)).fingerprint256;

/**
 * A real handshake with `serverOptions`: a client that trusts only the root CA connects to
 * `localhost`, so it succeeds only if the server sends the leaf and the intermediate. Returns
 * the fingerprint of the certificate the client was shown; bytes cross both ways.
 */
async function servedFingerprint(t: ExecutionContext, serverOptions: Parameters<typeof createTlsContext>[0]): Promise<string | undefined> {
  const { server, port } = await secureListen(t, createTlsContext({ ...serverOptions, handshakeTimeout: IO_LIMIT }));
  const clientContext = createTlsContext({ ca: root.cert, handshakeTimeout: IO_LIMIT });
  const [client, accepted] = await Promise.all([secureConnect(t, port, clientContext), secureAccept(t, server, IO_LIMIT)]);
  await writeSecureSocket(client, 'ping', SKT$BLOCKING, IO_LIMIT);
  t.is(await readSecureSocket(accepted, 4, SKT$BLOCKING, IO_LIMIT), 'ping');
  await writeSecureSocket(accepted, 'pong', SKT$BLOCKING, IO_LIMIT);
  t.is(await readSecureSocket(client, 4, SKT$BLOCKING, IO_LIMIT), 'pong');
  return socketInfo(client, SKT$INFO_TLS_PEER_CERT)?.fingerprint256;
}

for (const keyType of Object.keys(KEY_TYPES) as KeyType[]) {
  test.serial(`${keyType}: a bundle from openssl pkcs12 -export (AES-256-CBC, PBKDF2) loads and serves its certificate and chain`, async (t) => {
    const leaf = await leafOf(t, keyType);
    const pfx = await exportBundle(t, leaf, 'correct horse');
    t.is(await servedFingerprint(t, { pfx, passphrase: 'correct horse' }), fingerprintOfFile(leaf.cert));
    t.is(createTlsContext({ pfx: readFileSync(pfx), passphrase: 'correct horse' }).describe()?.fingerprint256, fingerprintOfFile(leaf.cert), 'bytes load as the path does');
  });

  test.serial(`${keyType}: a bundle from openssl pkcs12 -export -legacy (3DES key, RC2 certificates) loads and serves its certificate`, async (t) => {
    if (!(await legacySupported(t))) {
      t.log('this openssl cannot write -legacy bundles (no legacy provider): nothing to load');
      t.pass();
      return;
    }
    const leaf = await leafOf(t, keyType);
    const pfx = await exportBundle(t, leaf, 'correct horse', ['-legacy']);
    t.is(await servedFingerprint(t, { pfx, passphrase: 'correct horse' }), fingerprintOfFile(leaf.cert));
  });

  test.serial(`${keyType}: a bundle savePkcs12 writes opens in openssl pkcs12, with the chain and a key that matches the certificate`, async (t) => {
    const leaf = await leafOf(t, keyType);
    const work = tempDir(t);
    const chain = readFileSync(leaf.cert, 'utf8') + readFileSync(intermediate.cert, 'utf8');
    const saved = join(work, 'saved.p12');
    createTlsContext({ cert: chain, key: leaf.key }).savePkcs12(saved, 'battery staple');
    const dump = join(work, 'dump.pem');
    const info = await openssl(t, ['pkcs12', '-info', '-nodes', '-passin', 'pass:battery staple', '-in', saved, '-out', dump]);
    t.regex(info, /MAC: sha256/);
    t.regex(info, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC/);
    t.regex(info, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    const pems = readFileSync(dump, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    t.deepEqual(pems.map((pem) => new X509Certificate(pem).fingerprint256), [fingerprintOfFile(leaf.cert), fingerprintOfFile(intermediate.cert)]);
    // openssl's view of the key: its public half is the certificate's public key.
    const keyPublic = await openssl(t, ['pkey', '-in', dump, '-pubout']);
    const certPublic = await openssl(t, ['x509', '-in', leaf.cert, '-noout', '-pubkey']);
    t.is(keyPublic.trim(), certPublic.trim());
    t.is(await servedFingerprint(t, { pfx: saved, passphrase: 'battery staple' }), fingerprintOfFile(leaf.cert), 'and it loads back');
  });
}

test.serial('bundles with the other algorithms openssl can choose load: AES-128/192 and 3DES under PBES2, MACs of SHA-1 and SHA-512', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-256');
  const choices = [
    ['-keypbe', 'AES-128-CBC', '-certpbe', 'DES-EDE3-CBC', '-macalg', 'sha512'],
    ['-keypbe', 'AES-192-CBC', '-certpbe', 'AES-128-CBC', '-macalg', 'sha1'],
    ['-keypbe', 'DES-EDE3-CBC', '-certpbe', 'NONE', '-macalg', 'sha384'],
  ];
  for (const choice of choices) {
    const pfx = await exportBundle(t, leaf, 'pw', choice);
    t.is(createTlsContext({ pfx, passphrase: 'pw' }).describe()?.fingerprint256, fingerprintOfFile(leaf.cert), choice.join(' '));
  }
});

test.serial('a context loaded from a bundle saves again (the chain and key travel through)', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-256');
  const again = join(tempDir(t), 'again.p12');
  createTlsContext({ pfx: await exportBundle(t, leaf, 'first'), passphrase: 'first' }).savePkcs12(again, 'second');
  t.is(await servedFingerprint(t, { pfx: again, passphrase: 'second' }), fingerprintOfFile(leaf.cert));
});

test.serial('a password with characters beyond ASCII works both ways (UTF-8 for PBKDF2, BMPString for the MAC)', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-384');
  const password = 'pässwörd ✓';
  const fromOpenssl = await exportBundle(t, leaf, password);
  t.is(createTlsContext({ pfx: fromOpenssl, passphrase: password }).describe()?.fingerprint256, fingerprintOfFile(leaf.cert));
  const saved = join(tempDir(t), 'saved.p12');
  createTlsContext({ cert: leaf.cert, key: leaf.key }).savePkcs12(saved, password);
  const dump = await openssl(t, ['pkcs12', '-nodes', '-passin', `pass:${password}`, '-in', saved]);
  // openssl opened the key: it is the certificate's.
  const spki = { type: 'spki', format: 'der' } as const;
  t.deepEqual(createPublicKey(createPrivateKey(dump)).export(spki), new X509Certificate(readFileSync(leaf.cert)).publicKey.export(spki));
});

test.serial('an empty password: a bundle openssl made with none loads without a passphrase', async (t) => {
  const leaf = await leafOf(t, 'Ed25519');
  const pfx = await exportBundle(t, leaf, '');
  t.is(createTlsContext({ pfx }).describe()?.fingerprint256, fingerprintOfFile(leaf.cert));
  t.is(createTlsContext({ pfx, passphrase: '' }).describe()?.fingerprint256, fingerprintOfFile(leaf.cert));
});

test.serial('a wrong or missing password gives ER$TLS_PKCS12_PASSWORD (7105), with a MAC and without one', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-256');
  for (const extra of [[], ['-nomac']]) {
    const pfx = await exportBundle(t, leaf, 'correct horse', extra);
    await expectSocketError(t, () => createTlsContext({ pfx, passphrase: 'wrong' }), ER$TLS_PKCS12_PASSWORD);
    await expectSocketError(t, () => createTlsContext({ pfx }), ER$TLS_PKCS12_PASSWORD);
  }
  if (await legacySupported(t)) {
    const legacy = await exportBundle(t, leaf, 'correct horse', ['-legacy']);
    await expectSocketError(t, () => createTlsContext({ pfx: legacy, passphrase: 'wrong' }), ER$TLS_PKCS12_PASSWORD);
  }
});

test.serial('reload with a wrong bundle password keeps the old certificate', async (t) => {
  const [ecdsa, ed25519] = await Promise.all([leafOf(t, 'ECDSA P-256'), leafOf(t, 'Ed25519')]);
  const context = createTlsContext({ pfx: await exportBundle(t, ecdsa, 'one'), passphrase: 'one' });
  const other = await exportBundle(t, ed25519, 'two');
  await expectSocketError(t, () => context.reload({ pfx: other, passphrase: 'one' }), ER$TLS_PKCS12_PASSWORD);
  t.is(context.describe()?.fingerprint256, fingerprintOfFile(ecdsa.cert));
  context.reload({ pfx: other, passphrase: 'two' });
  t.is(context.describe()?.fingerprint256, fingerprintOfFile(ed25519.cert));
});

test.serial('a damaged bundle gives ER$TLS_BAD_CERT: truncated, not PKCS#12 at all, or a PEM file', async (t) => {
  const leaf = await leafOf(t, 'RSA 2048');
  const bytes = readFileSync(await exportBundle(t, leaf, 'pw'));
  await expectSocketError(t, () => createTlsContext({ pfx: bytes.subarray(0, bytes.length - 40), passphrase: 'pw' }), ER$TLS_BAD_CERT);
  await expectSocketError(t, () => createTlsContext({ pfx: Buffer.from('not a bundle at all'), passphrase: 'pw' }), ER$TLS_BAD_CERT);
  await expectSocketError(t, () => createTlsContext({ pfx: leaf.cert, passphrase: 'pw' }), ER$TLS_BAD_CERT);
  await expectSocketError(t, () => createTlsContext({ pfx: join(tempDir(t), 'missing.p12'), passphrase: 'pw' }), ER$TLS_BAD_CERT);
});

test.serial('a byte changed inside a bundle gives ER$TLS_PKCS12_PASSWORD: its MAC cannot tell damage from a wrong password', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-256');
  const bytes = Buffer.from(readFileSync(await exportBundle(t, leaf, 'pw')));
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] as number) ^ 0x01;
  await expectSocketError(t, () => createTlsContext({ pfx: bytes, passphrase: 'pw' }), ER$TLS_PKCS12_PASSWORD);
});

test.serial('a bundle without a key, or without a certificate, gives ER$TLS_BAD_CERT', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-256');
  const noKey = await exportBundle(t, leaf, 'pw', ['-nokeys']);
  const noCert = join(tempDir(t), 'key-only.p12');
  await openssl(t, ['pkcs12', '-export', '-nocerts', '-inkey', leaf.key, '-passout', 'pass:pw', '-out', noCert]);
  const errors = [
    await expectSocketError(t, () => createTlsContext({ pfx: noKey, passphrase: 'pw' }), ER$TLS_BAD_CERT),
    await expectSocketError(t, () => createTlsContext({ pfx: noCert, passphrase: 'pw' }), ER$TLS_BAD_CERT),
  ];
  t.deepEqual(errors.map((err) => /no private key|no certificate/.exec(err?.message ?? '')?.[0]), ['no private key', 'no certificate']);
});

test.serial('a bundle whose key belongs to none of its certificates gives ER$TLS_KEY_MISMATCH', async (t) => {
  const [ecdsa, ed25519] = await Promise.all([leafOf(t, 'ECDSA P-256'), leafOf(t, 'Ed25519')]);
  const mismatched = writePkcs12([readFileSync(ecdsa.cert, 'utf8')], createPrivateKey(readFileSync(ed25519.key)), 'pw');
  await expectSocketError(t, () => createTlsContext({ pfx: mismatched, passphrase: 'pw' }), ER$TLS_KEY_MISMATCH);
});

test.serial('savePkcs12 on a context without a certificate gives ER$TLS_BAD_CERT; pfx with cert is a TypeError', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-256');
  const client = createTlsContext({ ca: root.cert });
  await expectSocketError(t, () => client.savePkcs12(join(tempDir(t), 'nothing.p12'), 'pw'), ER$TLS_BAD_CERT);
  const pfx = await exportBundle(t, leaf, 'pw');
  t.throws(() => createTlsContext({ pfx, passphrase: 'pw', cert: leaf.cert }), { instanceOf: TypeError });
});

test.serial('seraphim --pfx serves HTTPS with an ECDSA bundle made by openssl', async (t) => {
  const leaf = await leafOf(t, 'ECDSA P-256');
  const pfx = await exportBundle(t, leaf, 'seraphim secret');
  const passphraseFile = join(tempDir(t), 'passphrase');
  writeFileSync(passphraseFile, 'seraphim secret\n', { mode: 0o600 });
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--pfx', pfx, '--passphrase-file', passphraseFile, '--access-log', 'off']);
  const answer = await getOnce(cli.ports.https as number, '/', createTlsContext({ ca: root.cert, handshakeTimeout: IO_LIMIT }), IO_LIMIT);
  t.is(answer.status, 200);
});

type Asn1Node = forge.asn1.Asn1;

/** A PKCS#12 file around `contentInfos` (an AuthenticatedSafe), with `mac` as its MacData if given. */
function hostileBundle(contentInfos: Asn1Node[], mac?: Asn1Node): Buffer {
  const content = encodeDer(sequence(...contentInfos));
  const pfx = [integer(3), sequence(oidNode(PKCS7_DATA), explicit(octetString(content)))];
  return encodeDer(mac === undefined ? sequence(...pfx) : sequence(...pfx, mac));
}

/** An EncryptedData ContentInfo with `algorithm` and `ciphertext`. */
function encryptedInfo(algorithm: Asn1Node, ciphertext: Buffer): Asn1Node {
  return sequence(oidNode('1.2.840.113549.1.7.6'), explicit(sequence(integer(0), sequence(oidNode(PKCS7_DATA), algorithm, implicitOctets(ciphertext)))));
}

/** An empty SafeContents encrypted with PBES2 (PBKDF2-SHA256 at `iterations`, AES-256-CBC) under `password`: a block that decrypts. */
function pbes2Block(password: string, iterations: number): Asn1Node {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(encodeDer(sequence())), cipher.final()]);
  const kdf = sequence(oidNode('1.2.840.113549.1.5.12'), sequence(octetString(salt), integer(iterations), sequence(oidNode('1.2.840.113549.2.9'), nullNode())));
  return encryptedInfo(sequence(oidNode('1.2.840.113549.1.5.13'), sequence(kdf, sequence(oidNode('2.16.840.1.101.3.4.1.42'), octetString(iv)))), ciphertext);
}

const PKCS7_DATA = '1.2.840.113549.1.7.1';
/** Long enough to notice a derivation that ran; far shorter than one that would run for the counts below (minutes to hours). */
const HOSTILE_LIMIT = 20_000;

test.serial('a hostile bundle cannot hold the process: a legacy block asking 2^31 iterations, an oversized MAC, too many iterations in all', async (t) => {
  t.timeout(4 * HOSTILE_LIMIT);
  const timed = async (what: string, bundle: Buffer, status: number): Promise<void> => {
    const started = Date.now();
    await expectSocketError(t, () => createTlsContext({ pfx: bundle, passphrase: 'pw' }), status);
    t.true(Date.now() - started < HOSTILE_LIMIT, `${what} was refused within ${HOSTILE_LIMIT} ms`);
  };
  // 3DES under the PKCS#12 KDF, which node-forge would run 2^31 times (hours), with no MAC to stop it first.
  const legacy = sequence(oidNode('1.2.840.113549.1.12.1.3'), sequence(octetString(randomBytes(8)), integer(0x7fffffff)));
  await timed('a legacy block of 2^31 iterations', hostileBundle([encryptedInfo(legacy, randomBytes(16))]), ER$TLS_BAD_CERT);
  // A "MAC" of 400 bytes: deriving a key that long costs a run of iterations per 32 bytes; an HMAC-SHA256 is 32.
  const mac = sequence(sequence(sequence(oidNode('2.16.840.1.101.3.4.2.1'), nullNode()), octetString(randomBytes(400))), octetString(randomBytes(8)), integer(1_000_000));
  await timed('a MAC value of 400 bytes', hostileBundle([], mac), ER$TLS_PKCS12_PASSWORD);
  // Blocks that each decrypt (the password is right) at the most iterations one derivation may
  // have: the bundle's budget ends them after the second.
  await timed('five blocks of a million iterations', hostileBundle(Array.from({ length: 5 }, () => pbes2Block('pw', 1_000_000))), ER$TLS_BAD_CERT);
});
