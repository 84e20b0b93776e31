// The entry the `billing:*` npm scripts share: configuration as every script reads it (scripts/load-local-env.ts:
// the shell, .env.local / .env, else the running local stack's file; validated by src/env.ts), the database client, the tool, and its exit code.
import '../load-local-env';
import type { ToolIo } from './cli';

export async function main(run: (argv: string[], io: ToolIo) => Promise<number>): Promise<never> {
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
