/**
 * The package as npm users get it: `npm pack`, installed into a fresh project, then imported
 * from ESM, required from CommonJS (both in one process: one library), type-checked against its
 * declarations, its guides' links followed, SERAPHIM used as a library and its `seraphim` command
 * run. Builds dist/ first, once for every test of this file.
 */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { SERAPHIM_NODE_FLAGS } from '../examples/seraphim/node-flags.js';
import { declares, guideExample, internalNames, relativeLinks } from './helpers/package-checks.js';
import { startServing } from './helpers/serving-process.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
/** The first line the `seraphim` command must start with: node, with SERAPHIM's Node flags (`env -S` only when there are any). */
const SHEBANG = SERAPHIM_NODE_FLAGS.length === 0 ? '#!/usr/bin/env node' : `#!/usr/bin/env -S node ${SERAPHIM_NODE_FLAGS.join(' ')}`;
/** Generous: npm and tsc share two cores with other test files. */
const INSTALL_TIMEOUT = 4 * 60_000;

const execFileAsync = promisify(execFile);
/**
 * Runs a command to its end and resolves with its output (rejects on a non-zero exit). Every
 * command is bounded: execFile kills it (by its PID) past `timeout`, by default the test's own.
 */
function run(command: string, args: readonly string[], options: ExecFileOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(command, args, { timeout: INSTALL_TIMEOUT, maxBuffer: 16 << 20, ...options, encoding: 'utf8' });
}

interface Installed {
  /** The temporary folder holding the tarball and the project. */
  readonly work: string;
  /** The fresh project the tarball is installed in. */
  readonly project: string;
  /** The package as installed: node_modules/scarlet-sockets. */
  readonly installed: string;
  /** The tarball's files, as npm pack lists them. */
  readonly paths: readonly string[];
}

let installing: Promise<Installed> | undefined;
const works: string[] = [];
test.after.always(() => {
  for (const work of works) rmSync(work, { recursive: true, force: true });
});

/** Builds, packs and installs the package into a fresh project, once for this file's tests. */
function installPacked(): Promise<Installed> {
  installing ??= (async () => {
    const work = mkdtempSync(join(tmpdir(), 'scarlet-pack-'));
    works.push(work);
    // Built here rather than by `prepack`, whose output would mix with the JSON; by tsup alone, as
    // `npm test` type-checks the repository already.
    await run(join(ROOT, 'node_modules', '.bin', 'tsup'), [], { cwd: ROOT });
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    if (info === undefined) throw new Error('npm pack reported nothing');
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-scarlet-sockets', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', join(work, info.filename)], { cwd: project });
    return { work, project, installed: join(project, 'node_modules', 'scarlet-sockets'), paths: info.files.map((file) => file.path) };
  })();
  return installing;
}

/** Runs an ES module's source in the project, as a file (so top-level await works), and returns its stdout. */
async function runModule(project: string, name: string, source: string): Promise<string> {
  writeFileSync(join(project, name), source);
  const { stdout } = await run('node', [name], { cwd: project, timeout: 60_000 });
  return stdout.trim();
}

test("the seraphim command's shebang and npm start pass SERAPHIM's Node flags", (t) => {
  const firstLine = (path: string): string => readFileSync(join(ROOT, path), 'utf8').split('\n', 1)[0] as string;
  t.is(firstLine('examples/seraphim/cli.ts'), SHEBANG);
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  t.is(scripts.start, ['node', ...SERAPHIM_NODE_FLAGS, '--import', 'tsx', 'examples/seraphim/cli.ts'].join(' '));
});

test('README opens with Install, and a fresh machine still needs only its two commands', (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
  t.deepEqual(headings.slice(0, 2), ['Install', 'Try it']);
  const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Try it'));
  t.regex(install, /`npm install scarlet-sockets`/);
  t.regex(install, /Node\.js 20 or later/);
  // Every shell command before the first example: the two of Try it, nothing more.
  const firstScreen = readme.slice(0, readme.indexOf('## Why'));
  const commands = [...firstScreen.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]?.trim());
  t.deepEqual(commands, ['npm install && npm start', 'npm install && npm test']);
});

