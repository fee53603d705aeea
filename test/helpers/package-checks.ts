// What the packaging test reads out of the package's files: the relative links of a Markdown
// page, and the names the library's sources mark @internal (which the published declarations
// must not show).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownLinks, withoutCode } from '../../scripts/markdown-links.js';

/**
 * The relative links of a Markdown page, as the link checker (scripts/check-links.ts) finds them,
 * without their #anchor or ?query: URLs with a scheme, protocol-relative URLs and bare #anchors
 * are not links to files.
 */
export function relativeLinks(markdown: string): string[] {
  return markdownLinks(withoutCode(markdown))
    .map(({ link }) => link.trim())
    .filter((target) => !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(target))
    .map((target) => target.replace(/[?#].*$/, ''))
    .filter((target) => target !== '');
}

/** A name marked @internal in the sources: a top-level declaration, or a member of a class or interface. */
export interface InternalName {
  readonly name: string;
  readonly member: boolean;
}

const TOP_LEVEL = /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|const|let|enum)\s+([A-Za-z_$][\w$]*)/;
const MEMBER = /^\s+(?:(?:public|protected|static|readonly|override|async|get|set)\s+)*([A-Za-z_$][\w$]*)\??\s*[(<:=;]/;

/** Every name marked `@internal` in the TypeScript files under `dir`, found by the declaration after each such doc comment. */
export function internalNames(dir: string): InternalName[] {
  const found: InternalName[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const lines = readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n');
    lines.forEach((line, at) => {
      if (!/^\s*\*\s*@internal\b/.test(line)) return;
      const end = lines.findIndex((later, index) => index > at && later.includes('*/'));
      const declaration = lines[end + 1] ?? '';
      const top = TOP_LEVEL.exec(declaration);
      const member = MEMBER.exec(declaration);
      if (top?.[1] !== undefined) found.push({ name: top[1], member: false });
      else if (member?.[1] !== undefined) found.push({ name: member[1], member: true });
      else throw new Error(`${entry.name}:${end + 2}: no declaration after @internal`);
    });
  }
  return found;
}

/** Whether a declaration file declares `internal`: as a member line, or anywhere as a top-level name. */
export function declares(declarations: string, internal: InternalName): boolean {
  const name = internal.name.replace(/\$/g, '\\$');
  const pattern = internal.member
    ? new RegExp(`^\\s+(?:(?:public|protected|static|readonly|get|set)\\s+)*${name}\\??\\s*[(<:]`, 'm')
    : new RegExp(`\\b${name}\\b`);
  return pattern.test(declarations);
}

/** The first `js` code block of a Markdown page's section `## <heading>`: a guide's complete example. */
export function guideExample(markdown: string, heading: string): string {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section === undefined ? undefined : /^```js\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (block === undefined) throw new Error(`no js block under "## ${heading}"`);
  return block;
}
