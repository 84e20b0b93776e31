// The deployment artifact: `vercel build` (run once per test run by the stack, before `next start`) must produce the
// checkout route, the webhook route and the middleware as edge functions. Reports each function's gzip size.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { stack } from '../support/stack';

const functions = '.vercel/output/functions';

beforeAll(async () => {
  await stack.app();
});

function gzipBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) total += gzipBytes(path);
    else if (!name.endsWith('.map') && name !== '.vc-config.json') total += gzipSync(readFileSync(path)).length;
  }
  return total;
}

describe('vercel build output', () => {
  it.each(['api/billing/checkout', 'api/billing/webhook', 'middleware'])('%s is an edge function under 1 MB gzip', (name) => {
    const dir = `${functions}/${name}.func`;
    const config = JSON.parse(readFileSync(`${dir}/.vc-config.json`, 'utf8')) as { runtime: string; deploymentTarget?: string };
    expect(config.runtime).toBe('edge');
    const bytes = gzipBytes(dir);
    console.info(`${name}: ${bytes} bytes gzip`);
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});
