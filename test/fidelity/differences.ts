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
  /** The whole line as the port prints it instead; null when the port prints no such line. */
  library: string | null;
  /** Why the library does not follow ScarletDME here. */
  why: string;
}

/** Every deliberate departure, in the order of the table in docs/porting.md. */
export const expectedDifferences: readonly ExpectedDifference[] = [
  {
    program: 'serverflags',
    scarletdme: 'empty address: status=7021 open=0',
    library: 'empty address: status=0 open=1',
    why: "'' binds every address, as ScarletDME's own source says it should; no working program can rely on the failure",
  },
  {
    program: 'serverflags',
    scarletdme: 'port 0: status=0 port=0 addr=127.0.0.1',
    library: `port 0: status=0 port=${'<any-port>'} addr=127.0.0.1`,
    why: 'the port the system picked is the one worth knowing; ScarletDME repeats the 0 it was given',
  },
  {
    program: 'openerrors',
    scarletdme: 'port + 65536: status=0 open=1',
    library: 'port + 65536: status=7022 open=0',
    why: 'a port past 65535 is refused (ERAI$SERVICE) rather than silently taken modulo 65536',
  },
  {
    program: 'openerrors',
    scarletdme: 'port + 65536: port - 65536=<echo-port>',
    library: null,
    why: 'the open failed, so the program prints no port',
  },
  {
    program: 'outinfo',
    scarletdme: 'MODE keepalive 0 result=1 status=0 now=1',
    library: 'MODE keepalive 0 result=1 status=0 now=0',
    why: 'SET.SOCKET.MODE(SKT, SKT$INFO.KEEP.ALIVE, 0) turns keep-alive off; ScarletDME answers 1 and leaves it on',
  },
  {
    program: 'echoflags',
    scarletdme: 'READ max 0 data= status=7013',
    library: 'READ max 0 data= status=0',
    why: 'a read of no bytes reads nothing; ScarletDME reports the peer closed (7013) on a healthy connection',
  },
  {
    program: 'writetimeout',
    scarletdme: 'WRITE blocking timeout 1000 status=1011 some=1 all=0 waited=1',
    library: 'WRITE blocking timeout 1000 status=1011 some=1 all=1 waited=1',
    why: 'after a write times out its bytes stay queued and are sent if the peer catches up, so all of them count; ScarletDME counts what the kernel took and drops the rest',
  },
  {
    program: 'writetimeout',
    scarletdme: 'WRITE flags 0 now blocking timeout 500 n=0 status=1011 time=~0.5s',
    library: 'WRITE flags 0 now blocking timeout 500 n=4 status=1011 time=~0.5s',
    why: 'the same: the 4 bytes are queued behind the earlier ones and count as written',
  },
  {
    program: 'writehang',
    scarletdme: 'WRITE blocking timeout 500 status=1011 some=1 all=0 waited=1',
    library: 'WRITE blocking timeout 500 status=1011 some=1 all=1 waited=1',
    why: 'the same, on a socket opened blocking',
  },
  {
    program: 'udp',
    scarletdme: 'SERVER WRITE n=0 status=1008',
    library: 'SERVER WRITE n=4 status=0',
    why: "a UDP server socket answers the sender of the last datagram it read; ScarletDME's has no destination and always fails",
  },
  {
    program: 'udp',
    scarletdme: 'SERVER ACCEPT nothing sent status=1011 open=0 time=~0.5s',
    library: 'SERVER ACCEPT nothing sent status=7025 open=0 time=<250ms',
    why: 'a UDP socket has no connections to accept: ER$INCOMP_PROTO at once; ScarletDME waits out the timeout (and with a datagram waiting returns a broken socket)',
  },
];

/** In a difference's `library` line: any port number (one the system picked, so it changes from run to run). */
const ANY_PORT = '<any-port>';

/**
 * What the port of `program` must print, given what ScarletDME printed: ScarletDME's lines with
 * each expected difference of that program applied. A listed line that is missing from the
 * ScarletDME transcript is an error: the entry is stale. Where a difference's line has
 * `<any-port>`, the port's own line is taken when it is that line with a number there.
 */
export function expectedPortTranscript(program: string, scarletdme: string, port: string): string {
  const lines = scarletdme.split('\n');
  for (const difference of expectedDifferences.filter((entry) => entry.program === program)) {
    const index = lines.indexOf(difference.scarletdme);
    if (index < 0) throw new Error(`${program}: expected difference not in ScarletDME's transcript: ${difference.scarletdme}`);
    if (difference.library === null) lines.splice(index, 1);
    else lines[index] = difference.library;
  }
  const printed = port.split('\n');
  return lines
    .map((line, i) => {
      if (!line.includes(ANY_PORT)) return line;
      const pattern = new RegExp(`^${line.split(ANY_PORT).map(escapeRegExp).join('\\d{1,5}')}$`);
      return pattern.test(printed[i] ?? '') ? (printed[i] as string) : line;
    })
    .join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
