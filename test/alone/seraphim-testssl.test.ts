// testssl.sh (Debian package testssl.sh, command `testssl`) against the HTTPS listener of the
// `seraphim` command on loopback, trusting the development CA: nothing of severity HIGH or
// CRITICAL about the server's TLS, only TLS 1.2 and 1.3 offered, every cipher with forward secrecy.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCommand, startCli } from '../helpers/seraphim-cli.js';
import { tempDir } from '../helpers/seraphim.js';
import { scanProblems, sortFindings, type TestsslFinding as Finding } from '../helpers/seraphim-testssl.js';

/**
 * Findings about the test certificate itself rather than the server's TLS settings, left out of
 * the severity check, each with its reason. Every other finding counts.
 */
const ABOUT_THE_TEST_CERTIFICATE: Record<string, string> = {
  // The development CA is a throwaway local CA: it runs no CRL server and no OCSP responder, so
  // its certificates carry neither URI. A certificate from a public CA (Let's Encrypt) has one.
  cert_revocation: 'a development certificate has no CRL or OCSP URI',
};

/**
 * A probe whose client races the server, and what it reports when it loses: testssl's TLS 1.3
 * ticket check runs `openssl s_client </dev/null`, which closes as soon as its handshake is done,
 * often before the server's tickets (sent after the client's Finished) arrive. Measured here:
 * 6 of 20 such pairs resumed against a bare node:tls server, 3 to 8 of 20 against SERAPHIM.
 * Session resumption itself is tested in test/secure-socket.test.ts.
 */
const CLIENT_RACE = { id: 'sessionresumption_ticket', finding: 'check failed because of connect problem' };

/** The run's only trouble about the server is the ticket probe losing its race (testssl then exits 1). */
function onlyTheTicketRace(findings: Finding[]): boolean {
  const problems = scanProblems(findings);
  return problems.length > 0 && problems.every((f) => f.id === CLIENT_RACE.id && f.finding === CLIENT_RACE.finding);
}

