// Fulfilment through the webhook core: Stripe-signed events, exactly-once credits, async payments, faults.
import { beforeAll, describe, expect, it } from 'vitest';
import { signCheckoutMarker } from '@/lib/checkout/checkout-marker';
import { handleStripeWebhook, type WebhookDeps } from '@/lib/fulfilment/handle-stripe-webhook';
import type { LogLine } from '@/lib/http/request-context';
import { checkoutHarness } from '../../support/checkout';
import { newClerkUserId, stack } from '../../support/stack';

type Harness = Awaited<ReturnType<typeof checkoutHarness>>;
let h: Harness;
let deps: WebhookDeps;
const logs: LogLine[] = [];
beforeAll(async () => {
  h = await checkoutHarness();
  deps = { db: h.db, stripe: h.stripe, prices: h.prices, markerKey: h.markerKey, webhookSecret: h.webhookSecret, log: (line) => void logs.push(line) };
});

async function newSession(priceId = h.env.STRIPE_PRICE_SINGLE_FLIGHT!) {
  const userId = newClerkUserId('wh');
  const response = await h.checkout({ token: await stack.mintToken({ userId, email: `${userId}@example.com` }), body: h.priceBody(priceId) });
  expect(response.status).toBe(303);
  return { userId, sessionId: response.headers.get('location')!.split('/').pop()! };
}

let eventCounter = 0;
async function deliver(type: string, sessionId: string, options: { secret?: string; timestamp?: number; tamper?: boolean; signature?: string | null } = {}) {
  const payload = JSON.stringify({ id: `evt_test_${eventCounter++}`, object: 'event', type, data: { object: { id: sessionId, object: 'checkout.session' } } });
  const header = await h.stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: options.secret ?? h.webhookSecret, timestamp: options.timestamp });
  const headers = new Headers({ 'content-type': 'application/json' });
  const signature = options.signature === undefined ? header : options.signature;
  if (signature !== null) headers.set('stripe-signature', signature);
  const body = options.tamper ? payload.replace(sessionId, `${sessionId}x`) : payload;
  return handleStripeWebhook(new Request(`${h.appUrl}/api/billing/webhook`, { method: 'POST', headers, body }), deps);
}

const balance = async (userId: string) =>
  Number((await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]))[0]?.credit_balance);
const purchases = (sessionId: string) =>
  stack.neon<{ status: string; credit_qty: number; credited_at: string | null }[]>('query', 'select * from purchases where stripe_checkout_session_id = $1', [sessionId]);

