import { readFileSync } from 'node:fs';
import test from 'ava';
import { statusCodes } from '../lib/errors.js';

/** The rows of the status table in docs/errors.md: `| 1011 | `ER$TIMEOUT` | ... |`. */
interface Row {
  readonly status: number;
  readonly code: string;
  readonly line: string;
}

function statusRows(): Row[] {
  const page = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows: Row[] = [];
  for (const line of page.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // A table row of the status table starts with a number in its first cell.
    if (!line.trimStart().startsWith('|') || !/^\d+$/.test(cells[1] ?? '')) continue;
    rows.push({ status: Number(cells[1]), code: (cells[2] ?? '').replace(/`/g, ''), line });
  }
  return rows;
}

test('docs/errors.md has a row for every status SocketError can carry', (t) => {
  const rows = statusRows();
  for (const [status, code] of statusCodes()) {
    const row = rows.find((r) => r.status === status);
    t.truthy(row, `docs/errors.md has no row for ${status} ${code}`);
    t.is(row?.code, code, `the row for ${status} names ${row?.code}, not ${code}`);
  }
});

test('every row of docs/errors.md names a known status, once', (t) => {
  const known = statusCodes();
  const rows = statusRows();
  t.true(rows.length > 0, 'no status rows found in docs/errors.md');
  const seen = new Set<number>();
  for (const row of rows) {
    const code: string | undefined = known.get(row.status);
    t.is(code, row.code, `unknown or mismatched status row: ${row.line}`);
    t.false(seen.has(row.status), `${row.status} has two rows`);
    seen.add(row.status);
  }
  t.is(rows.length, known.size);
});

/**
 * The code blocks of docs/porting.md that are excerpts of an example: each follows a comment
 * `<!-- examples/NAME.ts, #region docs ... -->` and must be the lines between that file's
 * `// #region docs` and `// #endregion docs` (the examples import `scarlet-sockets` as the
 * guide does).
 */
const EXCERPT = /<!-- (examples\/[\w./-]+\.ts), #region (\w+)\b[^>]*-->\n```ts\n([\s\S]*?)```\n/g;

function region(file: string, name: string): string | undefined {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const start = text.indexOf(`// #region ${name}\n`);
  const end = text.indexOf(`// #endregion ${name}\n`);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + `// #region ${name}\n`.length, end);
}

test('the ported programs in docs/porting.md are the code of their example files', (t) => {
  const page = readFileSync(new URL('../docs/porting.md', import.meta.url), 'utf8');
  const excerpts = [...page.matchAll(EXCERPT)];
  const files = excerpts.map((match) => match[1]);
  t.deepEqual(
    files,
    [
      'examples/basic/price-client.ts',
      'examples/price-client.ts',
      'examples/basic/line-server.ts',
      'examples/line-server.ts',
      'examples/basic/seraphim-loop.ts',
      'examples/seraphim-loop.ts',
    ],
    'the excerpt comments in docs/porting.md',
  );
  for (const [, file = '', name = '', block = ''] of excerpts) {
    const code = region(file, name);
    if (code === undefined) {
      t.fail(`${file} has no "// #region ${name}" ... "// #endregion ${name}"`);
      continue;
    }
    t.is(block, code, `the block after the ${file} comment in docs/porting.md differs from the file: copy the region again`);
  }
});
