// Tests that must not share the machine with the rest of the suite: testssl times its probes,
// the floods, the soak and the slow readers time a probe against a bound, and a busy machine
// makes them ambiguous. `npm test` runs these after the others.
export default {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  files: ['test/alone/**/*.test.ts'],
  // testssl's scan: about a minute on a quiet machine, 10 to 15 on a busy one (seraphim-testssl).
  timeout: '30m',
  // One file at a time: each of these measures the machine (floods, soak, slow readers, scans).
  concurrency: 1,
  workerThreads: false,
};
