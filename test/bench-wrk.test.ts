import test from 'ava';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { listenOnFreePort } from '../bench/lib/listen.js';
import { parseWrk, runWrk } from '../bench/lib/seraphim-processes.js';

// The summary wrk prints, cut to what parseWrk reads, with and without its CPU line.
const SUMMARY = `Running 1s test @ http://127.0.0.1:1/
  Latency Distribution
     50%  100.00us
     90%  200.00us
     99%  1.50ms
  1000 requests in 1.00s, 100.00KB read
Requests/sec:   1000.00
Transfer/sec:    100.00KB
`;

test("parseWrk reads wrk's CPU line as microseconds (clock ticks of 10 ms), and none when wrk printed none", (t) => {
  const parsed = parseWrk(`${SUMMARY}wrk cpu ticks: user 123 system 45\n`);
  t.is(parsed.cpuMicros, 1_680_000);
  t.is(parsed.requests, 1000);
  t.is(parsed.p99, 1.5);
  t.is(parseWrk(SUMMARY).cpuMicros, undefined);
});

test("runWrk gets wrk's own CPU time from its script, with the run's other figures intact", async (t) => {
  if (spawnSync('wrk', ['--version']).error !== undefined) {
    t.fail('wrk is not installed (Debian package wrk)');
    return;
  }
  const server = createServer((_req, res) => res.end('ok'));
  t.teardown(() => server.close());
  const port = await listenOnFreePort(server, '127.0.0.1');
  const result = await runWrk(`http://127.0.0.1:${port}/`, 1, 2);
  t.true(result.requests > 0, 'wrk made requests');
  t.is(result.errors.connect + result.errors.read + result.errors.non2xx, 0);
  // A second of wrk at work takes at least one clock tick of its CPU, and never more than the
  // second times the machine's cores (its one thread, and the main thread that waits).
  t.true(result.cpuMicros !== undefined && result.cpuMicros >= 10_000, `wrk's CPU: ${result.cpuMicros}`);
  t.true((result.cpuMicros ?? 0) <= 2_500_000, `wrk's CPU: ${result.cpuMicros}`);
});
