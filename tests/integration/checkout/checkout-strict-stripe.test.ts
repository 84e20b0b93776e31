// The checkout core against a Stripe emulator as strict as Stripe (its own instance, so moving its clock, its faults
// and its rate limiter touch no other test file): stored 500s, idempotency errors, stale customer ids, 429s,
// permanent misconfiguration, a persist retried after the response, and key expiry 24 h later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '@local/stripe-emulator';
import { createStripeClient } from '@/lib/http/stripe';
import { checkoutHarness } from '../../support/checkout';
import { newClerkUserId, stack } from '../../support/stack';

const DAY_MS = 24 * 60 * 60 * 1000;
let em: StripeEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  env = await stack.env();
  em = await startStripeEmulator({
    secretKey: env.STRIPE_SECRET_KEY!,
    prices: [
      { id: env.STRIPE_PRICE_SINGLE_FLIGHT!, productId: 'prod_single', productName: 'Single Flight Workshop', unitAmount: 4900, currency: 'usd' },
      { id: env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, productId: 'prod_serial', productName: 'Serial Entrepreneur', unitAmount: 19900, currency: 'usd' },
    ],
  });
});
afterAll(() => em.stop());

type Harness = Awaited<ReturnType<typeof checkoutHarness>>;
const harness = (overrides: Parameters<typeof checkoutHarness>[0] = {}, secretKey = env.STRIPE_SECRET_KEY!) =>
  checkoutHarness({ stripe: createStripeClient({ secretKey, apiBase: em.url }), ...overrides });
const token = (userId: string, claims: Record<string, unknown> = {}) => stack.mintToken({ userId, email: `${userId}@example.com`, claims });
const buy = async (h: Harness, userId: string, claims: Record<string, unknown> = {}) =>
  h.checkout({ token: await token(userId, claims), body: h.priceBody(env.STRIPE_PRICE_SINGLE_FLIGHT) });
const userRow = async (clerkUserId: string) =>
  (await stack.neon<Record<string, string | null>[]>('query', 'select * from users where clerk_user_id = $1', [clerkUserId]))[0]!;
const customersOf = (clerkUserId: string) => em.customers().filter((c) => c.metadata.clerkUserId === clerkUserId);
const sessionCustomer = (response: Response) => em.getSession(response.headers.get('location')!.split('/').pop()!)?.customer;

describe('customer create: a stored failure never locks the buyer out', () => {
  it('a 500 stored under customer-for-<id> → the same checkout moves to the next key generation: 303, one customer', async () => {
    const h = await harness();
    const userId = newClerkUserId('stored500');
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'error500_during' });
    const first = await buy(h, userId);
    expect(first.status).toBe(303);
    const second = await buy(h, userId);
    expect(second.status).toBe(303);
    const customers = customersOf(userId);
    expect(customers).toHaveLength(1);
    expect((await userRow(userId)).stripe_customer_id).toBe(customers[0]!.id);
    expect([sessionCustomer(first), sessionCustomer(second)]).toEqual([customers[0]!.id, customers[0]!.id]);
  });

  it('an idempotency_error (email changed before the id was persisted) → 303; once search has indexed it, the first customer', async () => {
    const h = await harness();
    const userId = newClerkUserId('emailchange');
    expect((await buy(h, userId)).status).toBe(303);
    const [created] = customersOf(userId);
    // What a persist that never held leaves behind, then a new address.
    await stack.neon('query', "update users set stripe_customer_id = null, email = 'changed@example.com' where clerk_user_id = $1", [userId]);
    em.advanceClock(61_000);
    const again = await buy(h, userId);
    expect(again.status).toBe(303);
    expect(customersOf(userId).map((c) => c.id)).toEqual([created!.id]);
    expect((await userRow(userId)).stripe_customer_id).toBe(created!.id);
  });

  it('an idempotency_error before search has indexed the first customer → 303 under the next key; the row holds one customer', async () => {
    const h = await harness();
    const userId = newClerkUserId('emailchange-fast');
    expect((await buy(h, userId)).status).toBe(303);
    await stack.neon('query', "update users set stripe_customer_id = null, email = 'changed-fast@example.com' where clerk_user_id = $1", [userId]);
    const again = await buy(h, userId);
    expect(again.status).toBe(303);
    const row = await userRow(userId);
    expect(sessionCustomer(again)).toBe(row.stripe_customer_id);
    const creates = em.log.filter((r) => r.path === '/v1/customers' && (r.body.metadata as Record<string, string>).clerkUserId === userId);
    expect(creates.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [200, `customer-for-${row.id}`],
      [400, `customer-for-${row.id}`],
      [200, `customer-for-${row.id}-g2`],
    ]);
  });
});

