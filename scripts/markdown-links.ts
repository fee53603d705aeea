// How the link checker (scripts/check-links.ts) reads Markdown and HTML: start tags with their
// attributes, code blanked out, and every link of a Markdown page with its line. The packaging
// test reads the packed guides' links with the same parser.

/** HTML character references (named, decimal, hex) replaced by their characters. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (_, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? `&${e};`;
  });
}

/** Every start tag: its name, its attributes (names lower-cased, values entity-decoded), its offset. */
export function tags(html: string): { tag: string; attrs: Map<string, string>; index: number }[] {
  const out: { tag: string; attrs: Map<string, string>; index: number }[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][\w:-]*)(\s[^<>]*?)?\/?>/g)) {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(/([^\s"'<>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g)) {
      attrs.set((a[1] as string).toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    out.push({ tag: (m[1] as string).toLowerCase(), attrs, index: m.index });
  }
  return out;
}

/** The text with fenced code blocks blanked out (same line count). */
export function withoutFences(text: string): string {
  let fence: { char: string; length: number } | undefined;
  return text
    .split('\n')
    .map((line) => {
      if (fence === undefined) {
        const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
        if (open === null) return line;
        fence = { char: (open[1] as string)[0] as string, length: (open[1] as string).length };
        return '';
      }
      if (new RegExp(`^ {0,3}\\${fence.char}{${fence.length},}\\s*$`).test(line)) fence = undefined;
      return '';
    })
    .join('\n');
}

/** The text with fenced code blocks and code spans blanked out (same length, same line breaks). */
export function withoutCode(text: string): string {
  return withoutFences(text).replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (m) => m.replace(/[^\n]/g, ' '));
}

export interface MarkdownLink {
  link: string;
  line: number;
}

/**
 * Inline links and images (nested ones too), reference definitions, autolinks, HTML href/src and
 * bare URLs, with their lines; pass the page through `withoutCode` first (code holds no links).
 */
export function markdownLinks(text: string): MarkdownLink[] {
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
  const out: MarkdownLink[] = [];
  const inline = /!?\[((?:[^[\]]|\[(?:[^[\]]|\[[^[\]]*\])*\])*)\]\(\s*(<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
  const scan = (part: string, offset: number): void => {
    for (const m of part.matchAll(inline)) {
      const target = (m[2] as string).replace(/^<(.*)>$/, '$1');
      out.push({ link: target, line: lineOf(offset + m.index) });
      scan(m[1] as string, offset + m.index + 1 + (m[0].startsWith('!') ? 1 : 0));
    }
  };
  scan(text, 0);
  for (const m of text.matchAll(/^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)/gm)) {
    out.push({ link: (m[1] as string).replace(/^<(.*)>$/, '$1'), line: lineOf(m.index) });
  }
  for (const m of text.matchAll(/<((?:https?|mailto):[^\s<>]+)>/gi)) out.push({ link: m[1] as string, line: lineOf(m.index) });
  for (const t of tags(text)) {
    for (const attr of ['href', 'src']) {
      const v = t.attrs.get(attr);
      if (v !== undefined) out.push({ link: v, line: lineOf(t.index) });
    }
  }
  // Bare URLs, which GitHub links too (GFM autolink literals), outside the links found above:
  // blank out every link construct, then look for http(s):// or www. in what is left.
  const rest = text
    .replace(inline, (m) => ' '.repeat(m.length))
    .replace(/^ {0,3}\[[^\]\n]+\]:[ \t]*\S+/gm, (m) => ' '.repeat(m.length))
    .replace(/<[^<>\n]*>/g, (m) => ' '.repeat(m.length));
  for (const m of rest.matchAll(/(?<![\w/])(?:https?:\/\/|www\.)[^\s<]+/gi)) {
    // GFM: trailing punctuation is not part of the link, nor is an unbalanced closing parenthesis.
    let url = m[0].replace(/[?!.,:*_~'"]+$/, '');
    while (url.endsWith(')') && (url.match(/\)/g) ?? []).length > (url.match(/\(/g) ?? []).length) url = url.slice(0, -1).replace(/[?!.,:*_~'"]+$/, '');
    out.push({ link: url.toLowerCase().startsWith('www.') ? `http://${url}` : url, line: lineOf(m.index) });
  }
  return out;
}
