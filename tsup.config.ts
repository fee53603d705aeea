import { cpSync, rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

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

// Cleaned once here: the two builds below run at the same time, so neither may clean dist/.
rmSync('dist', { recursive: true, force: true });

export default defineConfig([
  // The library's two entry points, ESM and CommonJS, with declarations for both. Split, in
  // CommonJS too, so that both entries share one copy of the core: a socket or TlsContext made
  // through one is the library's own to the other.
  { ...shared, entry: { index: 'lib/index.ts', basic: 'lib/basic/index.ts' }, format: ['esm', 'cjs'], dts: true, splitting: true },
  // The `seraphim` command, with its sample site beside it (its default --root).
  {
    ...shared,
    entry: { cli: 'examples/seraphim/cli.ts' },
    outDir: 'dist/seraphim',
    format: ['esm'],
    onSuccess: async () => {
      cpSync('examples/seraphim/site', 'dist/seraphim/site', { recursive: true });
    },
  },
]);
