// Writes the package's ESM entries as thin re-exports of its CommonJS build, so that one
// implementation serves `import` and `require` alike (two builds would be two copies: a
// TlsContext made by one refused by the other, SocketError a different class in each).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * For each entry `<name>` built as `<dir>/<name>.cjs`, writes `<dir>/<name>.js` re-exporting
 * every export by name, then imports it to check that Node's ESM loader sees each one (it reads
 * a CommonJS module's names with cjs-module-lexer; a name it missed fails the import).
 */
export async function writeEsmEntries(dir: string, names: readonly string[]): Promise<void> {
  const require = createRequire(import.meta.url);
  for (const name of names) {
    const cjs = resolve(dir, `${name}.cjs`);
    const exported = Object.keys(require(cjs) as object).filter((key) => key !== '__esModule' && key !== 'default');
    const esm = join(dir, `${name}.js`);
    writeFileSync(esm, `// The ESM face of ./${name}.cjs: the same module, not a copy.\nexport {\n${exported.map((key) => `  ${key},`).join('\n')}\n} from './${name}.cjs';\n`);
    const seen = Object.keys((await import(pathToFileURL(resolve(esm)).href)) as object);
    const missing = exported.filter((key) => !seen.includes(key));
    if (missing.length > 0) throw new Error(`${esm} does not see ${missing.join(', ')} from ./${name}.cjs`);
  }
}
