// The deployment artifact: `vercel build` (run once per test run by the stack, before `next start`) must produce the
// checkout route and the webhook route as edge functions, and the proxy (src/proxy.ts) as a Node.js function, the way
// Vercel packs a Next 16 proxy (`_middleware.func`). Reports each function's gzip size.
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

const configOf = (name: string) => JSON.parse(readFileSync(`${functions}/${name}.func/.vc-config.json`, 'utf8')) as { runtime: string; handler?: string };

describe('vercel build output', () => {
  it.each(['api/billing/checkout', 'api/billing/webhook'])('%s is an edge function under 1 MB gzip', (name) => {
    expect(configOf(name).runtime).toBe('edge');
    const bytes = gzipBytes(`${functions}/${name}.func`);
    console.info(`${name}: ${bytes} bytes gzip`);
    expect(bytes).toBeLessThan(1024 * 1024);
  });

  it('the proxy is a Node.js function, and no edge middleware is left', () => {
    expect(configOf('_middleware').runtime).toMatch(/^nodejs\d+\.x$/);
    expect(readdirSync(functions)).not.toContain('middleware.func');
  });
});
