// What testssl's findings are about. testssl writes each finding with the address and port it
// was scanning; a finding it makes before it scans anything (about the openssl binary it runs,
// such as `engine_problem`, "No engine or GOST support via engine", reported with ip "/" and the
// default port 443) is about the scanning machine, not the server. Those are set apart by what
// they are about, never by their id alone: the same id reported for the server still counts.

/** One finding of testssl's flat JSON output (`--jsonfile`). */
export interface TestsslFinding {
  id: string;
  /** `name/address` of the scanned host, e.g. `127.0.0.1/127.0.0.1`; `/` when there was none yet. */
  ip: string;
  port: string;
  severity: 'OK' | 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' | 'WARN' | 'FATAL' | 'DEBUG';
  finding: string;
}

/** The findings split by what they are about: the scanned server, the scanning machine, or something else. */
export interface SortedFindings {
  /** About the server at the scanned address and port: every one of them counts. */
  server: TestsslFinding[];
  /** Made with no target address: about the scanning machine's own tools. */
  scanner: TestsslFinding[];
  /** About another address or port: should never happen, and fails the test when it does. */
  other: TestsslFinding[];
}

/** Sorts `findings` of a scan of `address`:`port` by what each is about. */
export function sortFindings(findings: readonly TestsslFinding[], address: string, port: number): SortedFindings {
  const sorted: SortedFindings = { server: [], scanner: [], other: [] };
  for (const f of findings) {
    const scanned = f.ip.slice(f.ip.lastIndexOf('/') + 1);
    if (scanned === address && f.port === String(port)) sorted.server.push(f);
    else if (scanned === '') sorted.scanner.push(f);
    else sorted.other.push(f);
  }
  return sorted;
}

/** The findings that say the scan itself had trouble. */
export function scanProblems(findings: readonly TestsslFinding[]): TestsslFinding[] {
  return findings.filter((f) => f.severity === 'WARN' || f.severity === 'FATAL' || f.id === 'scanProblem');
}
