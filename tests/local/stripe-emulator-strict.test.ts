// The emulator as strict as Stripe, driven through the real stripe SDK: stored 500s and drop-after-execute under an
// idempotency key, 429 rate_limit / lock_timeout, the per-endpoint limiter, key expiry on a movable clock, refused
// API versions, request_log_url, and customer search's eventual consistency.
import Stripe from 'stripe';
import { rejection, sdkFor } from '../support/stripe-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '@local/stripe-emulator';

const SECRET_KEY = 'sk_test_emulator_strict_7c1d9e2a4b6f';
const DAY_MS = 24 * 60 * 60 * 1000;

let em: StripeEmulator;
async function start(options: Partial<StripeEmulatorOptions> = {}): Promise<void> {
  await (em as StripeEmulator | undefined)?.stop();
  em = await startStripeEmulator({ secretKey: SECRET_KEY, prices: [], ...options });
}
beforeEach(() => start());
afterEach(() => em.stop());

const sdk = (config: Partial<Stripe.StripeConfig> = {}): Stripe => sdkFor(em.url, SECRET_KEY, config);


const create = (key: string, email = 'ada@example.com', config: Partial<Stripe.StripeConfig> = {}) =>
  sdk(config).customers.create({ email, metadata: { appUserId: 'u1' } }, { idempotencyKey: key });

describe('a 500 raised during execution', () => {
  it('is stored under the key and replayed to every retry, with Idempotent-Replayed and Stripe-Should-Retry: false', async () => {
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'error500_during' });
    const first = await rejection(create('k-500'));
    expect(first).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(first.headers['stripe-should-retry']).toBe('false');
    // The SDK obeyed Stripe-Should-Retry: false, so one request only.
    expect(em.log.map((r) => [r.status, r.fault])).toEqual([[500, 'error500_during']]);

    const again = await rejection(create('k-500'));
    expect(again.statusCode).toBe(500);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(em.log.map((r) => [r.status, r.replayed ?? false])).toEqual([
      [500, false],
      [500, true],
    ]);
    expect(em.customers()).toHaveLength(0);
    // Another key runs normally.
    await create('k-500-other');
    expect(em.customers()).toHaveLength(1);
  });

  it('the before-execution 500 is not stored: the SDK retry with the same key succeeds', async () => {
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'error500' });
    const customer = await create('k-before');
    expect(em.log.map((r) => r.status)).toEqual([500, 200]);
    expect(em.customers().map((c) => c.id)).toEqual([customer.id]);
  });
});

describe('drop after execute', () => {
  it('the request ran and its response was lost: the SDK retry gets the stored success, one customer', async () => {
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'drop_after_execute' });
    const customer = await create('k-drop');
    expect(em.customers().map((c) => c.id)).toEqual([customer.id]);
    expect(em.log.map((r) => [r.status, r.fault, r.replayed ?? false])).toEqual([
      [200, 'drop_after_execute', false],
      [200, undefined, true],
    ]);
  });
});

describe('429', () => {
  it('rate_limit is a StripeRateLimitError the SDK does not retry', async () => {
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'rate_limit' });
    const err = await rejection(create('k-429'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(err.code).toBe('rate_limit');
    expect(err.statusCode).toBe(429);
    expect(em.log).toHaveLength(1);
    expect(em.customers()).toHaveLength(0);
    // Nothing was stored: the same key runs once the limit clears.
    await create('k-429');
    expect(em.customers()).toHaveLength(1);
  });

  it('lock_timeout carries Stripe-Should-Retry: true, which the SDK follows', async () => {
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'lock_timeout' });
    const customer = await create('k-lock');
    expect(em.log.map((r) => r.status)).toEqual([429, 200]);
    expect(em.customers().map((c) => c.id)).toEqual([customer.id]);

    em.clearLog();
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'lock_timeout' });
    const err = await rejection(create('k-lock-2', 'b@example.com', { maxNetworkRetries: 0 }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(err.code).toBe('lock_timeout');
    expect(err.headers['stripe-should-retry']).toBe('true');
  });

  it('the optional limiter admits perSecond requests per endpoint per second and answers the rest 429, unexecuted', async () => {
    em.setRateLimit(5);
    const client = sdk({ maxNetworkRetries: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => client.customers.create({ email: `u${i}@example.com` })),
    );
    const limited = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(limited).toHaveLength(7);
    for (const r of limited) expect((r).reason).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(em.customers()).toHaveLength(5);
    expect(em.log.filter((r) => r.rateLimited)).toHaveLength(7);
    // Another endpoint has its own budget; a moved clock opens a new window.
    await client.customers.search({ query: "email:'u0@example.com'" });
    em.advanceClock(1_000);
    await client.customers.create({ email: 'later@example.com' });
    em.setRateLimit(null);
  });

  it('is off by default', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => sdk({ maxNetworkRetries: 0 }).customers.create({ email: `x${i}@example.com` })));
    expect(em.customers()).toHaveLength(40);
  });
});