test('the tarball holds the built code, LICENSE, the guides and the examples, and no sources, tests or keys', async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { paths, installed } = await installPacked();
  for (const entry of ['index', 'basic', 'seraphim']) {
    for (const ext of ['js', 'cjs', 'd.ts', 'd.cts']) t.true(paths.includes(`dist/${entry}.${ext}`), `dist/${entry}.${ext}`);
  }
  t.true(paths.includes('dist/seraphim/cli.js') && paths.includes('dist/seraphim/site/index.html'));
  t.true(paths.includes('LICENSE'), 'the MIT license travels with the package');
  t.regex(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
  t.true(paths.includes('docs/porting.md') && paths.includes('examples/echo-server.ts') && paths.includes('examples/seraphim/cli.ts'));
  t.deepEqual(
    paths.filter((path) => /^(lib|types|test|scripts|docs\/api)\//.test(path) || path.endsWith('.pem') || path.endsWith('.key')),
    [],
  );
  // Nor sources carried inside the source maps.
  const maps = paths.filter((path) => path.endsWith('.map'));
  t.true(maps.length > 0);
  for (const map of maps) {
    const parsed = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sourcesContent?: unknown };
    t.is(parsed.sourcesContent, undefined, `${map} carries the sources`);
  }
});

test('every relative link of the packed README and guides resolves to a file of the installed package', async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { paths, installed } = await installPacked();
  const pages = ['README.md', ...paths.filter((path) => /^docs\/[^/]+\.md$/.test(path))];
  t.true(pages.length >= 7, pages.join(', '));
  let links = 0;
  for (const page of pages) {
    for (const link of relativeLinks(readFileSync(join(installed, page), 'utf8'))) {
      links += 1;
      const target = normalize(join(dirname(page), decodeURI(link)));
      t.true(paths.includes(target) || paths.some((path) => path.startsWith(`${target.replace(/\/$/, '')}/`)), `${page} links ${link}: not in the package`);
      t.true(existsSync(join(installed, target)), `${page} links ${link}: not installed`);
    }
  }
  t.true(links > 20, `only ${links} links found`);
});

test('ESM, CommonJS and scarlet-sockets/basic load from the installed package', async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { project } = await installPacked();
  const esm = await run('node', ['--input-type=module', '-e', "import { openSocket, SKT$BLOCKING, ER$SKT_CLOSED } from 'scarlet-sockets'; console.log(typeof openSocket, SKT$BLOCKING, ER$SKT_CLOSED);"], { cwd: project });
  t.is(esm.stdout.trim(), 'function 1 7013');
  const cjs = await run('node', ['-e', "const s = require('scarlet-sockets'); console.log(typeof s.createTlsContext, s.SKT$UDP);"], { cwd: project });
  t.is(cjs.stdout.trim(), 'function 65536');
  // scarlet-sockets/basic from both module systems, sharing one core with the main entry: a socket
  // made through one is a socket to the other.
  const crossEntries = [
    "const skt = await basic.createServerSocket('127.0.0.1', '0', 0);",
    'console.log(basic.status(), main.socketInfo(skt, main.SKT$INFO_OPEN), basic.socketInfo(skt, basic.SKT$INFO_BLOCKING));',
    'await main.closeSocket(skt);',
  ].join(' ');
  const esmBasic = await run('node', ['--input-type=module', '-e', `import * as basic from 'scarlet-sockets/basic'; import * as main from 'scarlet-sockets'; ${crossEntries}`], { cwd: project });
  t.is(esmBasic.stdout.trim(), '0 true 0');
  const cjsBasic = await run('node', ['-e', `const basic = require('scarlet-sockets/basic'); const main = require('scarlet-sockets'); (async () => { ${crossEntries} })();`], { cwd: project });
  t.is(cjsBasic.stdout.trim(), '0 true 0');
});

