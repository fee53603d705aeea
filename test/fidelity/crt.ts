// The few pieces of BASIC's runtime that the fidelity programs use beyond the socket calls, so
// that each port reads line for line like its BASIC original and prints the same bytes.

/** CRT a:b:c - prints the pieces joined, and a newline, as bytes (one character per byte). */
export function crt(...pieces: (string | number)[]): void {
  process.stdout.write(Buffer.from(pieces.join('') + '\n', 'latin1'));
}

/**
 * FIELD(@SENTENCE, ' ', n): the sentence is `RUN BP NAME arg1 arg2 ...`, so field 4 is the
 * program's first argument.
 */
export function sentenceField(n: number): string {
  return ['RUN', 'BP', 'NAME', ...process.argv.slice(2)][n - 1] ?? '';
}

/** SYSTEM(1020): the time of day in milliseconds since midnight (local time). */
export function system1020(): number {
  const now = new Date();
  return ((now.getHours() * 60 + now.getMinutes()) * 60 + now.getSeconds()) * 1000 + now.getMilliseconds();
}

/** NAP ms. */
export function nap(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** OCONV(s, 'MX0C'): each byte as two upper-case hex digits. */
export function hexOf(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex').toUpperCase();
}

/** STR(s, n). */
export function str(s: string, n: number): string {
  return s.repeat(n);
}

/** CHAR(n). */
export function char(n: number): string {
  return String.fromCharCode(n);
}

/** SEQ(c). */
export function seq(c: string): number {
  return c.charCodeAt(0);
}

/** The field, value and subvalue marks: @FM, @VM, @SM. */
export const FM = char(254);
export const VM = char(253);
export const SM = char(252);

/** DCOUNT(s, delimiter): 0 for '', else the number of delimited parts. */
export function dcount(s: string, delimiter: string): number {
  return s === '' ? 0 : s.split(delimiter).length;
}

/** s<f>, s<f, v>, s<f, v, sv>: a field, value or subvalue of a dynamic array ('' if absent). */
export function extract(s: string, field: number, value = 0, subvalue = 0): string {
  let part = s.split(FM)[field - 1] ?? '';
  if (value > 0) part = part.split(VM)[value - 1] ?? '';
  if (subvalue > 0) part = part.split(SM)[subvalue - 1] ?? '';
  return part;
}

/** INT(n): the integer part. */
export function int(n: number): number {
  return Math.trunc(n);
}

/**
 * The ELAPSED subroutine of the BASIC programs: the time since `t0` (a SYSTEM(1020) value) as
 * `<250ms`, or rounded to the nearest half second as `~0.5s`, `~1s`, `~1.5s`, ... (buckets keep
 * transcripts stable on a busy machine).
 */
export function elapsedSince(t0: number): string {
  let e = system1020() - t0;
  if (e < 0) e += 86400000; // past midnight
  return e < 250 ? '<250ms' : '~' + int((e + 250) / 500) / 2 + 's';
}
