/**
 * The Node.js flags SERAPHIM's process runs with: `--max-semi-space-size=1`, a young generation
 * of 1 MiB per semi-space, which shortens SERAPHIM's latency tail (why, and what was measured:
 * docs/seraphim.md, "The Node flags it runs with").
 *
 * V8 reads them only when a process starts, so they are written out wherever a process is started
 * to run SERAPHIM: the `seraphim` command's shebang (cli.ts) and `npm start` (package.json),
 * which test/package.test.ts checks against this list; the CLI test helper and the benchmark's
 * SERAPHIM children take them from here; cluster workers inherit them from the primary, which
 * test/seraphim-signals.test.ts checks.
 */
export const SERAPHIM_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
