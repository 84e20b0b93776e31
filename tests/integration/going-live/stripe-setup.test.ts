// From a fresh Stripe account to a working shop, against a fresh emulator: `stripe:setup` creates the prices and the
// webhook endpoint and fills the env file; the app (checkout + webhook cores) then sells with those ids, and the
// webhook whose secret came from setup credits. A second run is a no-op; the doctor reports a price changed behind
// the app's back with both amounts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '@local/stripe-emulator';
import { createBillingServices } from '@/lib/services/create-billing-services';
import { handleCheckout } from '@/lib/checkout/handle-checkout';
import { handleStripeWebhook } from '@/lib/fulfilment/handle-stripe-webhook';
import { readEnvFile } from '../../../scripts/stripe/env-file';
import { runDoctor } from '../../../scripts/stripe/doctor';
import { runStripeSetup } from '../../../scripts/stripe/setup';
import { startHttpReceiver, stripeFor, type HttpReceiver } from '../../support/emulator-client';
import { newClerkUserId, stack } from '../../support/stack';

const SECRET_KEY = 'sk_test_fresh_account_3b8e1f6a9d2c';
let em: StripeEmulator;
let app: HttpReceiver;
let envFile: string;
let stackEnv: Record<string, string>;
const webhookAnswers: number[] = [];

/** What the app would run with: the stack's database and Clerk, the fresh account, and the env file's Stripe ids. */
function appConfig(): Record<string, string> {
  return { ...stackEnv, STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_API_BASE: em.url, NEXT_PUBLIC_APP_URL: app.origin, ...readEnvFile(envFile) };
}

async function setup(extra: { dryRun?: boolean } = {}) {
  const lines: string[] = [];
  const result = await runStripeSetup({ secretKey: SECRET_KEY, apiBase: em.url, appUrl: app.origin, envFile, out: (l) => void lines.push(l), ...extra });
  return { ...result, lines };
}

const writes = () => em.log.filter((r) => r.method !== 'GET');

beforeAll(async () => {
  stackEnv = await stack.env();
  em = await startStripeEmulator({ secretKey: SECRET_KEY, prices: [], webhookRetryDelaysMs: [] });
  // The app's webhook route, reading its configuration (and so the secret setup wrote) at request time.
  app = await startHttpReceiver(async (request) => {
    const response = await handleStripeWebhook(request, { ...createBillingServices(appConfig()), log: () => undefined });
    webhookAnswers.push(response.status);
    return response;
  });
  envFile = join(mkdtempSync(join(tmpdir(), 'stripe-setup-')), '.env.local');
  writeFileSync(envFile, '# mine\nSOMETHING_ELSE=keep me\nSTRIPE_PRICE_SINGLE_FLIGHT=\nSTRIPE_PRICE_SERIAL_ENTREPRENEUR=price_pasted_by_hand\n');
});
afterAll(async () => {
  await em.stop();
  await app.close();
});

describe('npm run stripe:setup on a fresh account', () => {
  it('refuses a live key unless asked, before any request', async () => {
    const before = em.log.length;
    await expect(runStripeSetup({ secretKey: 'sk_live_abc', apiBase: em.url, appUrl: app.origin, envFile, out: () => undefined })).rejects.toThrow(/--live/);
    expect(em.log.length).toBe(before);
  });

  it('--dry-run says what it would do and changes nothing', async () => {
    const file = readFileSync(envFile, 'utf8');
    const { changes, lines } = await setup({ dryRun: true });
    expect(changes).toBe(3); // two prices and the endpoint; no ids to write yet
    expect(lines.join('\n')).toMatch(/would create a 79\.00 USD price/);
    expect(lines.join('\n')).toMatch(/would create, subscribed to checkout\.session\.completed/);
    expect(writes()).toEqual([]);
    expect(readFileSync(envFile, 'utf8')).toBe(file);
  });

  it('creates prices and the endpoint, prints the secret once, fills the env file; the app then sells and the webhook credits', async () => {
    const { webhookSecret, lines } = await setup();
    expect(webhookSecret).toMatch(/^whsec_/);
    expect(lines.filter((l) => l.includes(webhookSecret!))).toHaveLength(1);
    // A value already there is replaced only with a word about it.
    expect(lines).toContainEqual(`~ ${envFile}: replace STRIPE_PRICE_SERIAL_ENTREPRENEUR (replacing price_pasted_by_hand)`);
    expect(lines).toContainEqual(`+ ${envFile}: set STRIPE_PRICE_SINGLE_FLIGHT`);

    const file = readEnvFile(envFile);
    expect(file.SOMETHING_ELSE).toBe('keep me');
    expect(file.STRIPE_WEBHOOK_SECRET).toBe(webhookSecret);
    const stripe = stripeFor(em.url, SECRET_KEY);
    const single = await stripe.prices.retrieve(file.STRIPE_PRICE_SINGLE_FLIGHT!, { expand: ['product'] });
    const serial = await stripe.prices.retrieve(file.STRIPE_PRICE_SERIAL_ENTREPRENEUR!);
    expect(single).toMatchObject({ unit_amount: 7900, currency: 'usd', type: 'one_time', active: true, product: { name: 'Single Flight Workshop' } });
    expect(serial).toMatchObject({ unit_amount: 14900, currency: 'usd', type: 'one_time', active: true });
    const endpoints = await stripe.webhookEndpoints.list();
    expect(endpoints.data.map((e) => [e.url, [...e.enabled_events].sort()])).toEqual([
      [`${app.origin}/api/billing/webhook`, [
        'charge.dispute.closed', 'charge.dispute.created', 'charge.dispute.funds_reinstated', 'charge.dispute.funds_withdrawn',
        'charge.dispute.updated', 'charge.refund.updated', 'charge.refunded',
        'checkout.session.async_payment_failed', 'checkout.session.async_payment_succeeded', 'checkout.session.completed',
        'refund.created', 'refund.updated',
      ]],
    ]);

    // The app, configured from the env file, sells the Serial Entrepreneur Pack.
    const services = createBillingServices(appConfig());
    const userId = newClerkUserId('setup');
    const token = await stack.mintToken({ userId, email: `${userId}@example.com`, claims: { azp: app.origin } });
    const response = await handleCheckout(
      new Request(`${app.origin}/api/billing/checkout`, {
        method: 'POST',
        headers: { origin: app.origin, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ priceId: file.STRIPE_PRICE_SERIAL_ENTREPRENEUR }),
      }),
      { ...services, waitUntil: () => undefined, log: () => undefined },
    );
    expect(response.status).toBe(303);
    const sessionId = response.headers.get('location')!.split('/').pop()!;
    await em.completeSession(sessionId);
    await em.webhooksIdle();
    expect(webhookAnswers).toEqual([200]);
    const rows = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
    expect(rows).toEqual([{ credit_balance: 3 }]);
  });

  it('a second run changes nothing and says so', async () => {
    const file = readFileSync(envFile, 'utf8');
    em.clearLog();
    const { changes, lines } = await setup();
    expect(changes).toBe(0);
    expect(lines.at(-1)).toMatch(/^Nothing to do/);
    expect(writes()).toEqual([]);
    expect(readFileSync(envFile, 'utf8')).toBe(file);
  });
});

