// `.local/stack.env`: the running local stack's variables, written by `npm run local` for the scripts
// (scripts/load-local-env.ts) and the `local:stripe` / `local:token` CLI, removed when the stack stops.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnv } from 'node:util';

export const STACK_ENV_FILE = join('.local', 'stack.env');

/** The file to read: LOCAL_STACK_ENV_FILE names another stack's (the tests run the scripts against their own). */
export function stackEnvPath(cwd = process.cwd()): string {
  return process.env.LOCAL_STACK_ENV_FILE ?? join(cwd, STACK_ENV_FILE);
}

/** Where the CLI and dashboard reach the running stack; not one of the app's variables. */
export const CONTROL_URL_VAR = 'LOCAL_STACK_CONTROL_URL';

export function writeStackEnv(path: string, env: Record<string, string>): void {
  mkdirSync(dirname(path), { recursive: true });
  // Double-quoted JSON strings: dotenv readers (Node's parseEnv, Next's) turn the PEM's `\n` back into newlines.
  const lines = Object.entries(env).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  writeFileSync(path, `# written by npm run local; removed when it stops\n${lines.join('\n')}\n`, { mode: 0o600 });
}

export function readStackEnv(path: string): Record<string, string> | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = parseEnv(readFileSync(path, 'utf8'));
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined));
}

export function removeStackEnv(path: string): void {
  rmSync(path, { force: true });
}