test('one library across import and require: contexts, sockets and SocketError cross between them', async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { project } = await installPacked();
  const out = await runModule(
    project,
    'one-library.mjs',
    [
      "import { createRequire } from 'node:module';",
      "import * as imported from 'scarlet-sockets';",
      "import * as importedBasic from 'scarlet-sockets/basic';",
      "import * as importedSeraphim from 'scarlet-sockets/seraphim';",
      'const require = createRequire(import.meta.url);',
      "const required = require('scarlet-sockets');",
      "const requiredBasic = require('scarlet-sockets/basic');",
      "const requiredSeraphim = require('scarlet-sockets/seraphim');",
      'const dev = required.createDevelopmentCertificates();',
      // A context made through import, used by the required createServerSocket; the client's
      // context made through require, used by the imported openSecureSocket.
      'const serverContext = imported.createTlsContext({ cert: dev.server.cert, key: dev.server.key });',
      'const clientContext = required.createTlsContext({ ca: dev.ca.cert });',
      "const server = await required.createServerSocket('127.0.0.1', 0, required.SKT$BLOCKING, serverContext);",
      "const client = await imported.openSecureSocket('localhost', imported.socketInfo(server, imported.SKT$INFO_PORT), imported.SKT$BLOCKING, clientContext);",
      'const accepted = await required.acceptSecureSocket(server, 10000);',
      // A socket made by one build, written and read by the other.
      "await imported.writeSocket(accepted, 'HELLO');",
      'const read = await required.readSocket(client, 5, 0, 10000);',
      'await requiredBasic.closeSocket(accepted);',
      'let thrown;',
      'try { await imported.readSocket(client, 5, 0, 10000); } catch (err) { thrown = err; }',
      'let thrownByRequired;',
      "try { required.socketInfo(server, 'no such key'); } catch (err) { thrownByRequired = err; }",
      'await imported.closeSocket(client);',
      'await importedBasic.closeSocket(server);',
      'console.log(JSON.stringify({',
      '  read,',
      '  code: thrown?.code,',
      '  importedError: thrown instanceof imported.SocketError && thrownByRequired instanceof imported.SocketError,',
      '  requiredError: thrown instanceof required.SocketError && thrownByRequired instanceof required.SocketError,',
      '  sameClasses: imported.SocketError === required.SocketError && imported.TlsContext === required.TlsContext && importedBasic.TlsContext === required.TlsContext,',
      '  contextIsBoth: serverContext instanceof required.TlsContext && clientContext instanceof imported.TlsContext,',
      '  sameSeraphim: importedSeraphim.startSeraphim === requiredSeraphim.startSeraphim && importedSeraphim.HttpError === requiredSeraphim.HttpError,',
      '}));',
    ].join('\n'),
  );
  t.deepEqual(JSON.parse(out), {
    read: 'HELLO',
    code: 'ER$SKT_CLOSED',
    importedError: true,
    requiredError: true,
    sameClasses: true,
    contextIsBoth: true,
    sameSeraphim: true,
  });
});

test('every CommonJS export is a named export of the ESM entry, and the library entries never load busboy', async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { project, installed } = await installPacked();
  const out = await runModule(
    project,
    'named-exports.mjs',
    [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      'const result = {};',
      "for (const entry of ['scarlet-sockets', 'scarlet-sockets/basic', 'scarlet-sockets/seraphim']) {",
      "  const names = Object.keys(require(entry)).filter((name) => name !== '__esModule');",
      '  const seen = Object.keys(await import(entry));',
      '  result[entry] = { count: names.length, missing: names.filter((name) => !seen.includes(name)) };',
      '}',
      'console.log(JSON.stringify(result));',
    ].join('\n'),
  );
  const result = JSON.parse(out) as Record<string, { count: number; missing: string[] }>;
  for (const [entry, { count, missing }] of Object.entries(result)) {
    t.true(count > 5, `${entry} exports ${count} names`);
    t.deepEqual(missing, [], entry);
  }

  // Neither the built files of the library entries nor what they load name busboy; loading them,
  // from either module system, loads no busboy; the seraphim entry does.
  for (const file of readdirSync(join(installed, 'dist')).filter((name) => /^(index|basic)\./.test(name))) {
    t.notRegex(readFileSync(join(installed, 'dist', file), 'utf8'), /busboy/, file);
  }
  const loaded = (code: string): Promise<string> =>
    runModule(project, 'loaded.mjs', `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code}\nconsole.log(Object.keys(require.cache).filter((path) => path.includes('/busboy/')).length > 0);`);
  t.is(await loaded("await import('scarlet-sockets'); await import('scarlet-sockets/basic'); require('scarlet-sockets'); require('scarlet-sockets/basic');"), 'false');
  t.is(await loaded("await import('scarlet-sockets/seraphim');"), 'true');
});

