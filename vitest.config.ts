// Test projects by runtime: the app's code runs in the edge-runtime VM with the same package conditions Next's edge
// bundle resolves (so stripe loads its fetch/Web-crypto build), the local stand-ins and the HTTP tests run in Node.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const edgeConditions = ['edge-light', 'worker', 'browser', 'import', 'module', 'default'];
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const appFiles = ['tests/e2e/**/*.test.ts', 'tests/runtimes/next-start.test.ts', 'tests/adversarial/adversarial.test.ts'];

const alias = {
  '@/': here('./src/'),
  '@local/': here('./local/'),
  // `server-only` throws outside a React Server environment; tests are server code.
  'server-only': here('./tests/setup/empty-module.ts'),
};

export default defineConfig({
  // Vite's default cache is node_modules/.vite: a test run must leave node_modules exactly as installed.
  cacheDir: here('./.local/vite'),
  resolve: { alias },
  test: {
    globalSetup: [here('./tests/setup/global-setup.ts')],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.local/vitest-report.json' }]] : ['default'],
    // Log lines of passing tests are noise; a failing test still shows its output.
    silent: 'passed-only',
    // Sized for a 2-core machine shared with other builds: a slow test is measured by the benchmark, not failed here.
    // The app is built before any file starts (global setup, which has no timeout), so no hook waits for a build.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        // Without `extends: true` a project gets vitest's defaults (5 s tests, 10 s hooks), not the settings above.
        extends: true,
        resolve: { alias },
        ssr: { resolve: { conditions: edgeConditions, externalConditions: edgeConditions } },
        test: {
          name: 'edge',
          environment: 'edge-runtime',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/**/*.edge.test.ts'],
          exclude: ['**/*.node.test.ts'],
        },
      },
      {
        extends: true,
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/local/**/*.test.ts', 'tests/**/*.node.test.ts', 'tests/runtimes/**/*.test.ts', 'tests/adversarial/**/*.test.ts'],
          exclude: ['tests/**/*.edge.test.ts', ...appFiles],
        },
      },
      {
        // The files that drive the app under `next start` share its one stack: they run one at a time, after every
        // other file, so a test can count the Stripe emulator's log before and after a request ("no Stripe call").
        extends: true,
        resolve: { alias },
        test: {
          name: 'app',
          environment: 'node',
          include: appFiles,
          exclude: ['tests/e2e/browser/**'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