describe('a customer id Stripe no longer knows', () => {
  it('is replaced inside the same request, from the row or the token claim: 303 with a new customer in row and Clerk', async () => {
    const h = await harness();
    const userId = newClerkUserId('stale');
    await stack.clerk('addUser', { id: userId, email: `${userId}@example.com` });
    expect((await buy(h, userId)).status).toBe(303);
    const row = await userRow(userId);
    const stale = row.stripe_customer_id!;
    em.deleteCustomer(stale);

    const fromRow = await buy(h, userId);
    expect(fromRow.status).toBe(303);
    const fresh = (await userRow(userId)).stripe_customer_id!;
    expect(fresh).not.toBe(stale);
    expect(sessionCustomer(fromRow)).toBe(fresh);
    expect(customersOf(userId).map((c) => c.id)).toEqual([fresh]);
    await h.settled();
    const clerkUser = (await stack.clerk<{ id: string; publicMetadata?: Record<string, string> }[]>('users')).find((u) => u.id === userId);
    expect(clerkUser?.publicMetadata).toEqual({ stripeCustomerId: fresh, appUserId: row.id });

    // A token minted before the repair still names the deleted customer.
    em.deleteCustomer(fresh);
    const fromClaim = await buy(h, userId, { stripe_customer_id: fresh, app_user_id: row.id });
    expect(fromClaim.status).toBe(303);
    const third = (await userRow(userId)).stripe_customer_id!;
    expect([stale, fresh]).not.toContain(third);
    expect(sessionCustomer(fromClaim)).toBe(third);
    expect(customersOf(userId).map((c) => c.id)).toEqual([third]);
  });
});

describe('429s', () => {
  it('are retried with backoff inside the budget: two rate_limit answers on the session create still give a 303', async () => {
    const h = await harness();
    em.failNext({ path: '/v1/checkout/sessions', method: 'POST', count: 2, kind: 'rate_limit' });
    const response = await buy(h, newClerkUserId('429'));
    expect(response.status).toBe(303);
  });

  it('past the budget: 503 stripe_rate_limited with Retry-After, no session', async () => {
    const h = await harness();
    const before = em.sessions().length;
    em.failNext({ path: '/v1/checkout/sessions', method: 'POST', count: 1000, kind: 'rate_limit' });
    const response = await buy(h, newClerkUserId('429-budget'));
    em.clearFaults();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('stripe_rate_limited');
    expect(em.sessions().length).toBe(before);
  });

  it('50 concurrent first checkouts of one buyer with the limiter at test mode\'s 25/s: one customer, every answer 303 or 503 + Retry-After', async () => {
    const h = await harness();
    const userId = newClerkUserId('limited');
    const jwt = await token(userId);
    em.setRateLimit(25);
    try {
      const responses = await Promise.all(Array.from({ length: 50 }, () => h.checkout({ token: jwt, body: h.priceBody(env.STRIPE_PRICE_SINGLE_FLIGHT) })));
      const statuses = responses.map((r) => r.status);
      for (const r of responses) {
        expect([303, 503]).toContain(r.status);
        if (r.status === 503) expect(r.headers.get('retry-after')).toBe('1');
      }
      const customers = customersOf(userId);
      expect(customers).toHaveLength(1);
      expect((await userRow(userId)).stripe_customer_id).toBe(customers[0]!.id);
      console.log(`limiter 25/s, 50 concurrent first checkouts: 303=${statuses.filter((s) => s === 303).length} 503=${statuses.filter((s) => s === 503).length} rate_limited=${em.log.filter((r) => r.rateLimited).length}`);
    } finally {
      em.setRateLimit(null);
    }
  }, 60_000);
});

describe('permanent Stripe errors are misconfiguration, not outages', () => {
  it('a bad secret key → 500 stripe_misconfigured and one loud log line naming STRIPE_SECRET_KEY', async () => {
    const h = await harness({}, 'sk_test_wrong_key_0000000000');
    const response = await buy(h, newClerkUserId('badkey'));
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('stripe_misconfigured');
    const loud = h.logs.filter((l) => l.outcome === 'SHOP_MISCONFIGURED');
    expect(loud).toHaveLength(1);
    expect(loud[0]).toMatchObject({ level: 'error', setting: 'STRIPE_SECRET_KEY' });
    expect(JSON.stringify(h.logs)).not.toContain('sk_test_wrong_key');
  });

  it('a price Stripe does not know → 500 stripe_misconfigured naming the price settings', async () => {
    const base = await harness();
    const h = await harness({ prices: base.prices.map((p) => ({ ...p, priceId: `${p.priceId}_archived` })) });
    const response = await h.checkout({ token: await token(newClerkUserId('badprice')), body: h.priceBody(`${env.STRIPE_PRICE_SINGLE_FLIGHT}_archived`) });
    expect(response.status).toBe(500);
    expect(h.logs.find((l) => l.outcome === 'SHOP_MISCONFIGURED')?.setting).toMatch(/STRIPE_PRICE_SINGLE_FLIGHT/);
  });

  it('an outage keeps 502 stripe_unavailable', async () => {
    const h = await harness({}, env.STRIPE_SECRET_KEY);
    em.failNext({ path: '/v1/checkout/sessions', method: 'POST', count: 3, kind: 'error500' });
    const response = await buy(h, newClerkUserId('outage'));
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('stripe_unavailable');
  });
});

