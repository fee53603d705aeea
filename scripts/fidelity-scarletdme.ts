/**
 * `npm run test:scarletdme`: the fidelity suite against real ScarletDME.
 *
 * 1. Builds, installs and starts ScarletDME with `$SCARLETDME_DIR/build.sh` (default
 *    ../shared/scarletdme beside the repository; it needs root and writes /usr/qmsys). When that
 *    folder does not exist, says so and exits 0: the goldens still let `npm test` check the ports.
 *    SCARLETDME_SKIP_BUILD=1 uses the ScarletDME that build.sh already started instead.
 * 2. Runs every BASIC program of test/fidelity/programs live against its peer, and its port:
 *    fails when the live transcript differs from the golden, or from the port's (apart from the
 *    deliberate differences of test/fidelity/differences.ts).
 * 3. Compiles every ```basic block of docs/porting.md on ScarletDME, and runs the whole programs
 *    against their doc peers (see test/fidelity/doc-blocks.ts for the info strings).
 *
 * Exit code 1 when anything failed, with what differed. `--programs` or `--docs` runs only step 2
 * or 3; FIDELITY_DOC_PAGES=a.md,b.md checks other pages than docs/porting.md (a draft, say).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { basicBlocks, blockCheck, wrapFragment, type BasicBlock } from '../test/fidelity/doc-blocks.js';
import { docPeers } from '../test/fidelity/doc-peers.js';
import { freePort } from '../test/fidelity/peers.js';
import { expectedPortTranscript } from '../test/fidelity/differences.js';
import { fidelityPrograms, golden, ROOT, runCommand, runProgram, sdmeRunPath, startCommand } from '../test/fidelity/harness.js';

const PAGES = (process.env['FIDELITY_DOC_PAGES'] ?? 'docs/porting.md').split(',');
const only = process.argv[2];
const dir = resolve(ROOT, process.env['SCARLETDME_DIR'] ?? '../shared/scarletdme');
if (!existsSync(join(dir, 'build.sh'))) {
  console.log(`test:scarletdme: no ScarletDME at ${dir} (set SCARLETDME_DIR): nothing to check against, skipped.`);
  process.exit(0);
}

const failures: string[] = [];
const fail = (what: string): void => {
  failures.push(what);
  console.log(`FAIL ${what}`);
};

if (process.env['SCARLETDME_SKIP_BUILD'] === '1') {
  console.log('== ScarletDME: SCARLETDME_SKIP_BUILD=1, using the one already started');
} else {
  console.log(`== ScarletDME: ${join(dir, 'build.sh')}`);
  const build = await runCommand('bash', [join(dir, 'build.sh')], 10 * 60_000);
  process.stdout.write(build.stdout + build.stderr);
  if (build.exitCode !== 0) {
    console.log(`build.sh failed (exit ${build.exitCode})`);
    process.exit(1);
  }
}
if (!existsSync(sdmeRunPath())) {
  console.log(`${sdmeRunPath()} does not exist after the build`);
  process.exit(1);
}

/** The lines where two transcripts differ, numbered, for a failure message. */
function lineDiff(expectedName: string, expected: string, actualName: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) out.push(`  line ${i + 1}\n    ${expectedName}: ${a[i] ?? '(none)'}\n    ${actualName}: ${b[i] ?? '(none)'}`);
  }
  return out.join('\n');
}

if (only !== '--docs') console.log('== programs: live ScarletDME against the golden and the port');
for (const program of only === '--docs' ? [] : fidelityPrograms()) {
  const recorded = golden(program);
  const live = await runProgram(program, 'scarletdme');
  const port = await runProgram(program, 'port');
  const problems: string[] = [];
  if (live.timedOut) problems.push('ScarletDME run did not end in time');
  if (port.timedOut) problems.push('the port did not end in time (a socket still open?)');
  if (live.exitCode !== 0 || live.stderr !== '') problems.push(`ScarletDME run failed (exit ${live.exitCode}):\n${live.stderr}`);
  if (recorded === undefined) problems.push('no golden: run npm run fidelity:record');
  else if (live.masked !== recorded) problems.push(`live ScarletDME differs from the golden:\n${lineDiff('golden', recorded, 'live', live.masked)}`);
  const wanted = expectedPortTranscript(program.name, live.masked, port.masked);
  if (port.masked !== wanted) problems.push(`the port differs from ScarletDME:\n${lineDiff('scarletdme', wanted, 'port', port.masked)}${port.stderr ? `\n  port stderr: ${port.stderr.split('\n')[0]}` : ''}`);
  if (problems.length === 0) console.log(`ok   ${program.name}`);
  else fail(`${program.name}: ${problems.join('\n')}`);
}

if (only !== '--programs') console.log('== ```basic blocks of the docs, compiled (and whole programs run) on ScarletDME');
const work = mkdtempSync(join(tmpdir(), 'fidelity-docs-'));
try {
  for (const page of only === '--programs' ? [] : PAGES) {
    for (const block of basicBlocks(readFileSync(resolve(ROOT, page), 'utf8'))) await checkBlock(page, block);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function checkBlock(page: string, block: BasicBlock): Promise<void> {
  const where = `${page}:${block.line}`;
  const check = blockCheck(block);
  if (check.kind === 'skip') {
    console.log(`skip ${where}: ${check.reason}`);
    return;
  }
  // sdme-run names the program after the file: DOC<line>, a valid BP item name.
  const file = join(work, `doc${block.line}.bas`);
  writeFileSync(file, check.source, 'latin1');
  if (check.kind !== 'run') {
    // Compiled only: a whole program that names no peer is wrapped like a fragment, so that
    // running it stops at once instead of listening (or waiting) for ever.
    if (check.kind === 'unrunnable') writeFileSync(file, wrapFragment(check.source), 'latin1');
    const compiled = await runCommand(sdmeRunPath(), [file], 60_000);
    if (compiled.exitCode !== 0) fail(`${where}: does not compile on ScarletDME:\n${compiled.stderr}`);
    else if (check.kind === 'unrunnable') fail(`${where}: compiles, but ${check.reason}`);
    else console.log(`ok   ${where}: a fragment, compiles`);
    return;
  }
  const peer = docPeers[check.peer];
  if (!peer) {
    fail(`${where}: unknown doc peer ${check.peer} (one of ${Object.keys(docPeers).join(', ')})`);
    return;
  }
  // The port the program and its peer meet on: a free one, given to the program as its first
  // argument, unless the info string names the port the program has written in (port=N).
  const portWord = block.info.find((word) => word.startsWith('port='));
  const port = portWord ? Number(portWord.slice('port='.length)) : await freePort('tcp');
  const started = await peer.start(port);
  // stdbuf: sdme-run pipes qm through tr, which would hold a server's output (its 'listening'
  // line) in its buffer until the program ends; line-buffered, the peer sees it at once.
  const program = startCommand('stdbuf', ['-oL', sdmeRunPath(), file, String(port)]);
  try {
    const problem = await started.drive(program);
    // sdme-run reports a compile error on stderr and exits 2 before running anything.
    if (program.stderr().includes('compile failed')) fail(`${where}: does not compile on ScarletDME:\n${program.stderr()}`);
    else if (problem !== undefined) fail(`${where} (peer ${check.peer}): ${problem}`);
    else console.log(`ok   ${where}: runs against ${check.peer} and does what the page says`);
  } finally {
    await program.stop();
    await started.stop();
  }
}

console.log(failures.length === 0 ? '== all checks passed' : `== ${failures.length} failed (${relative(ROOT, join(ROOT, 'test/fidelity'))})`);
process.exit(failures.length === 0 ? 0 : 1);