describe('idempotency keys expire', () => {
  it('replay within 24 h; after 24 h on the moved clock the same key creates a new object', async () => {
    const first = await create('k-life');
    em.advanceClock(DAY_MS - 60_000);
    expect((await create('k-life')).id).toBe(first.id);
    em.advanceClock(60_000);
    const later = await create('k-life');
    expect(later.id).not.toBe(first.id);
    expect(em.customers()).toHaveLength(2);
  });

  it('other params under a live key are an idempotency_error; after expiry they run', async () => {
    await create('k-params', 'old@example.com');
    const err = await rejection(create('k-params', 'new@example.com'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);
    em.advanceClock(DAY_MS);
    expect((await create('k-params', 'new@example.com')).email).toBe('new@example.com');
  });
});

describe('API versions and error bodies', () => {
  it('refuses an unknown Stripe-Version with 400 and accepts the pinned and older dated ones', async () => {
    const bogus = await rejection(sdk({ apiVersion: '2099-01-01.clover' as Stripe.LatestApiVersion }).customers.list());
    expect(bogus).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(bogus.message).toBe('Invalid Stripe API version: 2099-01-01.clover');
    const made = await rejection(sdk({ apiVersion: '2026-02-25.nonsense' as Stripe.LatestApiVersion }).customers.create({}));
    expect(made.statusCode).toBe(400);
    expect(em.customers()).toHaveLength(0);
    await sdk({ apiVersion: '2024-06-20' as Stripe.LatestApiVersion }).customers.create({});
    expect(em.customers()).toHaveLength(1);
  });

  it('links every error to its request log entry', async () => {
    const err = await rejection(sdk().customers.retrieve('cus_missing'));
    expect(err.requestId).toMatch(/^req_/);
    expect((err.raw as { request_log_url?: string }).request_log_url).toBe(`https://dashboard.stripe.com/test/logs/${err.requestId}`);
  });
});

describe('customer search and delete', () => {
  it('search is eventually consistent: a new customer appears only after the indexing lag', async () => {
    const c = await sdk().customers.create({ metadata: { appUserId: 'u-search' } });
    const query = { query: "metadata['appUserId']:'u-search'" };
    expect((await sdk().customers.search(query)).data).toEqual([]);
    em.advanceClock(60_000);
    expect((await sdk().customers.search(query)).data.map((x) => x.id)).toEqual([c.id]);
    const bad = await rejection(sdk().customers.search({ query: 'appUserId=u-search' }));
    expect(bad).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('search can lag for longer than a minute (setSearchLag) and be unavailable for the account (setSearchAvailable)', async () => {
    em.setSearchLag(10 * 60_000);
    const c = await sdk().customers.create({ metadata: { appUserId: 'u-lag' } });
    const query = { query: "metadata['appUserId']:'u-lag'" };
    em.advanceClock(5 * 60_000);
    expect((await sdk().customers.search(query)).data).toEqual([]);
    em.advanceClock(5 * 60_000);
    expect((await sdk().customers.search(query)).data.map((x) => x.id)).toEqual([c.id]);
    em.setSearchAvailable(false);
    const unavailable = await rejection(sdk().customers.search(query));
    expect(unavailable).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(unavailable.statusCode).toBe(400);
    // Only search is affected: the customer itself is still there.
    expect((await sdk().customers.retrieve(c.id)).id).toBe(c.id);
  });

  it('a deleted customer is gone: retrieving it or using it in a session is resource_missing', async () => {
    await start({ prices: [{ id: 'price_a', productId: 'prod_a', productName: 'A', unitAmount: 100, currency: 'usd' }] });
    const c = await sdk().customers.create({});
    expect(await sdk().customers.del(c.id)).toEqual({ id: c.id, object: 'customer', deleted: true });
    const err = await rejection(
      sdk().checkout.sessions.create({
        mode: 'payment',
        customer: c.id,
        line_items: [{ price: 'price_a', quantity: 1 }],
        success_url: 'https://app.test/ok',
      }),
    );
    expect(err.code).toBe('resource_missing');
    expect(err.param).toBe('customer');
  });
});
