#!/usr/bin/env node
// The `seraphim` command (its Node flags: node-flags.ts). Run: npm start -- --help
import cluster from 'node:cluster';
import { createWriteStream, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { createTlsContext, type TlsContextOptions } from 'scarlet-sockets';
import { validityProblem } from './certificate-validity.js';
import { developmentHosts, ensureDevelopmentCertificates } from './dev-certificates.js';
import { complain, keepOutputFromEndingTheProcess, say } from './output.js';
import { createSampleHandler } from './routes/sample-routes.js';
import { DEFAULT_HEALTH_PATH } from './health.js';
import { startSeraphim, type SeraphimServer } from './server.js';
import { applyTicketKeys, randomTicketKeys, readTicketKeysFile, rotateTicketKeys, SESSION_LIFETIME_SECONDS, TicketKeysFileError } from './ticket-keys.js';
import { announceListening, onTicketKeysFromPrimary, runPrimary, sharedTicketKeys } from './workers.js';

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
  --ticket-keys FILE      TLS session ticket keys, 48 bytes (openssl rand 48 > FILE): the same
                          file on every instance makes sessions resume on any of them; reread
                          on SIGHUP (default: random keys, replaced every 12 hours)
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
                          or load balancer through which every client comes from one address,
                          unless it sends PROXY headers: see --proxy-protocol)
  --proxy-protocol        every connection, on both listeners, must come from a trusted
                          proxy and open with a PROXY header (v1 or v2: HAProxy's send-proxy
                          or send-proxy-v2); the access log and the limits per address then
                          see the client's address; others are closed unserved
  --trusted-proxy CIDR    an address or range the proxies connect from, e.g. 10.0.0.0/8;
                          repeat it for more (default 127.0.0.0/8 and ::1; needs
                          --proxy-protocol)
  --health-path PATH|off  health check path for load balancers: 200 "ok" while serving, 503
                          "draining" after SIGTERM (default ${DEFAULT_HEALTH_PATH})
  --log-health-checks     write health checks to the access log (default: left out)
  --drain-delay SECONDS   after SIGTERM, once a health check has been seen, go on serving this
                          long while the health path says "draining", then stop (default 8:
                          3 failed checks at HAProxy's default 2 s interval, and a margin)
  --quiet                 print only errors (and no access log unless --access-log is given)
  -h, --help              show this help

Signals: SIGTERM/SIGINT stop gracefully (the drain delay if a health check was seen, then
requests in flight finish, exit within 5 s more); SIGHUP reloads the certificate and key files
and the ticket keys file without dropping a connection.`;

/** A host name, an IPv4 address or a bracketed IPv6 address, with an optional port. */
const CANONICAL_HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$/;
/** Where a proxy on the same machine connects from. */
const DEFAULT_TRUSTED_PROXIES = ['127.0.0.0/8', '::1'];
/** An address with an optional prefix length. */
const ADDRESS_OR_RANGE = /^([^/]+)(?:\/(0|[1-9]\d{0,2}))?$/;

/** Is `entry` an IPv4 or IPv6 address, or a CIDR range of one? (The library checks it again.) */
function isAddressOrRange(entry: string): boolean {
  const match = ADDRESS_OR_RANGE.exec(entry);
  const version = isIP(match?.[1] ?? '');
  return version !== 0 && !entry.includes('%') && Number(match?.[2] ?? 0) <= (version === 4 ? 32 : 128);
}

/** Exit code for a usage error. */
const USAGE = 2;
/** The most time a graceful stop may take (after the drain delay). */
const EXIT_DEADLINE_MS = 5_000;
/** Default of --drain-delay, in seconds: HAProxy's default check (every 2 s, 3 failures to take a server out) needs up to 6 s; 2 s more for a check answered late. */
const DEFAULT_DRAIN_DELAY_SECONDS = 8;

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
  /** The addresses PROXY headers are believed from, when every connection must send one. */
  trustedProxies?: string[];
  cert?: string;
  key?: string;
  pfx?: string;
  passphrase?: string;
  stateDir: string;
  canonicalHost?: string;
  workers: number;
  accessLog: string | undefined;
  quiet: boolean;
  /** The --ticket-keys file and the keys it held when read; random rotated keys without it. */
  ticketKeysFile?: string;
  ticketKeys?: Buffer;
  healthPath: string | false;
  logHealthChecks: boolean;
  drainDelayMs: number;
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
        'ticket-keys': { type: 'string' },
        'health-path': { type: 'string' },
        'log-health-checks': { type: 'boolean' },
        'drain-delay': { type: 'string' },
        'proxy-protocol': { type: 'boolean' },
        'trusted-proxy': { type: 'string', multiple: true },
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
    healthPath: healthPath(values['health-path']),
    logHealthChecks: values['log-health-checks'] ?? false,
    drainDelayMs: integer('drain-delay', values['drain-delay'], DEFAULT_DRAIN_DELAY_SECONDS, 0, 600) * 1000,
  };
  if (values['ticket-keys'] !== undefined) {
    options.ticketKeysFile = resolve(values['ticket-keys']);
    try {
      options.ticketKeys = readTicketKeysFile(options.ticketKeysFile);
    } catch (err) {
      if (!(err instanceof TicketKeysFileError)) throw err;
      usageError(`--ticket-keys: ${err.message}`);
    }
  }
  if (options.httpPort === 0 && options.httpsPort === 0) usageError('both listeners are disabled');
  if (values.cert !== undefined) options.cert = resolve(values.cert);
  if (values.key !== undefined) options.key = resolve(values.key);
  if (values.pfx !== undefined) options.pfx = resolve(values.pfx);
  if (values['canonical-host'] !== undefined) {
    if (!CANONICAL_HOST.test(values['canonical-host'])) usageError(`--canonical-host takes a host name or address with an optional :port, not ${JSON.stringify(values['canonical-host'])}`);
    options.canonicalHost = values['canonical-host'];
  }
  if (values['trusted-proxy'] !== undefined && !values['proxy-protocol']) usageError('--trusted-proxy goes with --proxy-protocol');
  if (values['proxy-protocol']) {
    const trusted = values['trusted-proxy'] ?? DEFAULT_TRUSTED_PROXIES;
    const bad = trusted.find((entry) => !isAddressOrRange(entry));
    if (bad !== undefined) usageError(`--trusted-proxy takes an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8, ::1), not ${JSON.stringify(bad)}`);
    options.trustedProxies = trusted;
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

/** The --health-path option: a path, or `off`. */
function healthPath(value: string | undefined): string | false {
  if (value === undefined) return DEFAULT_HEALTH_PATH;
  if (value === 'off') return false;
  if (!/^\/[\x21-\x7e]*$/.test(value) || value.includes('?')) usageError(`--health-path takes a path starting with / (or off), not ${JSON.stringify(value)}`);
  return value;
}

/** The key material to load now and on every SIGHUP; the dev CA path when it is a development certificate. */
function tlsMaterial(options: CliOptions): { material: TlsContextOptions; devCa?: string } {
  // Sessions live as long as the keys that encrypt their tickets (ticket-keys.ts says why).
  const shared = { sessionTimeout: SESSION_LIFETIME_SECONDS, ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }) };
  if (options.pfx !== undefined) return { material: { pfx: options.pfx, ...shared } };
  if (options.cert !== undefined && options.key !== undefined) return { material: { cert: options.cert, key: options.key, ...shared } };
  const dev = ensureDevelopmentCertificates(options.stateDir, developmentHosts(options.host));
  return { material: { cert: dev.cert, key: dev.key, sessionTimeout: SESSION_LIFETIME_SECONDS }, devCa: dev.caCert };
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
  // A worker's keys come from the primary; a process alone reads its file or makes and rotates its own.
  const fromPrimary = sharedTicketKeys();
  const context = material === undefined ? undefined : createTlsContext({ ...material, ticketKeys: fromPrimary ?? options.ticketKeys ?? randomTicketKeys() });
  let stopRotation: (() => void) | undefined;
  if (context !== undefined) {
    if (fromPrimary !== undefined) {
      onTicketKeysFromPrimary((keys) => {
        applyTicketKeys(context, keys);
        if (!options.quiet) say(`seraphim: worker ${process.pid} took new ticket keys`);
      });
    } else if (options.ticketKeys === undefined) stopRotation = rotateTicketKeys((keys) => applyTicketKeys(context, keys));
  }
  const accessLog = accessLogStream(options.accessLog);
  const server = await startSeraphim({
    root: options.root,
    host: options.host,
    httpPort: listenPort(options.httpPort),
    httpsPort: listenPort(options.httpsPort),
    timeouts: { send: options.sendTimeout },
    ...(options.perAddress ? {} : { maxConnectionsPerAddress: 0, maxHandshakesPerAddress: 0, handshakesPerSecondPerAddress: 0 }),
    ...(options.trustedProxies === undefined ? {} : { proxyProtocol: { trusted: options.trustedProxies } }),
    ...(context === undefined ? {} : { context }),
    ...(options.sampleSite ? { handler: createSampleHandler() } : {}),
    ...(options.canonicalHost === undefined ? {} : { canonicalHost: options.canonicalHost }),
    healthPath: options.healthPath,
    logHealthChecks: options.logHealthChecks,
    accessLog,
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    stopRotation?.();
    // Draining is for a load balancer that checks the health path: with none, there is nobody
    // to tell, and the stop comes at once.
    if (server.healthChecked && options.drainDelayMs > 0) {
      server.drain();
      if (!options.quiet) say(`seraphim: draining for ${options.drainDelayMs / 1000} s`);
      setTimeout(closeAndExit, options.drainDelayMs);
    } else closeAndExit();
  };
  const closeAndExit = (): void => {
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
    // A worker gets its keys from the primary, which rereads the file itself.
    if (context !== undefined && options.ticketKeysFile !== undefined && fromPrimary === undefined) {
      const keys = rereadTicketKeys(options);
      if (keys !== undefined) applyTicketKeys(context, keys);
    }
  });
  return server;
}

/** Rereads the --ticket-keys file (SIGHUP); undefined, with a complaint, when it cannot be used. */
function rereadTicketKeys(options: CliOptions): Buffer | undefined {
  if (options.ticketKeysFile === undefined) return undefined;
  try {
    const keys = readTicketKeysFile(options.ticketKeysFile);
    if (!options.quiet) say('seraphim: ticket keys reloaded');
    return keys;
  } catch (err) {
    if (!(err instanceof TicketKeysFileError)) throw err;
    complain(`seraphim: ticket keys not reloaded, the old ones stay in force: ${err.message}`);
    return undefined;
  }
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
    // The primary owns the ticket keys: the file's (reread on SIGHUP), or random ones it rotates.
    const primary = runPrimary(
      options.workers,
      (urls) => printListening(urls, options, tls?.devCa),
      complain,
      (pid) => {
        if (!options.quiet) say(`seraphim: worker ${pid ?? '?'} listening`);
      },
      options.ticketKeys ?? randomTicketKeys(),
      options.drainDelayMs,
    );
    if (options.ticketKeys === undefined) rotateTicketKeys((keys) => primary.setTicketKeys(keys));
    onReload(() => {
      const keys = rereadTicketKeys(options);
      if (keys !== undefined) primary.setTicketKeys(keys);
      primary.reload();
    });
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
