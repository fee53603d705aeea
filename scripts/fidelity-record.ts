/**
 * `npm run fidelity:record [NAME...]`: runs each BASIC program of the fidelity suite live on real
 * ScarletDME against its scripted peer, and writes its masked transcript as the program's golden
 * file (test/fidelity/golden/NAME.txt). The only writer of goldens: never edit one by hand.
 *
 * ScarletDME must be running, with `sdme-run` where build.sh writes it (`$SDME_HOME`, default
 * /tmp/scarletdme); `npm run test:scarletdme` builds and starts it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fidelityPrograms, ROOT, runProgram, sdmeRunPath } from '../test/fidelity/harness.js';

const only = process.argv.slice(2);
if (!existsSync(sdmeRunPath())) {
  console.error(`${sdmeRunPath()} does not exist: build and start ScarletDME first (npm run test:scarletdme, or ../shared/scarletdme/build.sh)`);
  process.exit(1);
}
let failed = 0;
for (const program of fidelityPrograms()) {
  if (only.length > 0 && !only.includes(program.name)) continue;
  const run = await runProgram(program, 'scarletdme');
  // sdme-run exits 2 on a compile error, and a program that aborts prints its error as output:
  // neither is a transcript to keep.
  if (run.timedOut || run.exitCode !== 0 || run.stderr !== '') {
    failed++;
    console.error(`${program.name}: not recorded (exit ${run.exitCode})\n${run.stderr}${run.raw}`);
    continue;
  }
  writeFileSync(program.goldenPath, run.masked, 'latin1');
  console.log(`${program.name}: recorded ${relative(ROOT, program.goldenPath)} (${run.masked.split('\n').length} lines)`);
}
process.exit(failed ? 1 : 0);
