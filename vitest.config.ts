// Test projects by runtime: the app's code runs in the edge-runtime VM with the same package conditions Next's edge
// bundle resolves (so stripe loads its fetch/Web-crypto build), the local stand-ins and the HTTP tests run in Node.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const edgeConditions = ['edge-light', 'worker', 'browser', 'import', 'module', 'default'];
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const alias = {
  '@/': here('./src/'),
  '@local/': here('./local/'),
  // `server-only` throws outside a React Server environment; tests are server code.
  'server-only': here('./tests/setup/empty-module.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: [here('./tests/setup/global-setup.ts')],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.local/vitest-report.json' }]] : ['default'],
    // Log lines of passing tests are noise; a failing test still shows its output.
    silent: 'passed-only',
    testTimeout: 30_000,
    hookTimeout: 180_000,
    projects: [
      {
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
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'tests/local/**/*.test.ts',
            'tests/**/*.node.test.ts',
            'tests/e2e/**/*.test.ts',
            'tests/runtimes/**/*.test.ts',
            'tests/adversarial/**/*.test.ts',
          ],
          exclude: ['tests/**/*.edge.test.ts', 'tests/e2e/browser/**'],
        },
      },
    ],
  },
});
