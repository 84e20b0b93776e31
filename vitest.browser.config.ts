// `npm run test:browser`: the purchase loop in Debian's Chromium (playwright-core) against the real app on the stack.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // Vite's default cache is node_modules/.vite: a test run must leave node_modules exactly as installed.
  cacheDir: here('./.local/vite'),
  resolve: { alias: { '@/': here('./src/'), '@local/': here('./local/'), 'server-only': here('./tests/setup/empty-module.ts') } },
  test: {
    globalSetup: [here('./tests/setup/global-setup.ts')],
    include: ['tests/e2e/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.local/vitest-browser-report.json' }]] : ['default'],
  },
});
