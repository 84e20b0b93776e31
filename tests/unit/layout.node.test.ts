// The layout's rule holds by construction: every capability folder under src/lib has an entry point that says what it
// owns and may import, and a lint block that enforces it (npm run lint fails on a deep or forbidden import).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const folders = readdirSync('src/lib').filter((n) => statSync(`src/lib/${n}`).isDirectory());
type Block = { files?: string[]; rules?: Record<string, unknown> };
// eslint.config.js is plain JS (ESLint loads it untranspiled); read it as data.
const config = ((await import(`${process.cwd()}/eslint.config.js`)) as { default: Block[] }).default;

describe('src/lib layout', () => {
  it('has the capability folders the docs name, and no flat billing folder', () => {
    expect(folders.sort()).toEqual(['bench', 'checkout', 'credits', 'fulfilment', 'http', 'identity', 'receipts', 'reconcile', 'services']);
    expect(existsSync('src/lib/billing')).toBe(false);
  });

  it.each(folders)('%s/ has an entry point whose header says what it owns and may import', (folder) => {
    const index = readFileSync(`src/lib/${folder}/index.ts`, 'utf8');
    expect(index.startsWith(`// Entry point of ${folder}/:`)).toBe(true);
    expect(index).toMatch(/may import/);
  });

  it.each(folders)('%s/ has its import rule in the lint config', (folder) => {
    const block = config.find((b) => b.files?.includes(`src/lib/${folder}/**`));
    expect(block?.rules?.['no-restricted-imports']).toBeDefined();
  });
});
