/**
 * The package as npm users get it: `npm pack`, installed into a fresh project, then imported
 * from ESM, required from CommonJS, type-checked against its declarations, and its `seraphim`
 * command run. Builds dist/ first.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { SERAPHIM_NODE_FLAGS } from '../examples/seraphim/node-flags.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
/** The first line the `seraphim` command must start with: node, with SERAPHIM's Node flags. */
const SHEBANG = `#!/usr/bin/env -S node ${SERAPHIM_NODE_FLAGS.join(' ')}`;

test("the seraphim command's shebang and npm start pass SERAPHIM's Node flags", (t) => {
  const firstLine = (path: string): string => readFileSync(join(ROOT, path), 'utf8').split('\n', 1)[0] as string;
  t.is(firstLine('examples/seraphim/cli.ts'), SHEBANG);
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  t.is(scripts.start, `node ${SERAPHIM_NODE_FLAGS.join(' ')} --import tsx examples/seraphim/cli.ts`);
});

test('npm pack installs into a fresh project: ESM, CommonJS, types and the seraphim command all work', async (t) => {
  t.timeout(4 * 60_000);
  const work = mkdtempSync(join(tmpdir(), 'scarlet-pack-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));

  // Built here rather than by `prepack`, whose output would mix with the JSON.
  await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 << 20 });
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 << 20 });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (info === undefined) throw new Error('npm pack reported nothing');
  const paths = info.files.map((file) => file.path);
  // What users need and nothing else: built code, the site SERAPHIM serves, the README.
  t.true(paths.includes('dist/index.js') && paths.includes('dist/index.cjs') && paths.includes('dist/index.d.ts') && paths.includes('dist/index.d.cts'));
  t.true(paths.includes('dist/seraphim/cli.js') && paths.includes('dist/seraphim/site/index.html'));
  t.true(paths.includes('LICENSE'), 'the MIT license travels with the package');
  t.deepEqual(paths.filter((path) => /^(lib|types|test|bench|docs|examples)\//.test(path) || path.endsWith('.pem') || path.endsWith('.key')), []);
  // Nor sources carried inside the source maps.
  const maps = paths.filter((path) => path.endsWith('.map'));
  t.true(maps.length > 0);
  for (const map of maps) {
    const parsed = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sourcesContent?: unknown };
    t.is(parsed.sourcesContent, undefined, `${map} carries the sources`);
  }

  const project = join(work, 'project');
  await run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-scarlet-sockets', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', join(work, info.filename)], { cwd: project, maxBuffer: 16 << 20 });

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

  // The declarations: a correct use compiles, a plain socket given to readSecureSocket does not.
  writeFileSync(
    join(project, 'use.ts'),
    [
      "import { openSocket, readSecureSocket, readSocket, socketInfo, SKT$BLOCKING, SKT$INFO_PORT, type Socket } from 'scarlet-sockets';",
      "import * as basic from 'scarlet-sockets/basic';",
      'export async function demo(): Promise<number> {',
      "  const skt: Socket = await openSocket('127.0.0.1', 4000, SKT$BLOCKING);",
      '  const text: string = await readSocket(skt, 10);',
      '  // @ts-expect-error a plain socket is not a SecureSocket',
      '  await readSecureSocket(skt, 10);',
      "  const line: string = await basic.readSocket(await basic.openSocket('127.0.0.1', '4000', basic.SKT$BLOCKING), '10', 0, 0);",
      '  return text.length + line.length + socketInfo(skt, SKT$INFO_PORT) + basic.status();',
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
      files: ['use.ts'],
    }),
  );
  await t.notThrowsAsync(run(TSC, ['-p', 'tsconfig.json'], { cwd: project }));

  // The command runs through its shebang, which gives node SERAPHIM's flags.
  t.is(readFileSync(join(project, 'node_modules', 'scarlet-sockets', 'dist', 'seraphim', 'cli.js'), 'utf8').split('\n', 1)[0], SHEBANG);
  const help = await run('npx', ['--no-install', 'seraphim', '--help'], { cwd: project });
  t.regex(help.stdout, /^Usage: seraphim/m);
});