test('the published declarations type-check a consumer and show no @internal member', async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { project, installed } = await installPacked();
  // No name marked @internal in lib/ appears in any declaration file.
  // The types of those members are not marked themselves; nothing public refers to them.
  const hidden = [...internalNames(join(ROOT, 'lib')), { name: 'Material', member: false }, { name: 'SavedSession', member: false }];
  t.true(hidden.some(({ name }) => name === 'secureContextFor') && hidden.some(({ name }) => name === 'options'), hidden.map(({ name }) => name).join(', '));
  const declarations = readdirSync(join(installed, 'dist')).filter((name) => /\.d\.c?ts$/.test(name));
  t.true(declarations.length >= 6);
  for (const file of declarations) {
    const text = readFileSync(join(installed, 'dist', file), 'utf8');
    for (const internal of hidden) t.false(declares(text, internal), `${file} declares ${internal.name}`);
  }

  // A correct use compiles; a plain socket given to readSecureSocket, and an internal member, do not.
  writeFileSync(
    join(project, 'use.ts'),
    [
      "import { createTlsContext, openSocket, readSecureSocket, readSocket, socketInfo, SKT$BLOCKING, SKT$INFO_PORT, type Socket } from 'scarlet-sockets';",
      "import * as basic from 'scarlet-sockets/basic';",
      "import { createRouter, HttpError, json, startSeraphim, type RouteTable, type SeraphimServer } from 'scarlet-sockets/seraphim';",
      'export async function demo(): Promise<number> {',
      "  const skt: Socket = await openSocket('127.0.0.1', 4000, SKT$BLOCKING);",
      '  const text: string = await readSocket(skt, 10);',
      '  // @ts-expect-error a plain socket is not a SecureSocket',
      '  await readSecureSocket(skt, 10);',
      "  const line: string = await basic.readSocket(await basic.openSocket('127.0.0.1', '4000', basic.SKT$BLOCKING), '10', 0, 0);",
      '  return text.length + line.length + socketInfo(skt, SKT$INFO_PORT) + basic.status();',
      '}',
      'export async function site(cert: string, key: string): Promise<SeraphimServer> {',
      '  const context = createTlsContext({ cert, key });',
      '  // @ts-expect-error the key material is internal',
      '  void context.options;',
      '  // @ts-expect-error so is the node:tls SecureContext',
      '  void context.secureContextFor();',
      "  const routes: RouteTable = { 'GET /api/{name}': (request) => { if (request.slugs.name === 'x') throw new HttpError(404, 'no'); return json({ name: request.slugs.name }); } };",
      "  return startSeraphim({ root: '.', context, handler: createRouter(routes) });",
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    // A Node.js project has @types/node (the declarations use Buffer): borrow this repo's.
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['use.ts', 'use-cjs.cts'],
    }),
  );
  // The same file as CommonJS too: a .cts file takes the require branch and its .d.cts declarations.
  writeFileSync(join(project, 'use-cjs.cts'), readFileSync(join(project, 'use.ts'), 'utf8'));
  await t.notThrowsAsync(run(TSC, ['-p', 'tsconfig.json'], { cwd: project }));
});

test("SERAPHIM as a library: the guide's site.mjs, run from the installed package, serves its route and its files to curl over HTTPS", async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { project, installed } = await installPacked();
  const site = guideExample(readFileSync(join(installed, 'docs', 'seraphim.md'), 'utf8'), 'SERAPHIM as a library');
  t.regex(site, /from 'scarlet-sockets\/seraphim'/);
  writeFileSync(join(project, 'site.mjs'), site);
  mkdirSync(join(project, 'public'), { recursive: true });
  writeFileSync(join(project, 'public', 'index.html'), '<h1>static</h1>\n');
  const served = await startServing(t, process.execPath, ['site.mjs'], /^serving (https:\/\/\S+)$/m, { cwd: project, env: { PORT: '0' } });
  const url = served.match[1] as string;
  const curl = (path: string): Promise<{ stdout: string }> =>
    run('curl', ['-sS', '--cacert', 'dev-ca.pem', '-w', '\n%{http_code}', `${url}${path}`], { cwd: project, timeout: 30_000 });
  t.deepEqual((await curl('api/greet/fr')).stdout.split('\n'), ['{"greeting":"bonjour"}', '200']);
  t.regex((await curl('api/greet/xx')).stdout, /\n404$/);
  t.is((await curl('')).stdout, '<h1>static</h1>\n\n200');
  t.deepEqual(await served.stop(), { code: 0, signal: null });
});

test('the installed seraphim command starts through its shebang and serves its sample site', async (t) => {
  t.timeout(INSTALL_TIMEOUT);
  const { project, installed, work } = await installPacked();
  t.is(readFileSync(join(installed, 'dist', 'seraphim', 'cli.js'), 'utf8').split('\n', 1)[0], SHEBANG);
  const help = await run('npx', ['--no-install', 'seraphim', '--help'], { cwd: project });
  t.regex(help.stdout, /^Usage: seraphim/m);
  const state = join(work, 'seraphim-state');
  const bin = join(project, 'node_modules', '.bin', 'seraphim');
  const served = await startServing(t, bin, ['--https-port', 'auto', '--http-port', '0', '--access-log', 'off', '--state-dir', state], /^seraphim listening (https:\/\/\S+)$/m, { cwd: project });
  const page = await run('curl', ['-sS', '--cacert', join(state, 'dev-ca.pem'), served.match[1] as string], { cwd: project, timeout: 30_000 });
  t.regex(page.stdout, /<html/i);
  t.deepEqual(await served.stop(), { code: 0, signal: null });
});