test('testssl: no HIGH or CRITICAL finding, only TLS 1.2 and 1.3, forward secrecy throughout', async (t) => {
  // Two scans at most, each bounded below.
  t.timeout(26 * 60_000);
  const stateDir = tempDir(t);
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--state-dir', stateDir, '--access-log', 'off']);
  const jsonFile = join(tempDir(t), 'testssl.json');
  const scan = () =>
    runCommand(
      t,
      'testssl',
      ['--quiet', '--color', '0', '--warnings', 'off', '--ip', 'one', '--add-ca', join(stateDir, 'dev-ca.pem'), '--jsonfile', jsonFile, cli.urls.https as string],
      { timeoutMs: 12 * 60_000 },
    );
  // The default run (protocols, cipher categories, forward secrecy, server preferences and
  // defaults, headers, vulnerabilities, client simulation) takes about a minute on loopback, and
  // measured 10 to 15 minutes on a machine of 2 cores with a load average of 7 to 15.
  const started = Date.now();
  // testssl exits 1 for "an ambiguous situation": one probe that got no clear answer, which a
  // busy machine can cause (npm test runs this file alone, after the rest). A second run
  // settles a one-off; a real problem fails both.
  let run = await scan();
  if (run.code !== 0) {
    t.log(`testssl exited ${run.code}; scanning again. Its last words: ${run.stdout.slice(-500)}`);
    rmSync(jsonFile, { force: true });
    run = await scan();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const all = run.code === 0 || run.code === 1 ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as Finding[]) : [];
  // Findings about the scanning machine (its openssl) are logged, not held against the server.
  const sorted = sortFindings(all, '127.0.0.1', cli.ports.https as number);
  t.deepEqual(sorted.other, [], 'every finding is about the scanned server or the scanning machine');
  let findings = sorted.server;
  if (run.code === 1 && onlyTheTicketRace(findings)) {
    t.log(`testssl exited 1 only because its ticket probe lost its race (${CLIENT_RACE.finding}); that finding is left out`);
    findings = findings.filter((f) => f.id !== CLIENT_RACE.id);
  } else {
    t.is(run.code, 0, `testssl failed: ${run.stderr.slice(-2000)} ${run.stdout.slice(-2000)}`);
  }
  const byId = new Map(findings.map((f) => [f.id, f]));
  const finding = (id: string): string => byId.get(id)?.finding ?? `(no ${id} finding)`;

  // testssl really scanned this server, to the end, with the CA trusted.
  t.true(findings.length > 0, 'findings about the server');
  t.deepEqual(scanProblems(findings), [], 'no scan problem');
  for (const id of ['SSLv2', 'TLS1_3', 'cipherlist_STRONG', 'heartbleed', 'ROBOT', 'secure_client_renego', 'BREACH', 'HSTS_time', 'cert_chain_of_trust', 'scanTime']) {
    t.true(byId.has(id), `testssl reported ${id}`);
  }
  t.is(byId.get('cert_chain_of_trust')?.severity, 'OK', 'the development CA is trusted (--add-ca)');

  // Nothing of severity HIGH or CRITICAL, except findings about the test certificate itself.
  const severe = findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'CRITICAL') && !(f.id in ABOUT_THE_TEST_CERTIFICATE));
  t.deepEqual(
    severe.map((f) => `${f.severity} ${f.id}: ${f.finding}`),
    [],
    'no HIGH or CRITICAL finding about the server',
  );

  // Only TLS 1.2 and 1.3.
  t.regex(finding('SSLv2'), /^not offered/);
  t.regex(finding('SSLv3'), /^not offered/);
  t.regex(finding('TLS1'), /^not offered/);
  t.regex(finding('TLS1_1'), /^not offered/);
  t.regex(finding('TLS1_2'), /^offered/);
  t.regex(finding('TLS1_3'), /^offered/);
  const orders = findings.filter((f) => f.id.startsWith('cipherorder_'));
  t.deepEqual(orders.map((f) => f.id).sort(), ['cipherorder_TLSv1_2', 'cipherorder_TLSv1_3'], 'ciphers offered in TLS 1.2 and 1.3 only');

  // Forward secrecy for every cipher offered: each one's key exchange is (EC)DHE.
  const PFS_ID = byId.has('FS') ? 'FS' : 'PFS'; // testssl 3.0 says PFS, 3.1 FS
  t.is(byId.get(PFS_ID)?.severity, 'OK', finding(PFS_ID));
  const fsCiphers = new Set(finding(`${PFS_ID}_ciphers`).split(/\s+/));
  const offered = orders.flatMap((f) => f.finding.split(/\s+/).filter((name) => name !== ''));
  t.true(offered.length >= 2);
  for (const name of offered) t.true(fsCiphers.has(name), `${name} has forward secrecy`);
  const perCipher = findings.filter((f) => /^cipher_x[0-9a-f]+$/.test(f.id));
  t.deepEqual(perCipher.length, offered.length, 'each offered cipher was listed with its key exchange');
  for (const f of perCipher) t.regex(f.finding, /^x[0-9a-f]+\s+\S+\s+(ECDH|DH)\b/, `forward-secret key exchange: ${f.finding}`);
  for (const f of ['cipherlist_NULL', 'cipherlist_aNULL', 'cipherlist_EXPORT', 'cipherlist_LOW', 'cipherlist_3DES_IDEA', 'cipherlist_AVERAGE']) {
    t.regex(finding(f), /^not offered/, f);
  }

  const excluded = findings.filter((f) => f.id in ABOUT_THE_TEST_CERTIFICATE).map((f) => `${f.id} (${ABOUT_THE_TEST_CERTIFICATE[f.id]})`);
  const notable = findings.filter((f) => !['OK', 'INFO'].includes(f.severity)).map((f) => `${f.severity} ${f.id}`);
  const aboutScanner = sorted.scanner.map((f) => `${f.severity} ${f.id}: ${f.finding}`);
  t.log(`testssl took ${seconds} s; ${findings.length} findings; not OK/INFO: ${notable.join(', ') || 'none'}; excluded: ${excluded.join(', ') || 'none'}; about the scanning machine: ${aboutScanner.join('; ') || 'none'}`);
});
