/**
 * The links of a Markdown text that point into the package (relative ones), and its sections: what the
 * package tests need to check the README and the docs as the npm registry and a reader get them.
 */

/** A relative link: the path it points to (no `#fragment`, no `?query`, decoded) and where it stands. */
export interface RelativeLink {
  readonly line: number;
  readonly href: string;
  readonly path: string;
}

/**
 * The relative links of `text`: inline links and images (`[text](href)`, `![alt](href)`), reference
 * definitions (`[name]: href`) and HTML `href`/`src` attributes, outside fenced blocks and code spans. Links
 * with a scheme (`https:`, `mailto:`), protocol-relative ones and same-page fragments (`#…`) are not relative.
 */
export function relativeLinks(text: string): RelativeLink[] {
  const links: RelativeLink[] = [];
  const lines = text.split("\n");
  const fenced = fencedLines(lines);
  lines.forEach((raw, index) => {
    if (fenced.has(index)) return;
    const line = raw.replaceAll(/`[^`]*`/g, "");
    const hrefs = [
      ...[...line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)].map((match) => match[1]),
      ...[...line.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/g)].map((match) => match[1]),
      ...[...line.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)].map((match) => match[1]),
    ];
    for (const found of hrefs) {
      const href = (found ?? "").replace(/^<(.*)>$/, "$1");
      if (href === "" || href.startsWith("#") || href.startsWith("//") || /^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
      links.push({ line: index + 1, href, path: decodeURIComponent(href.replace(/[#?].*$/, "")) });
    }
  });
  return links;
}

/**
 * The text of the section under the heading of that name, up to the next heading of its level or above
 * (a `#` line inside a fenced block is no heading).
 */
export function sectionOf(text: string, heading: string): string {
  const lines = text.split("\n");
  const fenced = fencedLines(lines);
  const levelOf = (index: number) =>
    fenced.has(index) ? 0 : (/^(#{1,6})\s/.exec(lines[index] ?? "")?.[1]?.length ?? 0);
  const start = lines.findIndex((line, index) => levelOf(index) > 0 && line.replace(/^#+\s+/, "").trim() === heading);
  if (start < 0) throw new Error(`no section "${heading}"`);
  let end = start + 1;
  while (end < lines.length && !(levelOf(end) > 0 && levelOf(end) <= levelOf(start))) end++;
  return lines.slice(start + 1, end).join("\n");
}

/** The indexes of the lines that open, hold or close a fenced block. */
function fencedLines(lines: readonly string[]): Set<number> {
  const fenced = new Set<number>();
  let fence: string | undefined;
  lines.forEach((line, index) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      fenced.add(index);
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
        fence = undefined;
      }
    } else if (marker !== undefined) {
      fenced.add(index);
      fence = marker;
    }
  });
  return fenced;
}
