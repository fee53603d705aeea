/**
 * `npm run docs` runs this after typedoc: it fails the docs build on a broken link.
 *
 * 1. The generated site (typedoc.json's `out`, docs/api/): every `href` and `src` of every HTML
 *    page. A relative link must name a file (or a directory with an index.html) in the site, and
 *    its #anchor an `id` (or `<a name>`) in the target page.
 * 2. The Markdown as GitHub shows it: README.md and docs/*.md. A relative link (inline, image,
 *    reference definition, or an HTML `href`/`src`) must name a file or directory in the
 *    repository that git does not ignore, and its #anchor a heading of the target Markdown file
 *    (GitHub's slug rules, duplicates numbered -1, -2, ...) or an explicit `id`/`name` there;
 *    `#L10` / `#L10-L20` on another file must be within its lines.
 *
 * External http(s) links are not fetched (the build has no internet access): each must be a
 * valid URL, and the run lists them with how often they occur. Exit code 1 and a list
 * (file:line: link -> reason) when anything is broken.
 *
 * Usage: `npx tsx scripts/check-links.ts [--no-html]` (`--no-html` checks the Markdown only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeEntities, markdownLinks, tags, withoutCode, withoutFences } from './markdown-links.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Broken {
  /** Where the link is: a path relative to the repository, with `:line` for Markdown. */
  where: string;
  link: string;
  reason: string;
}

const broken: Broken[] = [];
/** External URL -> the places that use it. */
const external = new Map<string, string[]>();
const counts = { htmlPages: 0, htmlLinks: 0, markdownFiles: 0, markdownLinks: 0, otherSchemes: 0, uncheckedAnchors: 0 };

const rel = (path: string): string => relative(ROOT, path).split(sep).join('/');

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** decodeURIComponent, or `undefined` (and the link reported) when the escape is malformed. */
function decodeLink(text: string, where: string, link: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    broken.push({ where, link, reason: `malformed %-escape (${err instanceof Error ? err.message : String(err)})` });
    return undefined;
  }
}

/** Records an external link; reports it when it is not a valid URL. Returns whether it was external. */
function recordExternal(link: string, where: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(link)?.[1]?.toLowerCase();
  if (scheme === undefined && !link.startsWith('//')) return false;
  if (scheme === 'http' || scheme === 'https' || link.startsWith('//')) {
    const url = link.startsWith('//') ? `https:${link}` : link;
    if (!URL.canParse(url)) {
      broken.push({ where, link, reason: 'not a valid URL' });
    } else {
      const places = external.get(link) ?? [];
      places.push(where);
      external.set(link, places);
    }
  } else {
    counts.otherSchemes++; // mailto:, data:, javascript:, ...
  }
  return true;
}

function htmlIds(html: string): Set<string> {
  const ids = new Set<string>();
  for (const t of tags(html)) {
    const id = t.attrs.get('id');
    if (id !== undefined) ids.add(id);
    const name = t.attrs.get('name');
    if (t.tag === 'a' && name !== undefined) ids.add(name);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// 1. The generated HTML.

function walk(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, ext));
    else if (entry.name.endsWith(ext)) out.push(path);
  }
  return out.sort();
}

const idCache = new Map<string, Set<string>>();
function idsOf(path: string): Set<string> {
  let ids = idCache.get(path);
  if (ids === undefined) {
    ids = htmlIds(readFileSync(path, 'utf8'));
    idCache.set(path, ids);
  }
  return ids;
}

