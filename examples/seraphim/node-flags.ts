/**
 * The Node.js flags SERAPHIM's process runs with.
 *
 * V8 reads them only when a process starts, so they are written out wherever a process is started
 * to run SERAPHIM: the `seraphim` command's shebang (cli.ts), `npm start` (package.json), the
 * test helper that runs the command, and the benchmark's SERAPHIM children. Cluster workers
 * inherit them from the primary. test/package.test.ts checks that each place carries these.
 *
 * `--max-semi-space-size=1` keeps V8's young generation at 1 MiB per semi-space, where under load
 * it would grow to 16 MiB. Nearly everything SERAPHIM allocates dies with the response it was
 * made for, so a small young generation costs few extra copies, and each collection is a short
 * pause on memory still in the CPU's caches, instead of a longer one every few thousand
 * requests that delays every connection waiting at that moment. Measured with wrk -c64 on the
 * 1 KiB HTTPS page: p99 1.8 ms against 2.5 ms, requests/s unchanged (docs/seraphim.md,
 * Performance). node:https, whose request objects live longer, was slower with the same flag.
 */
export const SERAPHIM_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
