// The README is the front door and docs/ holds the rest: every relative link in README.md and docs/*.md must reach a
// file, and a `#anchor` on a markdown target must name one of its headings (GitHub's slugs). The README stays short.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const docsDir = join(root, 'docs');
const files = [
  join(root, 'README.md'),
  ...readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(docsDir, name)),
];

/** The text outside fenced code blocks and inline code spans, where a `[x](y)` is not a link. */
function proseOf(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lowercase, punctuation dropped (hyphens, underscores and spaces kept), spaces → hyphens. */
function slugsOf(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = match[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

type Link = { from: string; text: string; target: string };

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const match of proseOf(readFileSync(file, 'utf8')).matchAll(/\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[2]!.replace(/^<|>$/g, '');
    if (/^(https?:|mailto:)/i.test(target)) continue;
    links.push({ from: relative(root, file), text: match[1]!, target });
  }
  return links;
}

/** Why a link is broken, or null when it is fine. */
function problemWith(link: Link): string | null {
  const [pathPart, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const from = join(root, link.from);
  const targetFile = pathPart === '' ? from : join(dirname(from), decodeURIComponent(pathPart));
  if (!existsSync(targetFile)) return `no file ${relative(root, targetFile)}`;
  if (anchor === undefined || !targetFile.endsWith('.md')) return null;
  const slugs = slugsOf(readFileSync(targetFile, 'utf8'));
  if (slugs.has(decodeURIComponent(anchor).toLowerCase())) return null;
  return `no heading #${anchor} in ${relative(root, targetFile)} (it has: ${[...slugs].join(', ')})`;
}

describe('documentation links', () => {
  it('finds the README and the docs, and links in them', () => {
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap(linksOf).length).toBeGreaterThan(0);
  });

  it('the README links to every doc', () => {
    const fromReadme = new Set(linksOf(files[0]!).map((link) => link.target.split('#')[0]));
    const unlinked = files.slice(1).map((file) => relative(root, file)).filter((doc) => !fromReadme.has(doc));
    expect(unlinked, 'docs the README does not link to').toEqual([]);
  });

  for (const file of files) {
    it(`every relative link in ${relative(root, file)} resolves`, () => {
      const broken = linksOf(file)
        .map((link) => ({ link, problem: problemWith(link) }))
        .filter(({ problem }) => problem !== null)
        .map(({ link, problem }) => `${link.from}: [${link.text}](${link.target}): ${problem}`);
      expect(broken, 'broken links').toEqual([]);
    });
  }

  it('the README is a front door of at most 150 lines', () => {
    const lines = readFileSync(files[0]!, 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines, 'README.md lines').toBeLessThanOrEqual(150);
  });
});
