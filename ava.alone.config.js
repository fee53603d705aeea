// Tests that must not share the machine with the rest of the suite: testssl times its probes,
// and a busy machine makes some of them ambiguous. `npm test` runs these after the others.
export default {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  files: ['test/alone/**/*.test.ts'],
  timeout: '10m',
  workerThreads: false,
};
