// Where scarlet-sockets/basic deliberately departs from ScarletDME: a ScarletDME behaviour that is
// a defect a port should not inherit. Each entry must also be a row of the "Differences from
// ScarletDME" table in docs/porting.md that quotes the `scarletdme` line (test/fidelity.test.ts
// checks it). The suite asserts exactly the difference: ScarletDME's transcript has `scarletdme`
// where the port's has `library`, and every other line is equal.

/** One deliberate departure, as the transcript line of each side shows it. */
export interface ExpectedDifference {
  /** The fidelity program whose transcript shows it. */
  program: string;
  /** The whole line as ScarletDME prints it (after masking). */
  scarletdme: string;
  /** The whole line as the port prints it instead. */
  library: string;
  /** Why the library does not follow ScarletDME here. */
  why: string;
}

/** Every deliberate departure; empty until one is decided and documented. */
export const expectedDifferences: readonly ExpectedDifference[] = [];

/**
 * What the port of `program` must print, given what ScarletDME printed: ScarletDME's lines with
 * each expected difference of that program applied. A listed line that is missing from the
 * ScarletDME transcript is an error: the entry is stale.
 */
export function expectedPortTranscript(program: string, scarletdme: string): string {
  const lines = scarletdme.split('\n');
  for (const difference of expectedDifferences.filter((entry) => entry.program === program)) {
    const index = lines.indexOf(difference.scarletdme);
    if (index < 0) throw new Error(`${program}: expected difference not in ScarletDME's transcript: ${difference.scarletdme}`);
    lines[index] = difference.library;
  }
  return lines.join('\n');
}
