// Runs a fidelity program (the BASIC original on ScarletDME, or its TypeScript port) against its
// scripted peer and returns its masked transcript. Shared by the ava test, the recording script
// and `npm run test:scarletdme`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskTranscript } from './mask.js';
import { scenarios } from './peers.js';

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the BASIC programs and their ports live. */
export const PROGRAMS_DIR = join(ROOT, 'test/fidelity/programs');
/** Where the recorded ScarletDME transcripts live. */
export const GOLDEN_DIR = join(ROOT, 'test/fidelity/golden');
/** A program that has not finished by then is stopped and its run fails. */
export const RUN_LIMIT_MS = 60_000;

/** One program of the suite. */
export interface FidelityProgram {
  /** Its name: the file name without extension (sdme-run uppercases it into a BP item name). */
  name: string;
  /** The scenario named in its `* PEER: name` line. */
  scenario: string;
  basicPath: string;
  portPath: string;
  goldenPath: string;
}

/** Every `*.bas` in the programs folder, in name order. */
export function fidelityPrograms(): FidelityProgram[] {
  return readdirSync(PROGRAMS_DIR)
    .filter((file) => file.endsWith('.bas'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.bas'.length);
      const basicPath = join(PROGRAMS_DIR, file);
      const match = /^\* PEER: (\S+)$/m.exec(readFileSync(basicPath, 'latin1'));
      if (!match?.[1] || !(match[1] in scenarios)) throw new Error(`${file}: no '* PEER: name' line naming a known scenario`);
      return { name, scenario: match[1], basicPath, portPath: join(PROGRAMS_DIR, `${name}.ts`), goldenPath: join(GOLDEN_DIR, `${name}.txt`) };
    });
}

/** The sdme-run script that build.sh writes (SDME_HOME as build.sh reads it). */
export function sdmeRunPath(): string {
  return join(process.env['SDME_HOME'] ?? join(process.env['TMPDIR'] ?? '/tmp', 'scarletdme'), 'sdme-run');
}

/** Which side to run: the BASIC program on ScarletDME, or its port on the library. */
export type Runner = 'scarletdme' | 'port';

/** What one run printed, raw and masked. */
export interface Transcript {
  raw: string;
  masked: string;
  /** What the run wrote on stderr (a compile error, an uncaught exception). */
  stderr: string;
  exitCode: number | null;
}

/** Runs a command to its end (or RUN_LIMIT_MS), killing its process group if it overstays. */
export async function runCommand(command: string, args: readonly string[], limitMs = RUN_LIMIT_MS): Promise<{ stdout: string; stderr: string; exitCode: number | null; timedOut: boolean }> {
  // detached: its own process group, so that a kill on overstay reaches what it started (qm).
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, limitMs);
  const [exitCode] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { stdout: Buffer.concat(stdout).toString('latin1'), stderr: Buffer.concat(stderr).toString('latin1'), exitCode, timedOut };
}

/** Runs one program against a fresh peer of its scenario and masks what it printed. */
export async function runProgram(program: FidelityProgram, runner: Runner): Promise<Transcript> {
  const scenario = scenarios[program.scenario];
  if (!scenario) throw new Error(`unknown scenario ${program.scenario}`);
  const peer = await scenario();
  try {
    const [command, args] =
      runner === 'scarletdme'
        ? [sdmeRunPath(), [program.basicPath, ...peer.args]]
        : [process.execPath, ['--import', 'tsx', program.portPath, ...peer.args]];
    const run = await runCommand(command, args);
    if (run.timedOut) throw new Error(`${program.name} (${runner}) did not finish within ${RUN_LIMIT_MS} ms; it printed:\n${run.stdout}${run.stderr}`);
    return { raw: run.stdout, masked: maskTranscript(run.stdout, peer.ports), stderr: run.stderr, exitCode: run.exitCode };
  } finally {
    await peer.stop();
  }
}

/** The recorded ScarletDME transcript of a program, or undefined when none was recorded. */
export function golden(program: FidelityProgram): string | undefined {
  return existsSync(program.goldenPath) ? readFileSync(program.goldenPath, 'latin1') : undefined;
}