function checkHtml(outDir: string): void {
  for (const page of walk(outDir, '.html')) {
    counts.htmlPages++;
    const where = rel(page);
    const html = readFileSync(page, 'utf8');
    // markdown-it's linkify turns a bare name with a top-level domain in it (SOCKET.INFO) into a
    // link to that domain, where GitHub shows plain text: a link nobody meant.
    for (const m of html.matchAll(/<a href="http:\/\/([^"/]+)">\1<\/a>/g)) {
      if (!(m[1] as string).toLowerCase().startsWith('www.')) {
        broken.push({ where, link: `http://${m[1] as string}`, reason: `"${m[1] as string}" is not a URL: a bare domain name that markdown-it's linkify made a link of` });
      }
    }
    for (const t of tags(html)) {
      for (const attr of ['href', 'src'] as const) {
        const link = t.attrs.get(attr);
        if (link === undefined) continue;
        const trimmed = link.trim();
        if (trimmed === '' || trimmed === '#') continue; // this page, its top
        if (recordExternal(trimmed, where)) continue;
        counts.htmlLinks++;
        const hash = trimmed.indexOf('#');
        const pathPart = (hash < 0 ? trimmed : trimmed.slice(0, hash)).replace(/\?.*$/, '');
        const anchorPart = hash < 0 ? '' : trimmed.slice(hash + 1);
        const decodedPath = decodeLink(pathPart, where, trimmed);
        const anchor = decodeLink(anchorPart, where, trimmed);
        if (decodedPath === undefined || anchor === undefined) continue;
        let target = decodedPath === '' ? page : decodedPath.startsWith('/') ? join(outDir, decodedPath) : resolve(dirname(page), decodedPath);
        if (!rel(target).startsWith(rel(outDir) + '/') && target !== outDir) {
          broken.push({ where, link: trimmed, reason: `points outside the site (${rel(target)})` });
          continue;
        }
        if (isDirectory(target)) {
          if (!isFile(join(target, 'index.html'))) {
            broken.push({ where, link: trimmed, reason: `directory without index.html: ${rel(target)}` });
            continue;
          }
          target = join(target, 'index.html');
        } else if (!isFile(target)) {
          broken.push({ where, link: trimmed, reason: `no such file: ${rel(target)}` });
          continue;
        }
        if (anchor === '') continue;
        if (['.html', '.htm', '.svg'].includes(extname(target))) {
          if (!idsOf(target).has(anchor)) broken.push({ where, link: trimmed, reason: `no id "${anchor}" in ${rel(target)}` });
        } else {
          counts.uncheckedAnchors++;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The Markdown, as GitHub renders it.

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens (github-slugger). */
export function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The text GitHub renders for a heading's Markdown (what the slug is made of). */
function headingText(markdown: string): string {
  return decodeEntities(
    markdown
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: their alt text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links: their text
      .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
      .replace(/<[^>]+>/g, '') // HTML tags
      .replace(/(`+)([\s\S]*?)\1/g, '$2') // code spans: their content
      .replace(/(\*{1,3}|~~)(\S(?:[\s\S]*?\S)?)\1/g, '$2') // emphasis, strikethrough
      .replace(/(^|[^\p{L}\p{N}])_{1,3}(\S(?:[^_]*?\S)?)_{1,3}(?=[^\p{L}\p{N}]|$)/gu, '$1$2'),
  ).trim();
}

const anchorCache = new Map<string, Set<string>>();
/** The anchors a Markdown file has on GitHub: its headings' slugs and explicit ids / names. */
function markdownAnchors(path: string): Set<string> {
  const cached = anchorCache.get(path);
  if (cached !== undefined) return cached;
  const text = withoutFences(readFileSync(path, 'utf8'));
  const anchors = new Set<string>();
  // github-slugger: a slug taken before gets -1, -2, ... (counted per original slug).
  const occurrences = new Map<string, number>();
  const add = (heading: string): void => {
    const original = githubSlug(headingText(heading));
    let slug = original;
    while (occurrences.has(slug)) {
      const n = (occurrences.get(original) ?? 0) + 1;
      occurrences.set(original, n);
      slug = `${original}-${n}`;
    }
    occurrences.set(slug, 0);
    anchors.add(slug);
  };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx !== null) {
      add(atx[1] ?? '');
      return;
    }
    const prev = lines[i - 1];
    if (/^ {0,3}(=+|-+)[ \t]*$/.test(line) && prev !== undefined && prev.trim() !== '' && !/^ {0,3}(#|[-*+] |\d+[.)] |>|\|)/.test(prev)) add(prev.trim());
  });
  for (const t of tags(withoutCode(text))) {
    const id = t.attrs.get('id') ?? (t.tag === 'a' ? t.attrs.get('name') : undefined);
    if (id !== undefined) anchors.add(id);
  }
  anchorCache.set(path, anchors);
  return anchors;
}

/** The paths (relative to the repository) that git ignores and does not track: not on GitHub. */
function gitIgnored(paths: string[]): Set<string> {
  if (paths.length === 0) return new Set();
  try {
    const stdout = execFileSync('git', ['check-ignore', '--stdin'], { cwd: ROOT, input: paths.join('\n'), encoding: 'utf8' });
    return new Set(stdout.split('\n').filter((l) => l !== ''));
  } catch (err) {
    // `git check-ignore` exits with 1 when no path is ignored: that is the common, good case.
    const e = err as { status?: number | null; stdout?: string };
    if (e.status === 1) return new Set();
    throw new Error(`git check-ignore failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function checkMarkdown(files: string[]): void {
  const pending: { where: string; link: string; path: string }[] = [];
  for (const file of files) {
    counts.markdownFiles++;
    const text = withoutCode(readFileSync(file, 'utf8'));
    for (const { link: raw, line } of markdownLinks(text)) {
      const link = raw.trim();
      const where = `${rel(file)}:${line}`;
      if (link === '') {
        broken.push({ where, link: '(empty)', reason: 'empty link target' });
        continue;
      }
      if (recordExternal(link, where)) continue;
      counts.markdownLinks++;
      const hash = link.indexOf('#');
      const pathPart = (hash < 0 ? link : link.slice(0, hash)).replace(/\?.*$/, '');
      const decodedPath = decodeLink(pathPart, where, link);
      const anchor = decodeLink(hash < 0 ? '' : link.slice(hash + 1), where, link);
      if (decodedPath === undefined || anchor === undefined) continue;
      const target = decodedPath === '' ? file : decodedPath.startsWith('/') ? join(ROOT, decodedPath) : resolve(dirname(file), decodedPath);
      if (rel(target).startsWith('..')) {
        broken.push({ where, link, reason: `points outside the repository (${rel(target)})` });
        continue;
      }
      if (!existsSync(target)) {
        broken.push({ where, link, reason: `no such file or directory: ${rel(target)}` });
        continue;
      }
      if (target !== file) pending.push({ where, link, path: rel(target) || '.' });
      if (hash < 0) continue;
      if (anchor === '') {
        broken.push({ where, link, reason: 'empty #anchor' });
      } else if (extname(target) === '.md') {
        if (!markdownAnchors(target).has(anchor)) broken.push({ where, link, reason: `no heading or id "${anchor}" in ${rel(target)}` });
      } else if (/^L\d+(-L\d+)?$/.test(anchor) && isFile(target)) {
        const lines = readFileSync(target, 'utf8').split('\n').length;
        const last = Math.max(...anchor.split('-').map((p) => Number(p.slice(1))));
        if (last > lines) broken.push({ where, link, reason: `${rel(target)} has ${lines} lines` });
      } else {
        counts.uncheckedAnchors++;
      }
    }
  }
  const ignored = gitIgnored([...new Set(pending.map((p) => p.path))]);
  for (const p of pending) {
    if (ignored.has(p.path)) broken.push({ where: p.where, link: p.link, reason: `${p.path} is git-ignored, so not in the repository on GitHub` });
  }
}

// ---------------------------------------------------------------------------------------------

function main(): void {
  const html = !process.argv.includes('--no-html');
  const unknown = process.argv.slice(2).filter((a) => a !== '--no-html');
  if (unknown.length > 0) throw new Error(`unknown arguments: ${unknown.join(' ')}\nusage: npx tsx scripts/check-links.ts [--no-html]`);

  if (html) {
    const config = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as { out?: string };
    const outDir = resolve(ROOT, config.out ?? 'docs');
    if (!isDirectory(outDir) || !isFile(join(outDir, 'index.html'))) {
      throw new Error(`${rel(outDir)}/index.html does not exist: run typedoc first (npm run docs)`);
    }
    checkHtml(outDir);
    console.log(`check-links: ${rel(outDir)}/: ${counts.htmlPages} pages, ${counts.htmlLinks} internal links and anchors checked`);
  }
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(ROOT, 'docs', f));
  checkMarkdown([join(ROOT, 'README.md'), ...docs]);
  console.log(`check-links: README.md and docs/*.md: ${counts.markdownFiles} files, ${counts.markdownLinks} relative links checked`);
  if (counts.uncheckedAnchors > 0) console.log(`check-links: ${counts.uncheckedAnchors} #anchors on files that are neither HTML nor Markdown, not checked`);
  if (counts.otherSchemes > 0) console.log(`check-links: ${counts.otherSchemes} mailto:/data:/other-scheme links, not checked`);

  const urls = [...external.keys()].sort();
  const uses = [...external.values()].reduce((n, places) => n + places.length, 0);
  console.log(`check-links: ${urls.length} external URLs (${uses} uses), syntax checked only, not fetched:`);
  for (const url of urls) {
    const places = external.get(url) ?? [];
    console.log(`  ${url}  (${places.length}x${places.length <= 3 ? `: ${places.join(', ')}` : ''})`);
  }

  if (broken.length > 0) {
    console.error(`\ncheck-links: ${broken.length} broken link${broken.length === 1 ? '' : 's'}:`);
    for (const b of broken) console.error(`  ${b.where}: ${b.link} \u2192 ${b.reason}`);
    process.exitCode = 1;
  } else {
    console.log('check-links: no broken links');
  }
}

try {
  main();
} catch (err) {
  console.error(`check-links: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
