// The API site as a reader meets it: typedoc builds it from typedoc.json into a temporary
// directory, and Debian's headless chromium loads its pages at 1280 x 900, the size of a normal
// window. Each check reads what the page's own scripts rendered (over the DevTools protocol) and
// saves a screenshot under test-artifacts/, which must show a page, not a blank.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import { launchChromium, type BrowserPage } from './helpers/chromium-devtools.js';
import { colourSpread, decodePng } from './helpers/png.js';

const WIDTH = 1280;
const HEIGHT = 900;
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
/** typedoc's command (its package exports no bin path, so from where its package.json is). */
const TYPEDOC = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin', 'typedoc');

/** The guides in the order a newcomer should meet them (typedoc.json `projectDocuments`). */
const GUIDES = ['Porting from Pick BASIC', 'Module setup', 'The TLS context', 'Errors and status numbers', 'The SERAPHIM web server', 'Security against hostile peers', 'Deploying behind a load balancer', 'Benchmarks'];
/** The groups of the main entry point: the calls first, the constants after them, types last. */
const MAIN_GROUPS = ['BASIC calls', 'Secure calls', 'TLS context', 'Certificates', 'Errors', 'SOCKET.INFO keys', 'Flags (SKT$)', 'Statuses (ER$)', 'Types'];
const BASIC_GROUPS = ['STATUS()', 'BASIC calls', 'Secure calls', 'TLS context', 'SOCKET.INFO keys', 'Flags (SKT$)', 'Statuses (ER$)', 'Types'];

const site = mkdtempSync(join(tmpdir(), 'api-site-'));
test.after.always(() => rmSync(site, { recursive: true, force: true }));
/** The file URL of `href`, a path of the site or a link of its navigation (relative to the landing page). */
const siteUrl = (href: string): string => new URL(href, pathToFileURL(join(site, 'index.html'))).href;

test.before(async () => {
  // execFile kills typedoc (by its PID) if it runs past the timeout; a failure carries its output.
  await promisify(execFile)(process.execPath, [TYPEDOC, '--out', site], { timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024 });
});

interface NavEntry {
  label: string;
  href: string | undefined;
  children: NavEntry[];
}

/**
 * Opens `path` of the site in a fresh browser, once the page is shown with its navigation
 * (typedoc's scripts build the navigation after the load event, and unhide the body).
 */
async function open(t: ExecutionContext, path: string): Promise<BrowserPage> {
  const browser = await launchChromium(t);
  const page = await browser.newPage(WIDTH, HEIGHT);
  await visit(page, siteUrl(path));
  return page;
}

/** Loads `url` and waits until typedoc's scripts have shown the page with its navigation. */
async function visit(page: BrowserPage, url: string): Promise<void> {
  await page.goto(url);
  await page.evaluate(`new Promise((resolve, reject) => {
    const ready = () => document.querySelector('#tsd-nav-container li') !== null && getComputedStyle(document.body).display !== 'none';
    if (ready()) return resolve(true);
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      resolve(true);
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
    setTimeout(() => {
      observer.disconnect();
      reject(new Error('the page did not show its navigation within 60 s'));
    }, 60000);
  }).then(() => document.fonts.ready).then(() => true)`);
}

/** The side navigation as a tree of labels and links. */
function navigation(page: BrowserPage): Promise<NavEntry[]> {
  return page.evaluate(`(() => {
    const entries = (ul) => [...ul.children].map((li) => {
      const details = li.querySelector(':scope > details');
      const head = details ? details.querySelector(':scope > summary') : li;
      const nested = details ? details.querySelector(':scope > .tsd-accordion-details > ul') : null;
      return { label: head.textContent.trim(), href: head.querySelector('a')?.getAttribute('href') ?? undefined, children: nested ? entries(nested) : [] };
    });
    return entries(document.getElementById('tsd-nav-container'));
  })()`);
}

