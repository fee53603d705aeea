import { cpSync, rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import { writeEsmEntries } from './scripts/esm-entries.js';

/**
 * The package's entry points (dist/<name>.cjs, dist/<name>.js, dist/<name>.d.ts and .d.cts):
 * the library, its BASIC convention, and SERAPHIM as a library.
 */
const ENTRIES = {
  index: 'lib/index.ts',
  basic: 'lib/basic/index.ts',
  seraphim: 'examples/seraphim/index.ts',
};

const shared: Options = {
  // Maps that point into the repository's sources without carrying them: stack traces name the
  // .ts lines, and the package ships no sources it does not need.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  target: 'node20',
  platform: 'node',
};

// Cleaned once here: the builds below run at the same time, so none may clean dist/.
rmSync('dist', { recursive: true, force: true });

export default defineConfig([
  // The one implementation: CommonJS, split so that every entry shares one copy of the core (a
  // socket, TlsContext or SocketError made through one entry is the library's own to the
  // others). The ESM entries are then written as thin re-exports of it, so `import` and
  // `require` in one process meet the same classes and the same state.
  {
    ...shared,
    entry: ENTRIES,
    format: ['cjs'],
    splitting: true,
    onSuccess: async () => {
      await writeEsmEntries('dist', Object.keys(ENTRIES));
    },
  },
  // The declarations of both module systems, without the members marked @internal: the types
  // users see are the public API.
  { entry: ENTRIES, format: ['esm', 'cjs'], dts: { only: true, compilerOptions: { stripInternal: true } } },
  // The `seraphim` command, with its sample site beside it (its default --root). The library is
  // not bundled: `scarlet-sockets` resolves to the package's own entry at run time.
  {
    ...shared,
    entry: { cli: 'examples/seraphim/cli.ts' },
    outDir: 'dist/seraphim',
    format: ['esm'],
    external: ['scarlet-sockets', 'scarlet-sockets/basic', 'scarlet-sockets/seraphim'],
    onSuccess: async () => {
      cpSync('examples/seraphim/site', 'dist/seraphim/site', { recursive: true });
    },
  },
]);
