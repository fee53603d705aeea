// A real browser: Debian's chromium, headless, loads the sample blog from the `seraphim` command
// over HTTPS, trusting the development CA through an NSS database in a throwaway HOME, with no
// certificate-error bypass flag. The rendered DOM must hold the blog's title; a screenshot is saved
// under test-artifacts/. Needs the Debian packages chromium and libnss3-tools.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { HEADLESS_CHROMIUM_FLAGS } from './helpers/chromium-devtools.js';
import { PNG_SIGNATURE } from './helpers/png.js';
import { runCommand, startCli, type CommandResult } from './helpers/seraphim-cli.js';
import { tempDir } from './helpers/seraphim.js';

const TITLE = 'SERAPHIM · Scarlet Notes';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** A throwaway HOME whose NSS database (the one chromium reads on Linux) trusts `caFile`, if given, as a CA. */
async function browserHome(t: ExecutionContext, caFile?: string): Promise<string> {
  const home = tempDir(t);
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  const certutil = async (args: string[]): Promise<void> => {
    const result = await runCommand(t, 'certutil', ['-d', `sql:${db}`, ...args], { timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`certutil ${args.join(' ')} failed: ${result.stderr}`);
  };
  await certutil(['-N', '--empty-password']);
  if (caFile !== undefined) await certutil(['-A', '-n', 'seraphim-dev', '-t', 'C,,', '-i', caFile]);
  return home;
}

/** Runs headless chromium with HOME set to `home`; no flag that bypasses certificate errors. */
function chromium(t: ExecutionContext, home: string, args: string[]): Promise<CommandResult> {
  const flags = [...HEADLESS_CHROMIUM_FLAGS, '--disable-quic', `--user-data-dir=${tempDir(t)}`];
  return runCommand(t, 'chromium', [...flags, ...args], { env: { ...process.env, HOME: home }, timeoutMs: 90_000 });
}

test('headless chromium trusting the development CA renders the blog over HTTPS', async (t) => {
  t.timeout(4 * 60_000);
  const stateDir = tempDir(t);
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--state-dir', stateDir]);
  const url = cli.urls.https as string;
  const home = await browserHome(t, join(stateDir, 'dev-ca.pem'));

  const dom = await chromium(t, home, ['--dump-dom', url]);
  t.is(dom.code, 0, dom.stderr.slice(-2000));
  t.true(dom.stdout.includes(`<title>${TITLE}</title>`), `the rendered DOM holds the title: ${dom.stdout.slice(0, 300)}`);
  t.regex(dom.stdout, /<h1><a href="\/">SERAPHIM · Scarlet Notes<\/a><\/h1>/);

  mkdirSync(ARTIFACTS, { recursive: true });
  const screenshot = join(ARTIFACTS, 'seraphim-browser.png');
  const shot = await chromium(t, home, [`--screenshot=${screenshot}`, '--window-size=1280,900', '--hide-scrollbars', url]);
  t.is(shot.code, 0, shot.stderr.slice(-2000));
  const png = readFileSync(screenshot);
  t.true(png.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG');
  t.is(png.readUInt32BE(16), 1280, 'as wide as the window');
  t.true(png.length > 10_000, `a screenshot with content (${png.length} bytes)`);

  // The browser fetched the page's style sheet and images too, over the same trusted HTTPS.
  const log = cli.stdout();
  for (const path of ['/', '/style.css', '/images/seraphim.svg', '/images/scarlet-dot.png']) {
    t.regex(log, new RegExp(`"GET ${path.replace(/[./]/g, '\\$&')} HTTP/1\\.1" 200 \\d+ "[^"]*" "[^"]*HeadlessChrome`), `chromium loaded ${path}`);
  }
  t.log(`screenshot: ${screenshot} (${png.length} bytes)`);
});

test('without the development CA in its NSS database, chromium does not render the page', async (t) => {
  t.timeout(4 * 60_000);
  const cli = await startCli(t, ['--https-port', 'auto', '--http-port', '0', '--access-log', 'off']);
  const home = await browserHome(t);
  const dom = await chromium(t, home, ['--dump-dom', cli.urls.https as string]);
  t.false(dom.stdout.includes(TITLE), 'an untrusted certificate is refused, so the trust above is what made the difference');
  // By name, or (chromium 150 logs only the number) as net_error -202, which is ERR_CERT_AUTHORITY_INVALID.
  t.regex(dom.stderr, /ERR_CERT_AUTHORITY_INVALID|net_error -202\b/, 'chromium ran and refused the certificate for its unknown CA');
});