function child(entries: NavEntry[], label: string): NavEntry {
  const found = entries.find((entry) => entry.label === label);
  if (found === undefined) throw new Error(`no "${label}" in the navigation, only: ${entries.map((e) => e.label).join(', ')}`);
  return found;
}

/** The headings of the page's text column, level and text. */
function headings(page: BrowserPage): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('.col-content :is(h1, h2, h3, h4)')].map((h) => h.tagName + ' ' + h.textContent.trim())`);
}

/** Takes a screenshot, saves it as test-artifacts/NAME.png, and checks that it shows a page. */
async function screenshot(t: ExecutionContext, page: BrowserPage, name: string): Promise<void> {
  const png = await page.screenshot();
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  writeFileSync(file, png);
  const image = decodePng(png);
  t.is(image.width, WIDTH, 'the screenshot is as wide as the window');
  t.is(image.height, HEIGHT, 'the screenshot is as high as the window');
  const { colours, notBackground } = colourSpread(image);
  // A blank or unstyled-and-empty page has a handful of colours; a page of text, code and icons
  // has hundreds (anti-aliased glyphs), and a good part of it (over 5 %) is not the background.
  t.true(colours >= 100, `${name}.png has ${colours} colours: a blank page?`);
  t.true(notBackground >= 0.05, `${name}.png is ${(notBackground * 100).toFixed(1)} % not background: a blank page?`);
  t.log(`screenshot: ${file} (${png.length} bytes, ${colours} colours, ${(notBackground * 100).toFixed(0)} % not background)`);
}

test.serial('the landing page is for users and the navigation has the guides, then each entry point by group', async (t) => {
  t.timeout(4 * 60_000);
  const page = await open(t, 'index.html');

  const nav = await navigation(page);
  t.deepEqual(
    nav.slice(0, 2).map((entry) => entry.label),
    ['Guides', 'Modules'],
    'the guides come first, then the API',
  );
  t.deepEqual(
    child(nav, 'Guides').children.map((entry) => entry.label),
    GUIDES,
    'the guides by their titles, in reading order',
  );
  const modules = child(nav, 'Modules').children;
  t.deepEqual(
    child(modules, 'scarlet-sockets').children.map((entry) => entry.label),
    MAIN_GROUPS,
    'scarlet-sockets: the calls first, then the constants, then the types',
  );
  t.deepEqual(
    child(modules, 'scarlet-sockets/basic').children.map((entry) => entry.label),
    BASIC_GROUPS,
    'scarlet-sockets/basic: grouped the same way',
  );
  const basicCalls = child(child(modules, 'scarlet-sockets').children, 'BASIC calls').children.map((entry) => entry.label);
  for (const call of ['openSocket', 'createServerSocket', 'acceptSocket', 'readSocket', 'writeSocket', 'closeSocket', 'socketInfo']) {
    t.true(basicCalls.includes(call), `BASIC calls lists ${call}`);
  }
  const secureCalls = child(child(modules, 'scarlet-sockets').children, 'Secure calls').children.map((entry) => entry.label);
  t.true(secureCalls.includes('acceptSecureSocket') && secureCalls.includes('startTls'), `Secure calls: ${secureCalls.join(', ')}`);

  // The package's name once, as the page's only h1, then what a user needs, in that order.
  t.deepEqual(await headings(page), ['H1 scarlet-sockets', 'H2 Install', 'H2 A first program', 'H2 Where to go next']);
  const text = await page.evaluate<string>(`document.querySelector('.col-content').textContent`);
  t.true(text.includes('npm install scarlet-sockets'), 'the landing page says how to install');
  t.false(/npm test|\.ci\/run/.test(text), 'no contributor material on the landing page');
  await screenshot(t, page, 'api-site-landing');
});

/** The function pages that must show a signature's parameters, returns, throws and example. */
const FUNCTIONS = ['openSocket', 'acceptSecureSocket', 'readSecureSocket', 'writeSecureSocket', 'closeSecureSocket'];

test.serial('each call has a function page with its parameters, returns, throws and an example', async (t) => {
  t.timeout(4 * 60_000);
  const page = await open(t, 'index.html');
  // Every entry of the main entry point's navigation, whatever its group.
  const flat = (entries: NavEntry[]): NavEntry[] => entries.flatMap((entry) => [entry, ...flat(entry.children)]);
  const main = flat(child(child(await navigation(page), 'Modules').children, 'scarlet-sockets').children);
  for (const name of FUNCTIONS) {
    const href = child(main, name).href;
    if (href === undefined) throw new Error(`the navigation's ${name} has no link`);
    await visit(page, siteUrl(href));
    const titles = await headings(page);
    t.is(titles[0], `H1 Function ${name}`, `${name} is documented as a function`);
    for (const section of ['Parameters', 'Returns', 'Throws', 'Example']) {
      t.true(
        titles.some((title) => title.startsWith(`H4 ${section}`)),
        `${name}'s page has a ${section} section: ${titles.join(' | ')}`,
      );
    }
    // The first signature's parameters (openSocket has a second one, with a TlsContext).
    const parameters = await page.evaluate<string[]>(
      `[...(document.querySelector('.tsd-parameters')?.querySelectorAll(':scope > .tsd-parameter-list > li > span > .tsd-kind-parameter') ?? [])].map((p) => p.textContent)`,
    );
    t.true(parameters.length > 0, `${name}'s page lists its parameters`);
    if (name === 'openSocket') {
      t.deepEqual(parameters, ['addr', 'port', 'flags', 'connectTimeout']);
      await screenshot(t, page, 'api-site-function');
    }
  }
});

