// The one place that decides what may differ between ScarletDME's transcript of a program and its
// port's. Everything else must be equal byte for byte, so each mask says why it is there.
import type { KnownPort } from './peers.js';

/**
 * ScarletDME's own debug output, which a port has no reason to print: op_skt.c is built with
 * SOCKET_DEBUG, so a failed OPEN.SOCKET writes `000000B6: Failed to connect: 111: Connection
 * refused` (the hex number is the program counter) and, on the next line, ` at line N of
 * /path/BP.OUT/NAME`. The program's own line about the failure (its STATUS()) stays.
 */
const DEBUG_LINE = /^[0-9A-F]{8}: Failed to connect\b.*$/;
const DEBUG_CONTINUATION = /^ at line \d+ of \S+$/;

/**
 * Masks a raw transcript: drops ScarletDME's debug lines (see DEBUG_LINE) and writes each port
 * the peer made known as `<label>` (ephemeral ports change from run to run; naming them keeps
 * the check that the right port is shown). Any other number stays as it is: times and byte
 * counts that may vary are bucketed by the programs themselves.
 */
export function maskTranscript(raw: string, ports: readonly KnownPort[]): string {
  const labels = new Map<string, string>();
  for (const { port, label } of ports) labels.set(String(port), `<${label}>`);
  const kept: string[] = [];
  let afterDebugLine = false;
  for (const line of raw.split('\n')) {
    if (DEBUG_LINE.test(line)) {
      afterDebugLine = true;
      continue;
    }
    if (afterDebugLine && DEBUG_CONTINUATION.test(line)) {
      afterDebugLine = false;
      continue;
    }
    afterDebugLine = false;
    kept.push(line.replace(/\b\d+\b/g, (digits) => labels.get(digits) ?? digits));
  }
  return kept.join('\n');
}
