#!/usr/bin/env -S node --max-semi-space-size=1
// The `seraphim` command (its Node flags: node-flags.ts). Run: npm start -- --help
import cluster from 'node:cluster';
import { createWriteStream, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTlsContext, type TlsContextOptions } from '../../lib/index.js';
import { validityProblem } from './certificate-validity.js';
import { developmentHosts, ensureDevelopmentCertificates } from './dev-certificates.js';
import { complain, keepOutputFromEndingTheProcess, say } from './output.js';
import { createSampleHandler } from './routes/sample-routes.js';
import { startSeraphim, type SeraphimServer } from './server.js';
import { announceListening, runPrimary, sharedTicketKeys } from './workers.js';

// First of all, before any work that takes time: a reader of stdout or stderr that goes away
// must not end the process, and a SIGHUP that comes while it starts must not either (its default
// action ends a process). Until the server runs, a SIGHUP is remembered and done once it does.
keepOutputFromEndingTheProcess();
let reloadNow: (() => void) | undefined;
let reloadWanted = false;
process.on('SIGHUP', () => {
  if (reloadNow === undefined) reloadWanted = true;
  else reloadNow();
});

/** Sets what SIGHUP does from now on, doing it at once if one came while the process started. */
function onReload(reload: () => void): void {
  reloadNow = reload;
  if (reloadWanted) {
    reloadWanted = false;
    reload();
  }
}

const HELP = `Usage: seraphim [options]

Serves a directory of static files over HTTPS (and HTTP, redirecting to HTTPS).
With no options: the sample blog on https://127.0.0.1:8443/ and http://127.0.0.1:8080/,
with a development certificate made on first run.

Options:
  --root DIR              the site to serve (default: the sample site)
  --host ADDR             address to listen on (default 127.0.0.1; '' for every address,
                          IPv6 and IPv4; 0.0.0.0 for every IPv4 address)
  --http-port N|auto      HTTP port (default 8080; 0 disables HTTP; auto: a free port, printed)
  --https-port N|auto     HTTPS port (default 8443; 0 disables HTTPS, and HTTP serves the site;
                          auto as above)
  --cert FILE --key FILE  PEM certificate chain and private key (reloaded on SIGHUP)
  --pfx FILE              PKCS#12 bundle instead of --cert/--key (reloaded on SIGHUP)
  --passphrase-file FILE  file holding the passphrase of --pfx or of an encrypted --key
  --state-dir DIR         where the development CA and certificate are kept (default .seraphim)
  --canonical-host NAME   the host (and :port, if not the HTTPS port) that HTTP redirects to
                          (default: the Host asked for if it is one of the certificate's
                          names, else the listening address)
  --workers N             N processes on node:cluster sharing the ports (default 1)
  --access-log FILE|-|off access log in Combined Log Format + ms (default - : stdout)
  --send-timeout MS       a client must take each write of a response (up to 64 KiB of a
                          file, 256 KiB of a route's body) within MS milliseconds or is cut
                          off (default 30000; 1 to 3600000)
  --per-address on|off    limits per client address: 64 connections, 64 TLS handshakes at
                          once and 32 a second after those (default on; off behind a proxy
                          or load balancer through which every client comes from one address)
  --quiet                 print only errors (and no access log unless --access-log is given)
  -h, --help              show this help

Signals: SIGTERM/SIGINT stop gracefully (requests in flight finish, exit within 5 s);
SIGHUP reloads the certificate and key files without dropping a connection.`;

/** A host name, an IPv4 address or a bracketed IPv6 address, with an optional port. */
const CANONICAL_HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$/;
/** Exit code for a usage error. */
const USAGE = 2;
/** The most time a graceful stop may take. */
const EXIT_DEADLINE_MS = 5_000;

interface CliOptions {
  root: string;
  /** The sample site is served with its routes (the posts API, the guestbook, uploads). */
  sampleSite: boolean;
  host: string;
  /** 0: disabled; 'auto': a free port picked by the system. */
  httpPort: number | 'auto';
  httpsPort: number | 'auto';
  sendTimeout: number;
  /** The limits per client address (SeraphimOptions' defaults), or none. */
  perAddress: boolean;
  cert?: string;
  key?: string;
  pfx?: string;
  passphrase?: string;
  stateDir: string;
  canonicalHost?: string;
  workers: number;
  accessLog: string | undefined;
  quiet: boolean;
}