test.serial('the guides are titled, and their tables fit the text column at 1280 px', async (t) => {
  t.timeout(4 * 60_000);
  const page = await open(t, 'index.html');
  const guides = child(await navigation(page), 'Guides').children;
  for (const guide of guides) {
    if (guide.href === undefined) throw new Error(`the navigation's ${guide.label} has no link`);
    await visit(page, siteUrl(guide.href));
    const tables = await page.evaluate<{ index: number; overflow: number; hiddenWidth: number; columns: number[]; code: boolean }[]>(`(() => {
      const column = document.querySelector('.col-content');
      const right = column.getBoundingClientRect().right;
      return [...column.querySelectorAll('table')].map((table, index) => ({
        index,
        overflow: table.getBoundingClientRect().right - right,
        hiddenWidth: table.scrollWidth - table.clientWidth,
        columns: [...(table.rows[0]?.cells ?? [])].map((cell) => cell.getBoundingClientRect().width / table.getBoundingClientRect().width),
        code: table.querySelector('pre') !== null,
      }));
    })()`);
    for (const table of tables) {
      t.true(table.overflow <= 1, `${guide.label}: table ${table.index} runs ${table.overflow.toFixed(0)} px past the text column`);
      t.true(table.hiddenWidth <= 1, `${guide.label}: table ${table.index} hides ${table.hiddenWidth} px that must be scrolled to`);
      if (table.code) {
        // Programs side by side: neither is squeezed into a ribbon.
        for (const share of table.columns) t.true(share >= 0.4, `${guide.label}: table ${table.index} gives a program ${(share * 100).toFixed(0)} % of its width`);
      }
    }
    if (guide.label === 'Porting from Pick BASIC') {
      t.true(tables.filter((table) => table.code).length >= 3, 'the porting guide has its programs side by side');
      const titles = await headings(page);
      t.is(titles[0], 'H1 Porting Pick BASIC socket programs', 'the guide opens with its own heading, once');
      t.is(titles.filter((title) => title.startsWith('H1 ')).length, 1);
      await screenshot(t, page, 'api-site-guide');
    }
  }
  t.deepEqual(
    guides.map((guide) => guide.label),
    GUIDES,
  );
});
