// The plan's Task 0, automated: a misconfigured price (or any missing key) fails with a message naming the variable
// and where its value lives, every problem at once, and never echoes a value.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const valid = {
  DATABASE_URL: 'postgresql://neon:npg@localhost/neondb',
  STRIPE_SECRET_KEY: 'sk_test_abc',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
  STRIPE_PRICE_SINGLE_FLIGHT: 'price_single',
  STRIPE_PRICE_SERIAL_ENTREPRENEUR: 'price_serial',
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: 'pk_test_abc',
  CLERK_SECRET_KEY: 'sk_test_clerk_value_secret',
  CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
  NEXT_PUBLIC_APP_URL: 'http://localhost:3000',
};

async function checkEnv(env: Record<string, string | undefined>) {
  const clean = Object.fromEntries(Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/check-env.ts'], { env: clean, cwd: process.cwd() });
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('npm run check:env', () => {
  it('accepts a complete configuration', async () => {
    expect(await checkEnv(valid)).toMatchObject({ code: 0, output: expect.stringContaining('Environment OK') });
  });

  it('names a Product id in a price variable and says where the Price id is', async () => {
    const { code, output } = await checkEnv({ ...valid, STRIPE_PRICE_SINGLE_FLIGHT: 'prod_ABC123' });
    expect(code).toBe(1);
    expect(output).toContain('STRIPE_PRICE_SINGLE_FLIGHT holds a Product id (prod_…), not a Price id');
    expect(output).toContain('Products → Single Flight Workshop → Pricing section');
  });

  it('lists every problem at once, without echoing any value', async () => {
    const { code, output } = await checkEnv({ ...valid, STRIPE_PRICE_SERIAL_ENTREPRENEUR: 'prod_X', STRIPE_SECRET_KEY: undefined, CLERK_SECRET_KEY: undefined, CLERK_JWT_KEY: undefined, STRIPE_WEBHOOK_SECRET: 'nope-secret-value' });
    expect(code).toBe(1);
    for (const name of ['STRIPE_PRICE_SERIAL_ENTREPRENEUR', 'STRIPE_SECRET_KEY is missing', 'CLERK_SECRET_KEY is missing', 'CLERK_JWT_KEY is missing', 'STRIPE_WEBHOOK_SECRET must be']) {
      expect(output).toContain(name);
    }
    expect(output).not.toContain('nope-secret-value');
  });

  it('takes CLERK_LOCAL_PROXY_URL only with the local stand-in’s publishable key and a local URL', async () => {
    const standInKey = `pk_live_${Buffer.from('clerk.localhost$').toString('base64').replace(/=+$/, '')}`;
    const realKey = `pk_live_${Buffer.from('clerk.workshoppilot.ai$').toString('base64').replace(/=+$/, '')}`;
    const local = { ...valid, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: standInKey, CLERK_LOCAL_PROXY_URL: 'http://localhost:4100' };
    expect(await checkEnv(local)).toMatchObject({ code: 0 });
    const real = await checkEnv({ ...local, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: realKey });
    expect(real.code).toBe(1);
    expect(real.output).toContain('CLERK_LOCAL_PROXY_URL is only for the local Clerk stand-in');
    expect(real.output).not.toContain('clerk.workshoppilot.ai');
    const remote = await checkEnv({ ...local, CLERK_LOCAL_PROXY_URL: 'https://proxy.example.com/clerk' });
    expect(remote.code).toBe(1);
    expect(remote.output).toContain('CLERK_LOCAL_PROXY_URL must point at this machine');
    // Reported together with the other problems, not instead of them.
    const both = await checkEnv({ ...local, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: realKey, STRIPE_PRICE_SINGLE_FLIGHT: 'prod_X' });
    expect(both.output).toContain('CLERK_LOCAL_PROXY_URL is only for the local Clerk stand-in');
    expect(both.output).toContain('STRIPE_PRICE_SINGLE_FLIGHT holds a Product id');
  }, 60_000); // four Node processes in a row, on a busy machine

  it('refuses BILLING_BENCH_ROUTES=1 unless the publishable key names a local host', async () => {
    const standInKey = `pk_live_${Buffer.from('clerk.localhost$').toString('base64').replace(/=+$/, '')}`;
    const realKey = `pk_live_${Buffer.from('clerk.workshoppilot.ai$').toString('base64').replace(/=+$/, '')}`;
    expect(await checkEnv({ ...valid, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: standInKey, BILLING_BENCH_ROUTES: '1' })).toMatchObject({ code: 0 });
    const real = await checkEnv({ ...valid, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: realKey, BILLING_BENCH_ROUTES: '1' });
    expect(real.code).toBe(1);
    expect(real.output).toContain('BILLING_BENCH_ROUTES=1 is only for `npm run bench`');
    expect(real.output).not.toContain('clerk.workshoppilot.ai');
    expect(await checkEnv({ ...valid, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: realKey, BILLING_BENCH_ROUTES: '0' })).toMatchObject({ code: 0 });
  }, 60_000);
});
