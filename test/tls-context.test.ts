import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  createCertificateAuthority,
  createDevelopmentCertificates,
  createTlsContext,
  issueCertificate,
  SocketError,
} from '../lib/index.js';

const dev = createDevelopmentCertificates({ hosts: ['localhost', '127.0.0.1'] });

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'scarlet-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the development helper makes a CA and a server certificate it signed, for the hosts asked', (t) => {
  const ca = new X509Certificate(dev.ca.cert);
  const server = new X509Certificate(dev.server.cert);
  t.true(server.checkIssued(ca));
  t.true(server.verify(ca.publicKey));
  t.true(ca.ca);
  t.false(server.ca);
  t.is(server.checkHost('localhost'), 'localhost');
  t.is(server.checkIP('127.0.0.1'), '127.0.0.1');
  t.is(server.checkHost('example.com'), undefined);
});

test('createTlsContext takes PEM text and describes its certificate', (t) => {
  const context = createTlsContext({ cert: dev.server.cert, key: dev.server.key });
  const description = context.describe();
  t.truthy(description);
  t.is(description?.subject, 'CN=localhost');
  t.deepEqual(description?.names, ['localhost', '127.0.0.1']);
  t.is(description?.issuer, 'CN=scarlet-sockets development CA');
  t.is(description?.fingerprint256, new X509Certificate(dev.server.cert).fingerprint256);
  t.true((description?.validFrom.getTime() ?? Infinity) < Date.now());
  t.true((description?.validTo.getTime() ?? 0) > Date.now());
  t.true(context.hasCertificate);
});

test('createTlsContext reads PEM files by path', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'site.crt'), dev.server.cert);
  writeFileSync(join(dir, 'site.key'), dev.server.key);
  const context = createTlsContext({ cert: join(dir, 'site.crt'), key: join(dir, 'site.key') });
  t.is(context.describe()?.fingerprint256, new X509Certificate(dev.server.cert).fingerprint256);
  const missing = t.throws(() => createTlsContext({ cert: join(dir, 'nope.crt'), key: join(dir, 'site.key') }), {
    instanceOf: SocketError,
  });
  t.is(missing?.code, 'ER$TLS_BAD_CERT');
});

test('a context with only a CA is a client context without a certificate', (t) => {
  const context = createTlsContext({ ca: dev.ca.cert });
  t.false(context.hasCertificate);
  t.is(context.describe(), undefined);
});

test('a key that does not belong to the certificate gives ER$TLS_KEY_MISMATCH', (t) => {
  const other = issueCertificate(dev.ca, { hosts: ['localhost'] });
  const err = t.throws(() => createTlsContext({ cert: dev.server.cert, key: other.key }), { instanceOf: SocketError });
  t.is(err?.code, 'ER$TLS_KEY_MISMATCH');
  t.is(err?.status, 7104);
});

test('garbage certificate material gives ER$TLS_BAD_CERT', (t) => {
  const err = t.throws(
    () => createTlsContext({ cert: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n', key: dev.server.key }),
    { instanceOf: SocketError },
  );
  t.is(err?.code, 'ER$TLS_BAD_CERT');
});

test('a PKCS#12 bundle saved by the library loads with its password; a wrong one gives ER$TLS_PKCS12_PASSWORD', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'site.p12');
  createTlsContext({ cert: dev.server.cert, key: dev.server.key }).savePkcs12(path, 'correct horse');
  const loaded = createTlsContext({ pfx: path, passphrase: 'correct horse' });
  t.is(loaded.describe()?.fingerprint256, new X509Certificate(dev.server.cert).fingerprint256);
  const err = t.throws(() => createTlsContext({ pfx: path, passphrase: 'wrong' }), { instanceOf: SocketError });
  t.is(err?.code, 'ER$TLS_PKCS12_PASSWORD');
  t.is(err?.status, 7105);
});

test('reload swaps the certificate atomically, and a bad reload keeps the old one', (t) => {
  const context = createTlsContext({ cert: dev.server.cert, key: dev.server.key });
  const renewed = issueCertificate(dev.ca, { hosts: ['localhost'] });
  context.reload({ cert: renewed.cert, key: renewed.key });
  t.is(context.describe()?.fingerprint256, new X509Certificate(renewed.cert).fingerprint256);
  const err = t.throws(() => context.reload({ cert: dev.server.cert, key: renewed.key }), { instanceOf: SocketError });
  t.is(err?.code, 'ER$TLS_KEY_MISMATCH');
  t.is(context.describe()?.fingerprint256, new X509Certificate(renewed.cert).fingerprint256);
});

test('SNI certificates are chosen by name, the default otherwise', (t) => {
  const other = issueCertificate(createCertificateAuthority('Other CA'), { hosts: ['blog.test'] });
  const context = createTlsContext({ cert: dev.server.cert, key: dev.server.key, sni: { 'Blog.Test': other } });
  t.not(context.secureContextFor('blog.test'), context.secureContextFor('localhost'));
  t.is(context.secureContextFor('BLOG.TEST'), context.secureContextFor('blog.test'));
  t.is(context.secureContextFor(undefined), context.secureContextFor('unknown.test'));
});

test('an expired certificate can be made for tests', (t) => {
  const expired = issueCertificate(dev.ca, { notBefore: new Date('2020-01-01T00:00:00Z'), days: 1 });
  t.true(new Date(new X509Certificate(expired.cert).validTo).getTime() < Date.now());
});

test('every certificate the helper makes parses in OpenSSL: serial numbers are minimal positive DER integers', (t) => {
  // A serial with a needless leading zero byte is "illegal padding" to OpenSSL: before the fix
  // about one certificate in a few failed to load.
  for (let i = 0; i < 30; i++) {
    const { cert } = issueCertificate(dev.ca, { hosts: ['localhost'] });
    const serial = new X509Certificate(cert).serialNumber;
    t.regex(serial, /^[0-7][0-9A-F]{31}$/i, `serial ${serial}`);
    t.not(serial.slice(0, 2), '00');
  }
});
