// The server side of test/alone/soak.test.ts, in a process of its own so that its memory can be
// measured apart from the clients: two SERAPHIMs on free loopback ports serving the same site,
// one over HTTPS and one over HTTPS that requires a client certificate (mTLS). Run with
// SERAPHIM's Node flags (SERAPHIM_NODE_FLAGS: none today) and --expose-gc, under tsx:
//
//   node --expose-gc --import tsx test/helpers/seraphim-soak-server.ts SITE CERTS LOG
//
// CERTS is a directory with server.crt, server.key and ca.crt (the CA of the client
// certificates); LOG is the access log file both write to. It prints one line of JSON with the
// two ports. For each `sample` line on its stdin it collects its garbage (a full GC) and prints
// `{"rss": bytes}`: the memory it holds once nothing dead is left in it. It closes both servers
// and exits when its stdin ends.
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTlsContext } from '../../lib/index.js';
import { startSeraphim } from '../../examples/seraphim/server.js';

const [root, certs, logFile] = process.argv.slice(2);
if (root === undefined || certs === undefined || logFile === undefined) throw new Error('usage: seraphim-soak-server.ts SITE CERTS LOG');
const read = (name: string): string => readFileSync(join(certs, name), 'utf8');
const cert = read('server.crt');
const key = read('server.key');
const accessLog = createWriteStream(logFile, { flags: 'a' });
// Every error SERAPHIM reports goes to stderr, which the soak test requires to stay empty.
const onError = (err: unknown): void => console.error('seraphim (soak):', err);
const common = { root, host: '127.0.0.1', httpPort: false, httpsPort: 0, accessLog, onError } as const;

const https = await startSeraphim({ ...common, context: createTlsContext({ cert, key }) });
const mtls = await startSeraphim({ ...common, context: createTlsContext({ cert, key, ca: read('ca.crt'), requestCert: true }) });
process.stdout.write(`${JSON.stringify({ https: https.ports.https, mtls: mtls.ports.https })}\n`);

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with --expose-gc');
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'sample') return;
  collect();
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage.rss() })}\n`);
});
process.stdin.on('end', () => {
  void Promise.all([https.close(), mtls.close()]).finally(() => process.exit(0));
});
