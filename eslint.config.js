// typescript-eslint, type-checked, drizzle's guard against UPDATE/DELETE without WHERE, and the layout's import rule.
import drizzle from 'eslint-plugin-drizzle';
import tseslint from 'typescript-eslint';

// Which capabilities each folder of src/lib may reach, always through the entry point `@/lib/<capability>` (its
// index.ts), never a file inside. http/ is the shared floor; services/ is the composition root. src/db and the pages
// import entry points only. Keep docs/layout.md in step with this table.
const capabilities = {
  http: [],
  identity: ['http'],
  checkout: ['http', 'identity'],
  fulfilment: ['http', 'checkout'],
  credits: ['http', 'identity'],
  receipts: ['http'],
  reconcile: ['http', 'fulfilment'],
  services: ['http', 'identity', 'checkout', 'fulfilment', 'credits', 'receipts', 'reconcile'],
  bench: ['http', 'checkout'],
};
const deepImport = { group: ['@/lib/*/*', '../*'], message: 'Reach another capability through its entry point `@/lib/<capability>`, not a file inside it (docs/layout.md).' };
const layoutRules = Object.entries(capabilities).map(([cap, allowed]) => ({
  files: [`src/lib/${cap}/**`],
  rules: {
    'no-restricted-imports': ['error', { patterns: [
      deepImport,
      { group: ['@/lib/*', '!@/lib/ids', '!@/lib/upstream-fetch', ...allowed.map((a) => `!@/lib/${a}`)], message: `src/lib/${cap}/ may import ${allowed.length ? allowed.join(', ') : 'no other capability'} (docs/layout.md).` },
    ] }],
  },
}));

export default tseslint.config(
  { ignores: ['scripts/*.mjs', '.next/**', '.vercel/**', '.local/**', 'node_modules/**', 'drizzle/**', 'next-env.d.ts', 'eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { drizzle },
    rules: {
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  ...layoutRules,
  { files: ['src/app/**', 'src/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ ...deepImport, group: ['@/lib/*/*'] }] }] } },
  {
    files: ['src/db/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@/lib/*', '!@/lib/ids', '!@/lib/upstream-fetch'], message: 'src/db holds SQL only; it imports no capability (docs/layout.md).' }] }] },
  },
  {
    files: ['tests/**', 'local/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
