// The deployment artifact: `vercel build` (run once per test run by the stack, before `next start`) must produce the
// checkout route and the webhook route as edge functions, and the proxy (src/proxy.ts) as a Node.js function, the way
// Vercel packs a Next 16 proxy (`_middleware.func`); the reconcile cron daily on a Node function, and the OpenAPI
// document on its own route. Reports each function's gzip size.
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

describe('the reconcile cron in the build', () => {
  it('is scheduled at most once a day (Hobby refuses more) and its route is a Node function with maxDuration 60', () => {
    const output = JSON.parse(readFileSync('.vercel/output/config.json', 'utf8')) as { crons?: { path: string; schedule: string }[] };
    expect(output.crons).toEqual([{ path: '/api/billing/reconcile', schedule: '17 3 * * *' }]);
    // minute and hour fixed numbers: one run a day.
    const [minute, hour] = output.crons![0]!.schedule.split(' ');
    expect([minute, hour].every((f) => /^\d+$/.test(f!))).toBe(true);
    const config = JSON.parse(readFileSync(`${functions}/api/billing/reconcile.func/.vc-config.json`, 'utf8')) as { runtime: string; maxDuration?: number };
    expect(config.runtime).toMatch(/^nodejs/);
    expect(config.maxDuration).toBe(60);
  });

  it('serves the credits OpenAPI document from its own static route, not the catch-all', () => {
    const config = JSON.parse(readFileSync(`${functions}/api/credits/openapi.json.func/.vc-config.json`, 'utf8')) as { runtime: string };
    expect(config.runtime).toBe('edge');
  });
});