function usageError(message: string): never {
  complain(`seraphim: ${message}\nTry 'seraphim --help'.`);
  process.exit(USAGE);
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) usageError(`--${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** An `on`/`off` option. */
function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value !== 'on' && value !== 'off') usageError(`--${name} takes on or off, not ${JSON.stringify(value)}`);
  return value === 'on';
}

/** A port option: a number, 0 for disabled, or `auto` for a free port. */
function port(name: string, value: string | undefined, fallback: number): number | 'auto' {
  return value === 'auto' ? 'auto' : integer(name, value, fallback, 0, 65535);
}

/** A port option as startSeraphim takes it. */
function listenPort(value: number | 'auto'): number | false {
  if (value === 'auto') return 0;
  return value === 0 ? false : value;
}

function parseCommandLine(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        root: { type: 'string' },
        host: { type: 'string' },
        'http-port': { type: 'string' },
        'https-port': { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        pfx: { type: 'string' },
        'passphrase-file': { type: 'string' },
        'state-dir': { type: 'string' },
        'canonical-host': { type: 'string' },
        workers: { type: 'string' },
        'access-log': { type: 'string' },
        'send-timeout': { type: 'string' },
        'per-address': { type: 'string' },
        quiet: { type: 'boolean' },
      },
    }));
  } catch (err) {
    usageError((err as Error).message);
  }
  if (values.help) {
    say(HELP);
    process.exit(0);
  }
  if ((values.cert === undefined) !== (values.key === undefined)) usageError('--cert and --key go together');
  if (values.pfx !== undefined && values.cert !== undefined) usageError('--pfx replaces --cert and --key: give one or the other');
  const options: CliOptions = {
    root: resolve(values.root ?? fileURLToPath(new URL('./site/', import.meta.url))),
    sampleSite: values.root === undefined,
    host: values.host ?? '127.0.0.1',
    httpPort: port('http-port', values['http-port'], 8080),
    httpsPort: port('https-port', values['https-port'], 8443),
    sendTimeout: integer('send-timeout', values['send-timeout'], 30_000, 1, 3_600_000),
    perAddress: onOff('per-address', values['per-address'], true),
    stateDir: resolve(values['state-dir'] ?? '.seraphim'),
    workers: integer('workers', values.workers, 1, 1, 256),
    accessLog: values['access-log'] ?? (values.quiet ? undefined : '-'),
    quiet: values.quiet ?? false,
  };
  if (options.httpPort === 0 && options.httpsPort === 0) usageError('both listeners are disabled');
  if (values.cert !== undefined) options.cert = resolve(values.cert);
  if (values.key !== undefined) options.key = resolve(values.key);
  if (values.pfx !== undefined) options.pfx = resolve(values.pfx);
  if (values['canonical-host'] !== undefined) {
    if (!CANONICAL_HOST.test(values['canonical-host'])) usageError(`--canonical-host takes a host name or address with an optional :port, not ${JSON.stringify(values['canonical-host'])}`);
    options.canonicalHost = values['canonical-host'];
  }
  if (values['passphrase-file'] !== undefined) {
    try {
      options.passphrase = readFileSync(values['passphrase-file'], 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      usageError(`cannot read --passphrase-file: ${(err as Error).message}`);
    }
  }
  return options;
}

/** The key material to load now and on every SIGHUP; the dev CA path when it is a development certificate. */
function tlsMaterial(options: CliOptions): { material: TlsContextOptions; devCa?: string } {
  const passphrase = options.passphrase === undefined ? {} : { passphrase: options.passphrase };
  if (options.pfx !== undefined) return { material: { pfx: options.pfx, ...passphrase } };
  if (options.cert !== undefined && options.key !== undefined) return { material: { cert: options.cert, key: options.key, ...passphrase } };
  const dev = ensureDevelopmentCertificates(options.stateDir, developmentHosts(options.host));
  return { material: { cert: dev.cert, key: dev.key }, devCa: dev.caCert };
}

function accessLogStream(target: string | undefined): Writable | false {
  if (target === undefined || target === 'off') return false;
  if (target === '-') return process.stdout;
  const stream = createWriteStream(target, { flags: 'a' });
  stream.on('error', (err) => complain(`seraphim: access log: ${err.message}`));
  return stream;
}

/** Serves in this process (alone, or as a cluster worker). */
async function serve(options: CliOptions, material: TlsContextOptions | undefined): Promise<SeraphimServer> {
  const ticketKeys = sharedTicketKeys();
  const context = material === undefined ? undefined : createTlsContext(ticketKeys === undefined ? material : { ...material, ticketKeys });
  const accessLog = accessLogStream(options.accessLog);
  const server = await startSeraphim({
    root: options.root,
    host: options.host,
    httpPort: listenPort(options.httpPort),
    httpsPort: listenPort(options.httpsPort),
    timeouts: { send: options.sendTimeout },
    ...(options.perAddress ? {} : { maxConnectionsPerAddress: 0, maxHandshakesPerAddress: 0, handshakesPerSecondPerAddress: 0 }),
    ...(context === undefined ? {} : { context }),
    ...(options.sampleSite ? { handler: createSampleHandler() } : {}),
    ...(options.canonicalHost === undefined ? {} : { canonicalHost: options.canonicalHost }),
    accessLog,
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), EXIT_DEADLINE_MS).unref();
    void server.close().then(() => {
      if (accessLog && accessLog !== process.stdout) accessLog.end(() => process.exit(0));
      else process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  onReload(() => {
    if (material === undefined) return;
    try {
      server.reload(material);
      if (!options.quiet) say('seraphim: certificate reloaded');
    } catch (err) {
      complain(`seraphim: certificate not reloaded, the old one stays in force: ${(err as Error).message}`);
    }
  });
  return server;
}

function printListening(urls: string[], options: CliOptions, devCa: string | undefined): void {
  if (options.quiet) return;
  for (const url of urls) say(`seraphim listening ${url}`);
  if (devCa !== undefined) {
    const shown = relative(process.cwd(), devCa) || devCa;
    const httpsUrl = urls.find((u) => u.startsWith('https:')) ?? 'https://127.0.0.1:8443/';
    say(
      `seraphim: using a development certificate. To trust it, trust the development CA ${shown}:\n` +
        `  curl --cacert ${shown} ${httpsUrl}\n` +
        `  browsers: import ${shown} as a certificate authority (for development only, never in production)`,
    );
  }
}

async function main(): Promise<void> {
  const options = parseCommandLine(process.argv.slice(2));
  const https = options.httpsPort !== 0;
  let tls: { material: TlsContextOptions; devCa?: string } | undefined;
  try {
    tls = https ? tlsMaterial(options) : undefined;
  } catch (err) {
    complain(`seraphim: ${(err as Error).message}`);
    process.exit(1);
  }
  // Checked once, by the process that reads the material first (the primary, with workers).
  if (tls !== undefined && cluster.isPrimary) warnIfOutOfDate(tls.material);
  if (options.workers > 1 && cluster.isPrimary) {
    // The primary made the development certificate (if any) above, so workers only read it.
    const primary = runPrimary(
      options.workers,
      (urls) => printListening(urls, options, tls?.devCa),
      complain,
      (pid) => {
        if (!options.quiet) say(`seraphim: worker ${pid ?? '?'} listening`);
      },
    );
    onReload(primary.reload);
    return;
  }
  const server = await serve(options, tls?.material);
  const urls = [server.urls.https, server.urls.http].filter((u): u is string => u !== undefined);
  if (cluster.isWorker) announceListening(urls);
  else printListening(urls, options, tls?.devCa);
}

/** Warns loudly, at startup, about a certificate that clients will refuse for its dates. */
function warnIfOutOfDate(material: TlsContextOptions): void {
  const certificate = createTlsContext(material).describe();
  const problem = certificate === undefined ? undefined : validityProblem(certificate);
  if (problem === undefined) return;
  complain(
    `seraphim: WARNING: ${problem}. Every client will refuse it: install a valid certificate and send SIGHUP ` +
      '(a reload refuses a certificate outside its dates).',
  );
}

main().catch((err: unknown) => {
  complain(`seraphim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
