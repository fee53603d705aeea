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
/**
 * A program that has not ended by then is stopped (every program here ends within 10 s; a port
 * that does not end usually holds a socket that the BASIC original never had open).
 */
export const RUN_LIMIT_MS = 30_000;

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
  /** It had not ended after RUN_LIMIT_MS and was stopped. */
  timedOut: boolean;
}

/** A command started in its own process group, with what it prints so far. */
export interface StartedCommand {
  /** Its stdout so far, as bytes (latin1). */
  stdout(): string;
  /** Its stderr so far. */
  stderr(): string;
  /** Resolves with its exit code once it has ended and its output is complete. */
  closed: Promise<number | null>;
  /** Resolves true once stdout matches `pattern`, false if it does not within `ms` or the command ends first. */
  waitForOutput(pattern: RegExp, ms: number): Promise<boolean>;
  /** Ends it and what it started: SIGTERM to its process group, then SIGKILL to what is left of the group. */
  stop(): Promise<void>;
}

/** Starts a command in its own process group (so that stop() also reaches what it starts, such as qm). */
export function startCommand(command: string, args: readonly string[]): StartedCommand {
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let ended = false;
  const closed = once(child, 'close').then(([code]) => {
    ended = true;
    for (const watcher of watchers) watcher();
    return code as number | null;
  });
  const text = (): string => Buffer.concat(stdout).toString('latin1');
  const signalGroup = (name: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, name);
    } catch (error) {
      // ESRCH: nothing of the group is left, which is what stop() wants.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  return {
    stdout: text,
    stderr: () => Buffer.concat(stderr).toString('latin1'),
    closed,
    waitForOutput: (pattern, ms) =>
      new Promise<boolean>((resolve) => {
        const finish = (found: boolean): void => {
          clearTimeout(timer);
          watchers.delete(check);
          resolve(found);
        };
        const check = (): void => {
          if (pattern.test(text())) finish(true);
          else if (ended) finish(false);
        };
        const timer = setTimeout(() => finish(false), ms);
        watchers.add(check);
        check();
      }),
    stop: async () => {
      // The group, not only the child: sdme-run's qm outlives the shell that started it, and qm
      // ignores SIGTERM; the pipe closing says nothing about qm being gone. SIGTERM first lets a
      // node port end on its own; whatever is left of the group 1 s later is killed.
      signalGroup('SIGTERM');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      signalGroup('SIGKILL');
      await closed;
    },
  };
}

/** Runs a command to its end, or stops it after `limitMs`. */
export async function runCommand(command: string, args: readonly string[], limitMs = RUN_LIMIT_MS): Promise<{ stdout: string; stderr: string; exitCode: number | null; timedOut: boolean }> {
  const started = startCommand(command, args);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void started.stop();
  }, limitMs);
  const exitCode = await started.closed;
  clearTimeout(timer);
  return { stdout: started.stdout(), stderr: started.stderr(), exitCode, timedOut };
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
    return { raw: run.stdout, masked: maskTranscript(run.stdout, peer.ports), stderr: run.stderr, exitCode: run.exitCode, timedOut: run.timedOut };
  } finally {
    await peer.stop();
  }
}

/** The recorded ScarletDME transcript of a program, or undefined when none was recorded. */
export function golden(program: FidelityProgram): string | undefined {
  return existsSync(program.goldenPath) ? readFileSync(program.goldenPath, 'latin1') : undefined;
}
