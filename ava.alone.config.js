// Tests that must not share the machine with the rest of the suite: testssl times its probes,
// and a busy machine makes some of them ambiguous. `npm test` runs these after the others.
export default {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  files: ['test/alone/**/*.test.ts'],
  // testssl's scan: about a minute on a quiet machine, 10 to 15 on a busy one (seraphim-testssl).
  timeout: '30m',
  workerThreads: false,
};
