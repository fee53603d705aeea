// SERAPHIM's development certificate state: the folder and the keys are private whatever modes
// they had, files are replaced whole (renamed over, never rewritten in place), and the CA is
// constrained to the names it was made for: openssl refuses what it signs for any other name.
import { execFile } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { issueCertificate } from '../lib/index.js';
import { developmentHosts, ensureDevelopmentCertificates } from '../examples/seraphim/dev-certificates.js';
import { tempDir } from './helpers/seraphim.js';

const run = promisify(execFile);
const mode = (path: string): number => statSync(path).mode & 0o777;

test('an existing state folder and keys with loose modes are made private on the next run', (t) => {
  const stateDir = join(tempDir(t), 'state');
  const hosts = developmentHosts('127.0.0.1');
  ensureDevelopmentCertificates(stateDir, hosts);
  // As a copy, an unpacked backup or a permissive umask leaves them.
  chmodSync(stateDir, 0o755);
  chmodSync(join(stateDir, 'dev-ca-key.pem'), 0o644);
  chmodSync(join(stateDir, 'server-key.pem'), 0o644);
  const again = ensureDevelopmentCertificates(stateDir, hosts);
  t.false(again.created, 'nothing needed making');
  t.is(mode(stateDir), 0o700);
  t.is(mode(join(stateDir, 'dev-ca-key.pem')), 0o600);
  t.is(mode(join(stateDir, 'server-key.pem')), 0o600);
});

test('a folder made loose before the first run gets 0700, and new keys 0600 whatever the umask', (t) => {
  const stateDir = join(tempDir(t), 'state');
  mkdirSync(stateDir, { mode: 0o777 });
  chmodSync(stateDir, 0o777);
  const previous = process.umask(0);
  try {
    ensureDevelopmentCertificates(stateDir, ['localhost']);
  } finally {
    process.umask(previous);
  }
  t.is(mode(stateDir), 0o700);
  t.is(mode(join(stateDir, 'dev-ca-key.pem')), 0o600);
  t.is(mode(join(stateDir, 'server-key.pem')), 0o600);
});

test('keys are replaced by a rename, never rewritten in place, and no temporary file is left', (t) => {
  const stateDir = join(tempDir(t), 'state');
  ensureDevelopmentCertificates(stateDir, ['localhost']);
  // A second name for the old key file: a rename leaves it holding the old key; writing in place would change it.
  const oldKey = readFileSync(join(stateDir, 'server-key.pem'), 'utf8');
  const link = join(tempDir(t), 'old-key.pem');
  linkSync(join(stateDir, 'server-key.pem'), link);
  const renewed = ensureDevelopmentCertificates(stateDir, ['localhost', '127.0.0.1']);
  t.true(renewed.created, 'a new host means a new server certificate');
  t.not(readFileSync(join(stateDir, 'server-key.pem'), 'utf8'), oldKey, 'a new key');
  t.is(readFileSync(link, 'utf8'), oldKey, 'the old file was not written over');
  t.deepEqual(readdirSync(stateDir).filter((name) => name.endsWith('.tmp')), []);
});

test('the development CA has name constraints for its hosts: openssl verifies its server certificate and refuses one for another name', async (t) => {
  const stateDir = join(tempDir(t), 'state');
  const files = ensureDevelopmentCertificates(stateDir, developmentHosts('127.0.0.1'));
  const { stdout: text } = await run('openssl', ['x509', '-in', files.caCert, '-noout', '-text']);
  t.regex(text, /X509v3 Name Constraints: critical\s+Permitted:\s+/);
  t.regex(text, /DNS:localhost/);
  t.regex(text, /IP:127\.0\.0\.1\/255\.255\.255\.255/);
  t.regex(text, /IP:0:0:0:0:0:0:0:1\/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF/);

  const verify = (cert: string) => run('openssl', ['verify', '-CAfile', files.caCert, cert]).then(
    ({ stdout }) => ({ ok: true, output: stdout }),
    (err: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
  );
  t.true((await verify(files.cert)).ok, 'its own server certificate verifies');
  // Whoever has the CA key signs for a name the CA was not made for: refused.
  const ca = { cert: readFileSync(files.caCert, 'utf8'), key: readFileSync(join(stateDir, 'dev-ca-key.pem'), 'utf8') };
  for (const hosts of [['bank.example'], ['localhost', '10.0.0.1'], ['localhost.bank.example']]) {
    const forged = join(tempDir(t), 'forged.pem');
    writeFileSync(forged, issueCertificate(ca, { hosts }).cert);
    const result = await verify(forged);
    t.false(result.ok, `a certificate for ${hosts.join(', ')} is refused`);
    t.regex(result.output, /permitted subtree violation/);
  }
});

test('a host the CA cannot sign for makes a new CA for the new host list', (t) => {
  const stateDir = join(tempDir(t), 'state');
  const first = ensureDevelopmentCertificates(stateDir, developmentHosts('127.0.0.1'));
  const caBefore = readFileSync(first.caCert, 'utf8');
  const same = ensureDevelopmentCertificates(stateDir, developmentHosts('127.0.0.1'));
  t.false(same.newCa);
  const wider = ensureDevelopmentCertificates(stateDir, developmentHosts('127.0.0.5'));
  t.true(wider.newCa);
  t.not(readFileSync(wider.caCert, 'utf8'), caBefore);
});