describe('the customer id persist', () => {
  it('is retried after the response until it holds', async () => {
    const h = await harness();
    const userId = newClerkUserId('persist');
    await stack.neon('failNext', 1, 'error500', { $sqlIncludes: 'update "users" set "stripe_customer_id"' });
    const response = await buy(h, userId);
    expect(response.status).toBe(303);
    expect(h.logs.find((l) => l.route === 'checkout' && l.status === 303)?.persist).toBe('failed');
    await h.settled();
    expect((await userRow(userId)).stripe_customer_id).toBe(customersOf(userId)[0]!.id);
  });

  it('a retried persist also fills in the email Clerk gave for a buyer whose token and row had none', async () => {
    const h = await harness();
    const userId = newClerkUserId('persistmail');
    await stack.clerk('addUser', { id: userId, email: 'persist-mail@example.com' });
    // drizzle writes the columns in the table's order: the email, then the customer id.
    await stack.neon('failNext', 1, 'error500', { $sqlIncludes: 'update "users" set "email" = $1, "stripe_customer_id"' });
    const response = await h.checkout({ token: await stack.mintToken({ userId }), body: h.priceBody(env.STRIPE_PRICE_SINGLE_FLIGHT!) });
    expect(response.status).toBe(303);
    expect(h.logs.find((l) => l.route === 'checkout' && l.status === 303)?.persist).toBe('failed');
    await h.settled();
    expect(await userRow(userId)).toMatchObject({ stripe_customer_id: customersOf(userId)[0]!.id, email: 'persist-mail@example.com' });
  });

  it('24 h later (moved clock), a buyer whose persist never held still ends with one customer', async () => {
    // The instance died before its after-response work ran.
    const h = await harness({ waitUntil: () => undefined });
    const userId = newClerkUserId('expiry');
    expect((await buy(h, userId)).status).toBe(303);
    await stack.neon('query', 'update users set stripe_customer_id = null where clerk_user_id = $1', [userId]);
    em.advanceClock(DAY_MS + 60_000);
    const later = await buy(h, userId);
    expect(later.status).toBe(303);
    const customers = customersOf(userId);
    expect(customers).toHaveLength(1);
    expect(sessionCustomer(later)).toBe(customers[0]!.id);
    expect((await userRow(userId)).stripe_customer_id).toBe(customers[0]!.id);
  });
});

describe('customer search: unavailable or lagging, it never fails the purchase', () => {
  // What an earlier checkout leaves when its customer id was never saved: the row marked, no id, a customer in Stripe.
  const firstCheckoutLosingItsSave = async (h: Harness, userId: string) => {
    expect((await buy(h, userId)).status).toBe(303);
    await stack.neon('query', 'update users set stripe_customer_id = null where clerk_user_id = $1', [userId]);
    return customersOf(userId)[0]!.id;
  };
  const searches = (since: number) => em.log.slice(since).filter((r) => r.path === '/v1/customers/search');

  it('an account without the Search API (search answers 400) → 303 with the same customer, through the key', async () => {
    const h = await harness({ waitUntil: () => undefined });
    const userId = newClerkUserId('nosearch');
    const created = await firstCheckoutLosingItsSave(h, userId);
    em.setSearchAvailable(false);
    try {
      const since = em.log.length;
      const again = await buy(h, userId);
      expect(again.status).toBe(303);
      expect(searches(since).map((r) => r.status)).toEqual([400]);
      expect(customersOf(userId).map((c) => c.id)).toEqual([created]);
      expect(sessionCustomer(again)).toBe(created);
      expect((await userRow(userId)).stripe_customer_id).toBe(created);
    } finally {
      em.setSearchAvailable(true);
    }
  });

  it('a search lagging more than a minute (10 min, clock moved 2 min) finds nothing → 303 with the same customer', async () => {
    const h = await harness({ waitUntil: () => undefined });
    const userId = newClerkUserId('searchlag');
    em.setSearchLag(10 * 60_000);
    try {
      const created = await firstCheckoutLosingItsSave(h, userId);
      em.advanceClock(2 * 60_000);
      const since = em.log.length;
      const again = await buy(h, userId);
      expect(again.status).toBe(303);
      const [search] = searches(since);
      expect(search?.status).toBe(200);
      expect(customersOf(userId).map((c) => c.id)).toEqual([created]);
      expect(sessionCustomer(again)).toBe(created);
    } finally {
      em.setSearchLag(60_000);
    }
  });
});
