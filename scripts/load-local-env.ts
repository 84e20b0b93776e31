// The configuration every script runs with, imported first by each: the shell and the .env files (.env.local, .env)
// as Next loads them; when they configure nothing, the running local stack's `.local/stack.env` (written by
// `npm run local`). Also turns a script's failure into its message, without a stack trace. See docs/local-stack.md.
import nextEnv from '@next/env';
import { readStackEnv, stackEnvPath } from '../local/stack-env';

// Any of these set means the developer configured real services (or a stack of their own): the stack's file must not
// be mixed into that, or a script could pair a real database with emulator keys.
const CONFIGURED = ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'CLERK_SECRET_KEY'];

export type EnvSource = 'environment' | 'stack' | 'none';

export function loadLocalEnv(cwd = process.cwd()): EnvSource {
  nextEnv.loadEnvConfig(cwd);
  if (CONFIGURED.some((name) => process.env[name])) return 'environment';
  const stack = readStackEnv(stackEnvPath(cwd));
  if (!stack) return 'none';
  for (const [name, value] of Object.entries(stack)) process.env[name] ??= value;
  return 'stack';
}

export const envSource = loadLocalEnv();

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  const down = envSource === 'stack' && /fetch failed|ECONNREFUSED|connect/i.test(message + cause);
  const hint = down ? ' — is `npm run local` still running?' : envSource === 'none' ? '\n(no configuration: copy .env.example to .env.local, or start `npm run local`)' : '';
  // The message only (env validation's lists every variable on its own line); never the stack.
  return `${message}${cause}${hint}`;
}

// A script run as the docs say should say what went wrong, not print Node's trace of where.
function fail(err: unknown): void {
  const name = process.argv[1]?.split(/[\\/]/).pop()?.replace(/\.ts$/, '') ?? 'script';
  console.error(`${name}: ${describe(err)}`);
  process.exit(1);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
