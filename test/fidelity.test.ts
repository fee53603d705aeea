// The differential fidelity suite without ScarletDME: every port in test/fidelity/programs runs
// against its scripted peer, and its masked transcript must be the one ScarletDME printed for the
// BASIC original (the golden file written by `npm run fidelity:record`), apart from the
// deliberate differences listed in test/fidelity/differences.ts.
import test from 'ava';
import { expectedPortTranscript } from './fidelity/differences.js';
import { fidelityPrograms, golden, RUN_LIMIT_MS, runProgram } from './fidelity/harness.js';

const programs = fidelityPrograms();

test('the suite has at least 12 programs, each with a port and a golden', (t) => {
  t.true(programs.length >= 12, `only ${programs.length} programs`);
  for (const program of programs) t.not(golden(program), undefined, `${program.name} has no golden: run npm run fidelity:record`);
});

// Serial: the programs time their reads and writes (bucketed to half seconds); running them one
// at a time keeps this file from adding to the machine's load while a timing is taken.
for (const program of programs) {
  test.serial(`${program.name}: the port prints what ScarletDME printed`, async (t) => {
    const recorded = golden(program);
    if (recorded === undefined) return t.fail(`no golden for ${program.name}`);
    const run = await runProgram(program, 'port');
    t.is(run.masked, expectedPortTranscript(program.name, recorded), run.stderr === '' ? undefined : `the port wrote on stderr:\n${run.stderr}`);
    t.false(run.timedOut, `the port did not end within ${RUN_LIMIT_MS} ms (a socket still open?)`);
  });
}
