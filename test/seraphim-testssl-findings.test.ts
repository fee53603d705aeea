// The testssl test's sorting of findings (test/helpers/seraphim-testssl.ts): a finding about the
// scanning machine is set apart by what it is about, and a finding about the server is never
// hidden, whatever its id.
import test from 'ava';
import { scanProblems, sortFindings, type TestsslFinding } from './helpers/seraphim-testssl.js';

const finding = (id: string, ip: string, port: string, severity: TestsslFinding['severity'], text: string): TestsslFinding => ({ id, ip, port, severity, finding: text });

test('testssl findings: the local openssl\'s engine problem is about the scanner; the same id about the server still counts', (t) => {
  // As testssl 3.0 writes them on a machine whose openssl has no GOST engine.
  const engine = finding('engine_problem', '/', '443', 'WARN', 'No engine or GOST support via engine with your /usr/bin/openssl');
  const protocol = finding('TLS1_3', '127.0.0.1/127.0.0.1', '40123', 'OK', 'offered with final');
  const serverWarning = finding('engine_problem', '127.0.0.1/127.0.0.1', '40123', 'WARN', 'said about the server');
  const elsewhere = finding('TLS1_3', '127.0.0.2/127.0.0.2', '40123', 'OK', 'offered with final');
  const otherPort = finding('TLS1_3', '127.0.0.1/127.0.0.1', '443', 'OK', 'offered with final');
  const sorted = sortFindings([engine, protocol, serverWarning, elsewhere, otherPort], '127.0.0.1', 40123);
  t.deepEqual(sorted.scanner, [engine]);
  t.deepEqual(sorted.server, [protocol, serverWarning]);
  t.deepEqual(sorted.other, [elsewhere, otherPort]);
  t.deepEqual(scanProblems(sorted.server), [serverWarning], 'a warning about the server is a scan problem, whatever its id');
});
