// The ```basic blocks of a Markdown page, as `npm run test:scarletdme` compiles (and, for whole
// programs, runs) them on ScarletDME, so that the porting guide never shows BASIC that does not
// do what it says.
//
// The fence's info string says how a block is checked:
//   ```basic               a fragment (compiled inside a wrapper) or, when its first line is an
//                          $INCLUDE, a whole program, which must name its peer to be run
//   ```basic peer=NAME     a whole program, run against the doc peer NAME (doc-peers.ts) on a
//                          free port given as its first argument; `port=N` if it has N written in
//   ```basic fork          uses the secure calls of the Krowemoh/ScarletDME fork, which upstream
//                          ScarletDME does not have: skipped, with that reason printed
//   ```basic fragment      a fragment even though it starts with $INCLUDE

/** One ```basic block of a page. */
export interface BasicBlock {
  /** The 1-based line of its opening fence. */
  line: number;
  /** The words of the info string after `basic`. */
  info: string[];
  /** The BASIC source between the fences. */
  code: string;
}

/** How a block is checked. */
export type BlockCheck =
  | { kind: 'skip'; reason: string }
  | { kind: 'compile'; source: string }
  | { kind: 'run'; source: string; peer: string }
  | { kind: 'unrunnable'; source: string; reason: string };

const OPENING = /^\s*```basic(?:\s+(.*))?$/;
const CLOSING = /^\s*```\s*$/;

/** Every ```basic block of a Markdown text, in order. */
export function basicBlocks(markdown: string): BasicBlock[] {
  const blocks: BasicBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const opening = OPENING.exec(lines[i] ?? '');
    if (!opening) continue;
    const start = i;
    const code: string[] = [];
    for (i++; i < lines.length && !CLOSING.test(lines[i] ?? ''); i++) code.push(lines[i] ?? '');
    blocks.push({ line: start + 1, info: (opening[1] ?? '').split(/\s+/).filter(Boolean), code: code.join('\n') + '\n' });
  }
  return blocks;
}

/**
 * A fragment made compilable: the constants it may use are included, and a STOP runs before it,
 * so that running the compiled program does nothing (a fragment's variables are unassigned, and a
 * GOSUB to a label the page does not show would not compile, so such a fragment must be given
 * whole).
 */
export function wrapFragment(code: string): string {
  const includes = ['$INCLUDE SYSCOM KEYS.H', '$INCLUDE SYSCOM ERR.H'].filter((include) => !code.includes(include));
  return [...includes, '* A fragment of the page: compiled, never run.', 'IF 1 THEN STOP', code].join('\n');
}

/** Decides how a block is checked, from its info string and its first line. */
export function blockCheck(block: BasicBlock): BlockCheck {
  if (block.info.includes('fork')) {
    return { kind: 'skip', reason: "uses the fork's secure calls (Krowemoh/ScarletDME), which upstream ScarletDME does not have" };
  }
  const whole = !block.info.includes('fragment') && /^\s*\$INCLUDE\b/i.test(block.code.trimStart());
  if (!whole) return { kind: 'compile', source: wrapFragment(block.code) };
  const peer = block.info.find((word) => word.startsWith('peer='))?.slice('peer='.length);
  if (peer === undefined) return { kind: 'unrunnable', source: block.code, reason: 'a whole program whose info string names no peer (```basic peer=NAME): it cannot be run' };
  return { kind: 'run', source: block.code, peer };
}
