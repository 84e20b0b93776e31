// Upstream faults at every step of checkout and fulfilment, on a private stack (faults are global to a stand-in, so
// sharing the run-wide stack would let other files consume them). The cores run in Node with the app's own clients.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@local/stack';
import { createBillingServices } from '@/lib/services/create-billing-services';
import { handleCheckout, type CheckoutDeps } from '@/lib/checkout/handle-checkout';
import { handleStripeWebhook } from '@/lib/fulfilment/handle-stripe-webhook';
import { recordFigures } from '../support/figures';
import { leakNeedles } from '../support/leak-patterns';
import { leakCheck } from '../support/leaks';

const TIMEOUT_MS = 400;
let stack: LocalStack;
let deps: CheckoutDeps & { webhookSecret: string };
const logLines: string[] = [];
const figures = { faults: 0, recovered: 0, duplicates: 0 };
recordFigures('adversarial-faults', () => ({ ...figures, leaks: leaks.count }));

beforeAll(async () => {
  stack = await startLocalStack({ appUrl: 'http://localhost:9' });
  const env = stack.env;
  deps = {
    ...createBillingServices(env, { timeoutMs: TIMEOUT_MS, maxNetworkRetries: 1 }),
    waitUntil: () => {},
    log: (line) => void logLines.push(JSON.stringify(line)),
  };
  stack.stripe.setWebhook(null);
});
// After the beforeAll above (hooks run in order): the needles are this private stack's secrets.
const leaks = leakCheck({ needles: () => leakNeedles(stack) });

afterAll(async () => {
  for (const line of logLines) leaks.scan(line, 'a core log line');
  await stack.stop();
});

let n = 0;
async function checkout(userId: string) {
  const token = await stack.mintToken({ userId, email: `${userId}@example.com` });
  return handleCheckout(
    new Request(`${deps.appUrl}/api/billing/checkout`, { method: 'POST', headers: { origin: deps.appUrl, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ priceId: stack.env.STRIPE_PRICE_SINGLE_FLIGHT }) }),
    deps,
  );
}

async function expectDocumented5xx(response: Response, status: number, code: string) {
  const text = await leaks.read(response, `${status} response`);
  expect(response.status).toBe(status);
  expect(JSON.parse(text)).toMatchObject({ error: { code } });
}

const customersOf = (userId: string) => stack.stripe.customers().filter((c) => c.metadata?.clerkUserId === userId);

type Kind = 'error500' | 'timeout' | 'drop';
const kinds: Kind[] = ['error500', 'timeout', 'drop'];

describe('checkout under upstream faults', () => {
  it.each(kinds)('user read fails (%s) → 503, next attempt succeeds, one customer', async (kind) => {
    const userId = `user_fault_read_${n++}`;
    stack.neon.failNext(1, kind, (qs) => qs.some((q) => q.includes('from "users"')));
    figures.faults++;
    await expectDocumented5xx(await checkout(userId), 503, 'database_unavailable');
    stack.neon.clearFaults();
    expect((await checkout(userId)).status).toBe(303);
    figures.recovered++;
    expect(customersOf(userId)).toHaveLength(1);
  });

  it.each(kinds)('customer create fails (%s, past the retry) → 502, next attempt succeeds, one customer', async (kind) => {
    const userId = `user_fault_cus_${n++}`;
    stack.stripe.failNext({ path: '/v1/customers', method: 'POST', count: 2, kind });
    figures.faults++;
    await expectDocumented5xx(await checkout(userId), 502, 'stripe_unavailable');
    stack.stripe.clearFaults();
    expect((await checkout(userId)).status).toBe(303);
    figures.recovered++;
    expect(customersOf(userId).length).toBeLessThanOrEqual(1);
    figures.duplicates += Math.max(0, customersOf(userId).length - 1);
  });

  it.each(kinds)('customer persist fails (%s) → still 303; the next checkout reuses the same customer', async (kind) => {
    const userId = `user_fault_persist_${n++}`;
    stack.neon.failNext(1, kind, (qs) => qs.some((q) => q.startsWith('update "users" set "stripe_customer_id"')));
    figures.faults++;
    expect((await checkout(userId)).status).toBe(303);
    stack.neon.clearFaults();
    expect((await checkout(userId)).status).toBe(303);
    figures.recovered++;
    expect(customersOf(userId)).toHaveLength(1);
    const [row] = await stack.neon.query('select stripe_customer_id from users where clerk_user_id = $1', [userId]);
    expect(row?.stripe_customer_id).toBe(customersOf(userId)[0]!.id);
  });

  it.each(kinds)('session create fails (%s, past the retry) → 502, next attempt succeeds', async (kind) => {
    const userId = `user_fault_session_${n++}`;
    stack.stripe.failNext({ path: '/v1/checkout/sessions', method: 'POST', count: 2, kind });
    figures.faults++;
    await expectDocumented5xx(await checkout(userId), 502, 'stripe_unavailable');
    stack.stripe.clearFaults();
    expect((await checkout(userId)).status).toBe(303);
    figures.recovered++;
    expect(customersOf(userId)).toHaveLength(1);
  });
});

describe('webhook fulfilment under upstream faults', () => {
  const signer = new Stripe('sk_test_unused', { httpClient: Stripe.createFetchHttpClient() });
  async function deliver(sessionId: string) {
    const payload = JSON.stringify({ id: `evt_f_${sessionId}`, object: 'event', type: 'checkout.session.completed', data: { object: { id: sessionId } } });
    const header = await signer.webhooks.generateTestHeaderStringAsync({ payload, secret: deps.webhookSecret });
    return handleStripeWebhook(new Request(`${deps.appUrl}/api/billing/webhook`, { method: 'POST', body: payload, headers: { 'stripe-signature': header } }), deps);
  }
  const paidSession = async (userId: string) => {
    const sessionId = (await checkout(userId)).headers.get('location')!.split('/').pop()!;
    await stack.stripe.completeSession(sessionId);
    return sessionId;
  };
  const balance = async (userId: string) => Number((await stack.neon.query('select credit_balance from users where clerk_user_id = $1', [userId]))[0]?.credit_balance);

  it.each(kinds)('session retrieve fails (%s) → 502 so Stripe retries; the retry credits once', async (kind) => {
    const userId = `user_fault_retrieve_${n++}`;
    const sessionId = await paidSession(userId);
    stack.stripe.failNext({ path: new RegExp(`^/v1/checkout/sessions/${sessionId}`), method: 'GET', count: 2, kind });
    figures.faults++;
    await expectDocumented5xx(await deliver(sessionId), 502, 'stripe_unavailable');
    stack.stripe.clearFaults();
    expect((await deliver(sessionId)).status).toBe(200);
    expect((await deliver(sessionId)).status).toBe(200);
    figures.recovered++;
    figures.duplicates += Math.max(0, (await balance(userId)) - 1);
    expect(await balance(userId)).toBe(1);
  });

  it.each(kinds)('ledger write fails (%s) → 503; the retry credits once', async (kind) => {
    const userId = `user_fault_ledger_${n++}`;
    const sessionId = await paidSession(userId);
    stack.neon.failNext(1, kind, (qs) => qs.some((q) => q.includes('ledger_credit_purchase(')));
    figures.faults++;
    await expectDocumented5xx(await deliver(sessionId), 503, 'database_unavailable');
    stack.neon.clearFaults();
    expect((await deliver(sessionId)).status).toBe(200);
    expect((await deliver(sessionId)).status).toBe(200);
    figures.recovered++;
    figures.duplicates += Math.max(0, (await balance(userId)) - 1);
    expect(await balance(userId)).toBe(1);
  });
});
