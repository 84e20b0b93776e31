// The build says nothing it should not: `vercel build` (run once per test run by the global setup, which keeps its
// output in .local/build-output.log) may print only the acknowledged warnings below, and the one for the Edge Runtime
// only while the edge functions it built are exactly the routes docs/runtimes.md lists under "Edge routes".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOutputFile } from '@local/app-server';
import { stack } from '../support/stack';

const functions = '.vercel/output/functions';

/** Each acknowledged warning, with why it stays. Anything else a build prints as a warning fails this file. */
const acknowledged: { line: RegExp; why: string }[] = [
  { line: /^⚠ The Edge Runtime is deprecated\./, why: 'Next 16 on `runtime = "edge"`: the routes docs/runtimes.md lists stay at the edge' },
  { line: /^⚠ Using edge runtime on a page currently disables static generation/, why: 'Next, for the same edge routes' },
  { line: /^WARN! Build not running on Vercel\./, why: 'the Vercel CLI building offline (tests, npm run bench); absent on Vercel' },
  { line: /^WARNING: You should not upload the `\.next` directory\./, why: 'a rebuild in a checkout that holds the last build (.next/ is gitignored, never deployed)' },
];

/** A warning as Next (`⚠`), the Vercel CLI (`WARN!`, `Warning:`), npm (`npm warn`) or Node (`DeprecationWarning`) print one. */
const isWarning = (line: string) => /⚠|warn/i.test(line);

/** The route paths listed (as `- \`/path\``) in docs/runtimes.md's "Edge routes" section. */
function documentedEdgeRoutes(): string[] {
  const docs = readFileSync('docs/runtimes.md', 'utf8');
  const section = /^## Edge routes\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(docs)?.[1] ?? '';
  return [...section.matchAll(/^- `(\/[^`]+)`/gm)].map((match) => match[1]!).sort();
}

/** The edge functions `vercel build` wrote, as routes (symlinked aliases such as `*.rsc.func` left out). */
function builtEdgeRoutes(dir = functions): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (!entry.name.endsWith('.func')) return builtEdgeRoutes(path);
      const { runtime } = JSON.parse(readFileSync(join(path, '.vc-config.json'), 'utf8')) as { runtime: string };
      return runtime === 'edge' ? [`/${path.slice(functions.length + 1, -'.func'.length)}`] : [];
    })
    .sort();
}

let output: string;
beforeAll(async () => {
  await stack.app(); // the global setup has built the app for this run
  output = readFileSync(buildOutputFile, 'utf8');
});

describe('build warnings', () => {
  it('read the build this run made', () => {
    expect(output).toContain('Compiled successfully');
  });

  it('prints no warning but the acknowledged ones', () => {
    const unacknowledged = output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => isWarning(line) && !acknowledged.some(({ line: known }) => known.test(line)));
    expect(unacknowledged, 'warnings the build printed that nobody acknowledged').toEqual([]);
  });

  it('builds exactly the edge routes docs/runtimes.md lists', () => {
    const documented = documentedEdgeRoutes();
    expect(documented).toContain('/api/billing/checkout');
    expect(builtEdgeRoutes()).toEqual(documented);
  });
});
