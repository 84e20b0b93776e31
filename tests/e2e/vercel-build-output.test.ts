// The deployment artifact: `vercel build` (run once per test run by the stack, before `next start`) must produce the
// checkout route, the webhook route and the middleware as edge functions (each function's gzip size reported), the
// reconcile cron daily on a Node function, and the OpenAPI document on its own route.
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
