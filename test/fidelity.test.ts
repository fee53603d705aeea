// The differential fidelity suite without ScarletDME: every port in test/fidelity/programs runs
// against its scripted peer, and its masked transcript must be the one ScarletDME printed for the
// BASIC original (the golden file written by `npm run fidelity:record`), apart from the
// deliberate differences listed in test/fidelity/differences.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { expectedDifferences, expectedPortTranscript } from './fidelity/differences.js';
import { basicBlocks, blockCheck } from './fidelity/doc-blocks.js';
import { fidelityPrograms, golden, ROOT, RUN_LIMIT_MS, runProgram } from './fidelity/harness.js';
import { maskTranscript } from './fidelity/mask.js';

const programs = fidelityPrograms();

test('the suite has at least 12 programs, each with a port and a golden', (t) => {
  t.true(programs.length >= 12, `only ${programs.length} programs`);
  for (const program of programs) {
    t.true(existsSync(program.portPath), `${program.name} has no port`);
    t.not(golden(program), undefined, `${program.name} has no golden: run npm run fidelity:record`);
  }
});

test('every deliberate difference is a row of the porting guide that quotes ScarletDME\'s line', (t) => {
  const guide = readFileSync(join(ROOT, 'docs/porting.md'), 'utf8');
  for (const difference of expectedDifferences) {
    t.true(guide.includes(difference.scarletdme), `docs/porting.md does not quote ${difference.program}'s line: ${difference.scarletdme}`);
    t.true(programs.some((program) => program.name === difference.program), `no program ${difference.program}`);
  }
  t.pass();
});

test('masking names the known ports, drops only the debug lines of a failed open, and keeps every other number', (t) => {
  const raw = [
    'OPEN port=41234 status=0',
    '0000022B: Failed to connect: 111: Connection refused',
    ' at line 19 of /tmp/scarletdme/acct/BP.OUT/OPENERRORS',
    'refused status=7005 open=0',
    ' at line 3 of PROGRAM.TEXT',
    'n=412345 hex=0041234F',
  ].join('\n');
  t.is(
    maskTranscript(raw, [{ port: 41234, label: 'echo-port' }]),
    ['OPEN port=<echo-port> status=0', 'refused status=7005 open=0', ' at line 3 of PROGRAM.TEXT', 'n=412345 hex=0041234F'].join('\n'),
  );
});

test('a doc block is a fragment, a whole program with its peer, or skipped for the fork', (t) => {
  const page = ['```basic', 'N = WRITE.SOCKET(SKT, X, 0, 0)', '```', '```basic peer=price-client port=4000', '$INCLUDE SYSCOM KEYS.H', 'CRT 1', '```', '```basic', '$INCLUDE SYSCOM KEYS.H', '```', '```basic fork', 'S = CREATE.SECURE.SERVER.SOCKET("", 443, 0, C, K)', '```'].join('\n');
  const checks = basicBlocks(page).map((block) => [block.line, blockCheck(block).kind]);
  t.deepEqual(checks, [[1, 'compile'], [4, 'run'], [8, 'unrunnable'], [11, 'skip']]);
  const fragment = blockCheck(basicBlocks(page)[0]!);
  t.true(fragment.kind === 'compile' && /\$INCLUDE SYSCOM ERR\.H\n.*\nIF 1 THEN STOP\nN = WRITE/.test(fragment.source));
});

// Serial: the programs time their reads and writes (bucketed to half seconds); running them one
// at a time keeps this file from adding to the machine's load while a timing is taken.
for (const program of programs) {
  test.serial(`${program.name}: the port prints what ScarletDME printed`, async (t) => {
    const recorded = golden(program);
    if (recorded === undefined) return t.fail(`no golden for ${program.name}`);
    const run = await runProgram(program, 'port');
    t.is(run.masked, expectedPortTranscript(program.name, recorded, run.masked), run.stderr === '' ? undefined : `the port wrote on stderr:\n${run.stderr}`);
    t.false(run.timedOut, `the port did not end within ${RUN_LIMIT_MS} ms (a socket still open?)`);
  });
}
