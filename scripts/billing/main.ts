// The entry the `billing:*` npm scripts share: configuration as scripts/reconcile.ts reads it (.env.local / .env /
// the shell, validated by src/env.ts), the database client, the tool, and its exit code.
import nextEnv from '@next/env';
import type { ToolIo } from './cli';

export async function main(run: (argv: string[], io: ToolIo) => Promise<number>): Promise<never> {
  nextEnv.loadEnvConfig(process.cwd());
  let env;
  try {
    ({ env } = await import('../../src/env'));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const { createDb } = await import('../../src/db/client');
  const db = createDb({ databaseUrl: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT, timeoutMs: env.BILLING_UPSTREAM_TIMEOUT_MS });
  const code = await run(process.argv.slice(2), { db, out: (l) => console.log(l), err: (l) => console.error(l), user: process.env.USER });
  process.exit(code);
}