describe('POST /api/billing/webhook (core)', () => {
  it('credits a paid session once, with credits from the price map', async () => {
    const { userId, sessionId } = await newSession(h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR);
    await stack.stripe('completeSession', sessionId);
    const response = await deliver('checkout.session.completed', sessionId);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'credited' });
    expect((await deliver('checkout.session.completed', sessionId)).status).toBe(200);
    expect(await balance(userId)).toBe(3);
    expect(await purchases(sessionId)).toMatchObject([{ status: 'paid', credit_qty: 3 }]);
  });

  it('credits once when the same event arrives 10 times, one after another and all at once', async () => {
    const { userId, sessionId } = await newSession();
    await stack.stripe('completeSession', sessionId);
    for (let i = 0; i < 10; i++) expect((await deliver('checkout.session.completed', sessionId)).status).toBe(200);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => deliver('checkout.session.completed', sessionId)));
    expect(concurrent.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await balance(userId)).toBe(1);
    expect(await purchases(sessionId)).toHaveLength(1);
  });

  it.each([
    ['a missing signature', { signature: null }],
    ['a signature made with another secret', { secret: 'whsec_not_ours' }],
    ['a stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 3600 }],
    ['a body changed after signing', { tamper: true }],
    ['a garbage signature header', { signature: 't=1,v1=deadbeef' }],
  ])('refuses %s with 400 and changes nothing', async (_name, options) => {
    const { userId, sessionId } = await newSession();
    await stack.stripe('completeSession', sessionId);
    const response = await deliver('checkout.session.completed', sessionId, options);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(await balance(userId)).toBe(0);
    expect(await purchases(sessionId)).toHaveLength(0);
  });

  it('waits for an async payment to succeed before crediting', async () => {
    const { userId, sessionId } = await newSession();
    await stack.stripe('completeSession', sessionId, { async: true });
    expect(await (await deliver('checkout.session.completed', sessionId)).json()).toMatchObject({ outcome: 'pending' });
    expect(await balance(userId)).toBe(0);
    await stack.stripe('settleAsyncPayment', sessionId, 'succeeded');
    expect(await (await deliver('checkout.session.async_payment_succeeded', sessionId)).json()).toMatchObject({ outcome: 'credited' });
    expect(await balance(userId)).toBe(1);
  });

  it('records a failed async payment and never credits it', async () => {
    const { userId, sessionId } = await newSession();
    await stack.stripe('completeSession', sessionId, { async: true });
    await deliver('checkout.session.completed', sessionId);
    await stack.stripe('settleAsyncPayment', sessionId, 'failed');
    expect(await (await deliver('checkout.session.async_payment_failed', sessionId)).json()).toMatchObject({ outcome: 'failed' });
    expect(await balance(userId)).toBe(0);
    expect(await purchases(sessionId)).toMatchObject([{ status: 'failed', credited_at: null }]);
  });

  it('acknowledges event types it does not handle, and sessions Stripe does not know', async () => {
    const { sessionId } = await newSession();
    expect(await (await deliver('customer.created', sessionId)).json()).toEqual({ received: true, outcome: 'ignored' });
    expect(await (await deliver('checkout.session.completed', 'cs_test_unknown')).json()).toEqual({ received: true, outcome: 'unknown_session' });
  });

  it('answers already_credited to every redelivery of a credited session', async () => {
    const { userId, sessionId } = await newSession();
    await stack.stripe('completeSession', sessionId);
    expect(await (await deliver('checkout.session.completed', sessionId)).json()).toEqual({ received: true, outcome: 'credited' });
    expect(await (await deliver('checkout.session.completed', sessionId)).json()).toEqual({ received: true, outcome: 'already_credited' });
    const concurrent = await Promise.all([1, 2, 3].map(async () => (await deliver('checkout.session.completed', sessionId)).json()));
    expect(concurrent).toEqual(Array(3).fill({ received: true, outcome: 'already_credited' }));
    expect(await balance(userId)).toBe(1);
  });

  it('keeps a credited purchase credited when async_payment_failed arrives after it, however often', async () => {
    const { userId, sessionId } = await newSession();
    await stack.stripe('completeSession', sessionId);
    expect(await (await deliver('checkout.session.completed', sessionId)).json()).toMatchObject({ outcome: 'credited' });
    for (let i = 0; i < 2; i++) {
      const response = await deliver('checkout.session.async_payment_failed', sessionId);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true, outcome: 'already_credited' });
    }
    expect(await balance(userId)).toBe(1);
    const [purchase] = await purchases(sessionId);
    expect(purchase).toMatchObject({ status: 'paid', credit_qty: 1 });
    expect(purchase?.credited_at).not.toBeNull();
  });

  it('finds the buyer by metadata.clerkUserId when the session has no client_reference_id', async () => {
    const { userId } = await newSession(); // creates the buyer's row
    // Signed by our server's marker key, as an older release of this integration created sessions without it.
    const fields = { clerkUserId: userId, appUserId: '', priceId: h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, creditQty: 3, amountCents: 14900, currency: 'usd' };
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, quantity: 1 }],
      success_url: `${h.appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
      metadata: { clerkUserId: userId, creditQty: '3', amountCents: '14900', currency: 'usd', marker: await signCheckoutMarker(h.markerKey, fields) },
    });
    expect(session.client_reference_id).toBeNull();
    await stack.stripe('completeSession', session.id);
    expect(await (await deliver('checkout.session.completed', session.id)).json()).toEqual({ received: true, outcome: 'credited' });
    expect(await balance(userId)).toBe(3);
  });

  it('a stale app id (the row re-created) lands on the Clerk id’s row: pending, paid and failed alike', async () => {
    const userId = newClerkUserId('stale');
    const rowId = `usr_${userId}_new`;
    const goneId = `usr_${userId}_gone`;
    await stack.neon('query', 'insert into users (id, clerk_user_id, email) values ($1, $2, $3)', [rowId, userId, `${userId}@example.com`]);
    const staleSession = async () => {
      const fields = { clerkUserId: userId, appUserId: goneId, priceId: h.env.STRIPE_PRICE_SINGLE_FLIGHT!, creditQty: 1, amountCents: 7900, currency: 'usd' };
      const session = await h.stripe.checkout.sessions.create({
        mode: 'payment',
        client_reference_id: goneId,
        line_items: [{ price: h.env.STRIPE_PRICE_SINGLE_FLIGHT!, quantity: 1 }],
        success_url: `${h.appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
        metadata: { clerkUserId: userId, appUserId: goneId, creditQty: '1', amountCents: '7900', currency: 'usd', marker: await signCheckoutMarker(h.markerKey, fields) },
      });
      await stack.stripe('completeSession', session.id, { async: true });
      expect(await (await deliver('checkout.session.completed', session.id)).json()).toEqual({ received: true, outcome: 'pending' });
      return session.id;
    };
    const owner = async (sessionId: string) =>
      (await stack.neon<{ user_id: string; status: string }[]>('query', 'select user_id, status from purchases where stripe_checkout_session_id = $1', [sessionId]))[0];

    const paid = await staleSession();
    expect(await owner(paid)).toEqual({ user_id: rowId, status: 'pending' });
    await stack.stripe('settleAsyncPayment', paid, 'succeeded');
    expect(await (await deliver('checkout.session.async_payment_succeeded', paid)).json()).toEqual({ received: true, outcome: 'credited' });
    expect(await owner(paid)).toEqual({ user_id: rowId, status: 'paid' });
    expect(await balance(userId)).toBe(1);

    const failed = await staleSession();
    await stack.stripe('settleAsyncPayment', failed, 'failed');
    expect(await (await deliver('checkout.session.async_payment_failed', failed)).json()).toEqual({ received: true, outcome: 'failed' });
    expect(await owner(failed)).toEqual({ user_id: rowId, status: 'failed' });
    expect(await balance(userId)).toBe(1);
  });

  it('fills in the buyer’s missing stripe_customer_id from the session it credits', async () => {
    const userId = newClerkUserId('nocus');
    const appUserId = `usr_${userId}`;
    await stack.neon('query', 'insert into users (id, clerk_user_id, email) values ($1, $2, $3)', [appUserId, userId, `${userId}@example.com`]);
    const customer = await h.stripe.customers.create({ email: `${userId}@example.com`, metadata: { clerkUserId: userId, appUserId } });
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      client_reference_id: appUserId,
      line_items: [{ price: h.env.STRIPE_PRICE_SINGLE_FLIGHT!, quantity: 1 }],
      success_url: `${h.appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
      metadata: {
        clerkUserId: userId, creditQty: '1', amountCents: '7900', currency: 'usd',
        marker: await signCheckoutMarker(h.markerKey, { clerkUserId: userId, appUserId, priceId: h.env.STRIPE_PRICE_SINGLE_FLIGHT!, creditQty: 1, amountCents: 7900, currency: 'usd' }),
      },
    });
    await stack.stripe('completeSession', session.id);
    expect(await (await deliver('checkout.session.completed', session.id)).json()).toEqual({ received: true, outcome: 'credited' });
    const [row] = await stack.neon<{ stripe_customer_id: string | null; credit_balance: number }[]>('query', 'select stripe_customer_id, credit_balance from users where clerk_user_id = $1', [userId]);
    expect(row).toEqual({ stripe_customer_id: customer.id, credit_balance: 1 });
  });

  it('answers 503 on a database fault so Stripe retries, and the retry credits once', async () => {
    const { userId, sessionId } = await newSession();
    await stack.stripe('completeSession', sessionId);
    await stack.neon('failNext', 1, 'error500', { $sqlIncludes: 'ledger_credit_purchase(', $paramsInclude: sessionId });
    const failed = await deliver('checkout.session.completed', sessionId);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    expect(await balance(userId)).toBe(0);
    const retries = await Promise.all([1, 2].map(() => deliver('checkout.session.completed', sessionId)));
    expect(retries.map((r) => r.status)).toEqual([200, 200]);
    expect(await balance(userId)).toBe(1);
  });
});