describe('the doctor (npm run check:env -- --live)', () => {
  it('finds nothing wrong right after setup, Clerk keys included', async () => {
    const lines: string[] = [];
    expect(await runDoctor({ env: appConfig(), out: (l) => void lines.push(l) })).toEqual([]);
    expect(lines.at(-1)).toBe('Live check OK');
    expect(lines.join('\n')).toMatch(/CLERK_JWT_KEY is a signing key/);
  });

  it('reports a price changed behind the app’s back with both amounts, and where to fix it', async () => {
    const stripe = stripeFor(em.url, SECRET_KEY);
    const env = appConfig();
    const old = await stripe.prices.retrieve(env.STRIPE_PRICE_SINGLE_FLIGHT!);
    // What editing the amount in the Dashboard does: a new price takes the lookup key, the old one is archived.
    const raised = await stripe.prices.create({ product: old.product as string, unit_amount: 9900, currency: 'usd', lookup_key: old.lookup_key!, transfer_lookup_key: true });
    await stripe.prices.update(old.id, { active: false });

    const archived = await runDoctor({ env, out: () => undefined });
    expect(archived).toEqual([expect.stringMatching(new RegExp(`^STRIPE_PRICE_SINGLE_FLIGHT=${old.id} is archived .*npm run stripe:setup`))]);

    const copied = await runDoctor({ env: { ...env, STRIPE_PRICE_SINGLE_FLIGHT: raised.id }, out: () => undefined });
    expect(copied).toEqual([
      expect.stringContaining(`STRIPE_PRICE_SINGLE_FLIGHT=${raised.id} charges 99.00 USD but the pricing page shows 79.00 USD`),
    ]);
    expect(copied[0]).toMatch(/src\/lib\/checkout\/price-config\.ts/);
  });

  it('reports a disabled endpoint and a JWT key of another instance', async () => {
    const stripe = stripeFor(em.url, SECRET_KEY);
    const [endpoint] = (await stripe.webhookEndpoints.list()).data;
    await stripe.webhookEndpoints.update(endpoint!.id, { disabled: true });
    const { publicKey } = await import('node:crypto').then((c) => c.generateKeyPairSync('rsa', { modulusLength: 2048 }));
    const env = {
      ...appConfig(),
      STRIPE_PRICE_SINGLE_FLIGHT: (await stripe.prices.list({ lookup_keys: ['workshop_credits_single_flight'] })).data[0]!.id,
      CLERK_JWT_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    const problems = await runDoctor({ env, out: () => undefined });
    expect(problems).toEqual([
      expect.stringMatching(/STRIPE_PRICE_SINGLE_FLIGHT=.* charges 99\.00 USD but the pricing page shows 79\.00 USD/),
      expect.stringMatching(new RegExp(`^webhook endpoint ${endpoint!.id} .* is disabled: run \`npm run stripe:setup\``)),
      expect.stringMatching(/^CLERK_JWT_KEY is not a signing key of the Clerk instance/),
    ]);
  });

  it('reports Clerk keys of different modes (real Clerk: no CLERK_API_URL, no network needed without CLERK_JWT_KEY)', async () => {
    const env = { ...appConfig(), CLERK_API_URL: '', CLERK_JWT_KEY: '', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', CLERK_SECRET_KEY: 'sk_test_other' };
    const problems = await runDoctor({ env, out: () => undefined });
    expect(problems.filter((p) => p.includes('CLERK'))).toEqual([
      expect.stringMatching(/^NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY is a live key but CLERK_SECRET_KEY a test key/),
    ]);
  });
});
