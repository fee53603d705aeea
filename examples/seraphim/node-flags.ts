/**
 * The Node.js flags SERAPHIM's process runs with: none, Node's defaults. `--max-semi-space-size=1`
 * (a young generation of 1 MiB per semi-space), which it once ran with, cost about 9 % more CPU per
 * request on a small page and gave no better p99 latency under load, nor less memory with many
 * idle connections (docs/seraphim.md, "The Node flags it runs with").
 *
 * V8 reads flags only when a process starts, so a flag put in this list must be written out
 * wherever a process is started to run SERAPHIM: the `seraphim` command's shebang (cli.ts:
 * `#!/usr/bin/env node` while the list is empty, `#!/usr/bin/env -S node FLAGS` otherwise) and
 * `npm start` (package.json), which test/package.test.ts checks against this list; the CLI test
 * helper and the benchmark's SERAPHIM children take them from here; cluster workers inherit them
 * from the primary, which test/seraphim-signals.test.ts checks.
 */
export const SERAPHIM_NODE_FLAGS: readonly string[] = [];
