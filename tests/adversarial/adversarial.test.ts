// Attacks the running app (vercel build + next start on the local stack): hostile input from data corpora, races, and
// leak checks that fail the file. Records its figures for the run's summary line.
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEphemeralKeyPair, mintSessionToken } from '@local/auth';
import { recordFigures } from '../support/figures';
import { leakCheck } from '../support/leaks';
import { newClerkUserId, servicesFromStack, stack } from '../support/stack';
import { giveCredits } from '../support/credits';

interface CheckoutCase { name: string; status: number; code: string | null; method: string; contentType: string | null; body: string | null; token: string; headers?: Record<string, string>; ignoredField?: string }
interface WebhookCase { name: string; status: number; code: string | null; kind: string }
const checkoutCorpus = JSON.parse(readFileSync(new URL('./checkout-corpus.json', import.meta.url), 'utf8')) as CheckoutCase[];
const webhookCorpus = JSON.parse(readFileSync(new URL('./webhook-corpus.json', import.meta.url), 'utf8')) as WebhookCase[];

const figures = { races: 0, duplicates: 0, bad_inputs: 0, handled: 0, stripe_calls_from_rejected: 0, reversal_races: 0, reversal_duplicates: 0, rate_limited: 0, overdrafts: 0 };
recordFigures('adversarial', () => ({ ...figures, leaks: leaks.count }));
// This file runs alone against the app (the `app` project), so the emulator's log moves only for its own requests.
const leaks = leakCheck({ appOutput: true });
let appUrl: string;
let env: Record<string, string>;
const signer = new Stripe('sk_test_unused', { httpClient: Stripe.createFetchHttpClient() });

beforeAll(async () => {
  [appUrl, env] = await Promise.all([stack.app(), stack.env()]);
});

const stripeLogLength = async () => (await stack.stripe<unknown[]>('log')).length;

async function tokenFor(kind: string, userId: string): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  switch (kind) {
    case 'valid': return bearer(await stack.mintToken({ userId, email: `${userId}@example.com` }));
    case 'none': return {};
    case 'expired': return bearer(await stack.mintToken({ userId, issuedAt: now - 3600, ttlSeconds: 60 }));
    case 'not-yet-valid': return bearer(await stack.mintToken({ userId, issuedAt: now + 3600, notBefore: now + 3600 }));
    case 'wrong-key': return bearer(await mintSessionToken(await createEphemeralKeyPair(), { userId }));
    case 'alg-none': {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return bearer(`${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: userId, sid: 'sess_x', iat: now, nbf: now, exp: now + 600 })}.`);
    }
    case 'garbage': return bearer('eyJhbGciOiJSUzI1NiJ9.garbage.garbage');
    case 'empty-bearer': return { authorization: 'Bearer ' };
    case 'cookie-without-token': return { cookie: `__client_uat=${now}` };
    case 'cookie-expired': {
      const token = await new SignJWT({ sid: 'sess_x' }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(new TextEncoder().encode('not-the-key'));
      return { cookie: `__session=${token}; __client_uat=${now - 7200}` };
    }
    default: throw new Error(`unknown token kind ${kind}`);
  }
}

function materialise(c: CheckoutCase): { body: BodyInit | null; contentType: string | null } {
  const fill = (s: string) =>
    s.replaceAll('$SINGLE_UPPER', env.STRIPE_PRICE_SINGLE_FLIGHT!.toUpperCase()).replaceAll('$SINGLE', env.STRIPE_PRICE_SINGLE_FLIGHT!).replaceAll('$SERIAL', env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!).replaceAll('$PAD', 'x'.repeat(64 * 1024));
  if (c.contentType === '$MULTIPART') {
    const form = new FormData();
    if (c.body === '$MULTIPART_FILE') form.set('priceId', new Blob([env.STRIPE_PRICE_SINGLE_FLIGHT!]), 'price.txt');
    else form.set('other', 'x');
    return { body: form, contentType: null };
  }
  return { body: c.body === null ? null : fill(c.body), contentType: c.contentType };
}

describe('hostile checkout requests (corpus)', () => {
  it(`has at least 60 cases`, () => expect(checkoutCorpus.length).toBeGreaterThanOrEqual(60));

  const refused = checkoutCorpus.filter((c) => c.status >= 400);
  const ignored = checkoutCorpus.filter((c) => c.ignoredField !== undefined);
  it('covers every case as either refused or an ignored extra field', () => expect(refused.length + ignored.length).toBe(checkoutCorpus.length));

  const send = async (c: CheckoutCase, userId: string) => {
    const { body, contentType } = materialise(c);
    const headers = new Headers({ origin: appUrl, ...(await tokenFor(c.token, userId)), ...c.headers });
    if (contentType !== null && contentType !== undefined) headers.set('content-type', contentType);
    else if (contentType === null && c.contentType === null) headers.delete('content-type');
    const response = await fetch(`${appUrl}/api/billing/checkout`, { method: c.method, headers, body, redirect: 'manual' });
    return { response, text: await leaks.read(response, `checkout response to "${c.name}"`) };
  };

  it.each(refused)('$name → $status $code, and nothing reaches Stripe', async (c) => {
    const userId = newClerkUserId('hostile');
    const before = await stripeLogLength();
    const { response, text } = await send(c, userId);
    figures.bad_inputs++;
    const stripeCalls = (await stripeLogLength()) - before;
    figures.stripe_calls_from_rejected += stripeCalls;
    expect(response.status).toBe(c.status);
    expect(JSON.parse(text)).toMatchObject({ error: { code: c.code, message: expect.any(String) } });
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(stripeCalls).toBe(0);
    figures.handled++;
  });

  it.each(ignored)('$name → 303 to a session the field did not change', async (c) => {
    const userId = newClerkUserId('extra');
    const { response } = await send(c, userId);
    figures.bad_inputs++;
    expect(response.status).toBe(303);
    const session = await stack.stripe<{ customer: string; amount_total: number; client_reference_id: string; metadata: Record<string, string>; success_url: string; cancel_url: string }>(
      'getSession',
      response.headers.get('location')!.split('/').pop(),
    );
    // Single Flight: one credit at $79.00, for this buyer, back to this app.
    expect(session).toMatchObject({
      amount_total: 7900,
      metadata: { clerkUserId: userId, creditQty: '1', productType: 'Single Flight Workshop' },
      success_url: `${appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/purchase/cancel`,
    });
    expect(session.customer).toMatch(/^cus_/);
    expect(session.customer).not.toBe('cus_evil');
    const [row] = await stack.neon<{ id: string; stripe_customer_id: string }[]>('query', 'select id, stripe_customer_id from users where clerk_user_id = $1', [userId]);
    expect(session.client_reference_id).toBe(row?.id);
    expect(session.customer).toBe(row?.stripe_customer_id);
    figures.handled++;
  });
});

describe('hostile webhook deliveries (corpus)', () => {
  it.each(webhookCorpus)('$name → $status', async (c) => {
    let sessionId = 'cs_test_unknown_session';
    if (c.kind !== 'unknown-session') {
      // A real, paid session (for an unknown user: one the app never saw).
      const stripe = new Stripe(env.STRIPE_SECRET_KEY!, { httpClient: Stripe.createFetchHttpClient(), host: new URL(env.STRIPE_API_BASE!).hostname, port: new URL(env.STRIPE_API_BASE!).port, protocol: 'http' });
      const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: env.STRIPE_PRICE_SINGLE_FLIGHT!, quantity: 1 }], success_url: `${appUrl}/s`, client_reference_id: 'usr_nobody', metadata: { clerkUserId: 'user_nobody' } });
      sessionId = session.id;
    }
    const payload = JSON.stringify({ id: `evt_adv_${sessionId}`, object: 'event', type: c.kind === 'unknown-type' ? 'invoice.paid' : 'checkout.session.completed', data: { object: { id: sessionId } } });
    const secret = c.kind === 'wrong-secret' ? 'whsec_attacker' : env.STRIPE_WEBHOOK_SECRET!;
    let signature: string | null = await signer.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp: c.kind === 'stale' ? Math.floor(Date.now() / 1000) - 600 : undefined });
    if (c.kind === 'missing') signature = null;
    if (c.kind === 'garbage') signature = 'not-a-signature';
    if (c.kind === 'v0-only') signature = signature?.replace('v1=', 'v0=') ?? null;
    const body = c.kind === 'tampered' ? payload.replace('checkout.session.completed', 'checkout.session.completed ') : payload;
    const response = await fetch(`${appUrl}/api/billing/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) } });
    const text = await leaks.read(response, `webhook response to "${c.name}"`);
    figures.bad_inputs++;
    expect(response.status).toBe(c.status);
    if (c.code) expect(JSON.parse(text)).toMatchObject({ error: { code: c.code } });
    const [row] = await stack.neon<{ n: string }[]>('query', 'select count(*)::text as n from purchases where stripe_checkout_session_id = $1', [sessionId]);
    expect(row?.n).toBe('0');
    figures.handled++;
  });
});

const checkout = async (token: string) =>
  fetch(`${appUrl}/api/billing/checkout`, { method: 'POST', redirect: 'manual', headers: { origin: appUrl, 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT }) });

describe('races', () => {
  // Stripe's test-mode rate (about 25 requests/s per endpoint): a 429 the app cannot retry away inside its budget must
  // surface as 503 + Retry-After, never as a 502 or a second customer.
  const rateLimited = async () => (await stack.stripe<{ rateLimited?: boolean }[]>('log')).filter((r) => r.rateLimited).length;
  let limitedBefore = 0;
  beforeAll(async () => {
    limitedBefore = await rateLimited();
    await stack.stripe('setRateLimit', 25);
  });
  afterAll(async () => {
    await stack.stripe('setRateLimit', null);
    figures.rate_limited += (await rateLimited()) - limitedBefore;
  });
  const expectAdmittedOrBusy = (responses: Response[]) => {
    for (const r of responses) {
      expect([303, 503]).toContain(r.status);
      if (r.status === 503) expect(r.headers.get('retry-after')).toBe('1');
    }
    return responses.filter((r) => r.status === 303);
  };
  const customersOf = async (userId: string) => (await stack.stripe<{ id: string; metadata: Record<string, string> }[]>('customers')).filter((c) => c.metadata.clerkUserId === userId);

  it('50 concurrent first checkouts by one new buyer: one customer, every answer a 303 to a session for it or a 503 + Retry-After', async () => {
    const userId = newClerkUserId('race1');
    const token = await stack.mintToken({ userId, email: `${userId}@example.com` });
    const responses = await Promise.all(Array.from({ length: 50 }, () => checkout(token)));
    figures.races++;
    const customers = await customersOf(userId);
    figures.duplicates += Math.max(0, customers.length - 1);
    const admitted = expectAdmittedOrBusy(responses);
    expect(customers).toHaveLength(1);
    const sessions = await Promise.all(admitted.map((r) => stack.stripe<{ customer: string }>('getSession', r.headers.get('location')!.split('/').pop())));
    expect(new Set(sessions.map((s) => s.customer))).toEqual(new Set([customers[0]!.id]));
    const [row] = await stack.neon<{ stripe_customer_id: string }[]>('query', 'select stripe_customer_id from users where clerk_user_id = $1', [userId]);
    expect(row?.stripe_customer_id).toBe(customers[0]!.id);
  });

  it('50 different new buyers at once: 50 customers, no cross-talk', async () => {
    const users = Array.from({ length: 50 }, () => newClerkUserId('race50'));
    const responses = await Promise.all(users.map(async (u) => checkout(await stack.mintToken({ userId: u, email: `${u}@example.com` }))));
    figures.races++;
    expectAdmittedOrBusy(responses);
    const all = await stack.stripe<{ id: string; metadata: Record<string, string> }[]>('customers');
    for (const [i, u] of users.entries()) {
      const mine = all.filter((c) => c.metadata.clerkUserId === u);
      figures.duplicates += Math.max(0, mine.length - 1);
      // A buyer turned away with 503 may or may not have got as far as the customer create; never to two.
      expect(mine.length).toBeLessThanOrEqual(1);
      if (responses[i]!.status !== 303) continue;
      expect(mine).toHaveLength(1);
      const session = await stack.stripe<{ customer: string; metadata: { clerkUserId: string } }>('getSession', responses[i]!.headers.get('location')!.split('/').pop());
      expect(session).toMatchObject({ customer: mine[0]!.id, metadata: { clerkUserId: u } });
    }
  });

  it('50 spends of 1 at once against a balance of 10, half by the buyer, half by the booking service: 10 granted, balance 0', async () => {
    const userId = newClerkUserId('racespend');
    const token = await stack.mintToken({ userId, email: `${userId}@example.com` });
    await stack.neon('query', 'insert into users (id, clerk_user_id, email) values ($1, $2, $3)', [`usr_${userId}`, userId, `${userId}@example.com`]);
    await giveCredits((await servicesFromStack()).db, `usr_${userId}`, 10, `adv:${userId}`);
    const spend = (i: number) =>
      fetch(`${appUrl}/api/credits/${i % 2 ? 'service/' : ''}spend`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `adv-${i}`, authorization: `Bearer ${i % 2 ? env.CREDITS_SERVICE_SECRET : token}` },
        body: JSON.stringify({ credits: 1, ...(i % 2 ? { buyer: userId } : {}) }),
      });
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => spend(i)));
    for (const r of responses) await leaks.read(r, 'spend race response');
    figures.races++;
    const granted = responses.filter((r) => r.status === 201).length;
    const [row] = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
    figures.overdrafts += Math.max(0, granted - 10) + Math.max(0, -(row?.credit_balance ?? 0));
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), ...Array(40).fill(409)]);
    expect(row?.credit_balance).toBe(0);
  });

  it('webhook deliveries and success-page loads fulfilling one session at the same instant credit it once', async () => {
    for (let round = 0; round < 5; round++) {
      const userId = newClerkUserId('race-fulfil');
      const iat = Math.floor(Date.now() / 1000) - 5;
      const token = await stack.mintToken({ userId, email: `${userId}@example.com`, issuedAt: iat });
      const sessionId = (await checkout(token)).headers.get('location')!.split('/').pop()!;
      await stack.stripe('completeSession', sessionId);
      const payload = JSON.stringify({ id: `evt_race_${sessionId}`, object: 'event', type: 'checkout.session.completed', data: { object: { id: sessionId } } });
      const header = await signer.webhooks.generateTestHeaderStringAsync({ payload, secret: env.STRIPE_WEBHOOK_SECRET! });
      await Promise.all([
        ...Array.from({ length: 5 }, () => fetch(`${appUrl}/api/billing/webhook`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } })),
        ...Array.from({ length: 5 }, () => fetch(`${appUrl}/purchase/success?session_id=${sessionId}`, { headers: { cookie: `__session=${token}; __client_uat=${iat}` } })),
      ]);
      await stack.stripe('webhooksIdle');
      figures.races++;
      const [row] = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
      figures.duplicates += Math.max(0, (row?.credit_balance ?? 0) - 1);
      expect(row?.credit_balance).toBe(1);
    }
  });

});

// The webhook's reversal race with Stripe unthrottled: the test's own setup reads Stripe directly, and the race is about
// concurrent deliveries, not rate limits (those are the checkout races' subject above).
describe('reversal races', () => {
  it('refund and dispute events (each type, 5 times, all at once) move each cause once', { timeout: 60_000 }, async () => {
    const stripe = async <T>(method: string, path: string, body?: string) =>
      (await (await fetch(`${env.STRIPE_API_BASE}${path}`, { method, body, headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' } })).json()) as T;
    for (let round = 0; round < 3; round++) {
      const userId = newClerkUserId('race-reverse');
      const token = await stack.mintToken({ userId, email: `${userId}@example.com` });
      const sessionId = (await checkout(token)).headers.get('location')!.split('/').pop()!;
      await stack.stripe('completeSession', sessionId);
      const { payment_intent: intent } = await stripe<{ payment_intent: string }>('GET', `/v1/checkout/sessions/${sessionId}`);
      const { latest_charge: charge } = await stripe<{ latest_charge: string }>('GET', `/v1/payment_intents/${intent}`);
      const refund = await stripe<{ id: string }>('POST', '/v1/refunds', `charge=${charge}&amount=3950`);
      const dispute = await stack.stripe<string>('openDispute', charge);
      const events = [
        ['checkout.session.completed', { id: sessionId, object: 'checkout.session' }],
        ['charge.refunded', { id: charge, object: 'charge' }],
        ['refund.created', { id: refund.id, object: 'refund', charge }],
        ['charge.dispute.created', { id: dispute, object: 'dispute' }],
        ['charge.dispute.funds_withdrawn', { id: dispute, object: 'dispute' }],
      ] as const;
      const deliveries = events.flatMap(([type, object], i) => Array.from({ length: 5 }, async () => {
        const payload = JSON.stringify({ id: `evt_reverse_${round}_${i}`, object: 'event', type, data: { object } });
        const header = await signer.webhooks.generateTestHeaderStringAsync({ payload, secret: env.STRIPE_WEBHOOK_SECRET! });
        return fetch(`${appUrl}/api/billing/webhook`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
      }));
      expect((await Promise.all(deliveries)).map((r) => r.status)).toEqual(Array(deliveries.length).fill(200));
      await stack.stripe('webhooksIdle');
      figures.reversal_races++;
      const entries = await stack.neon<{ kind: string }[]>('query', 'select e.kind from credit_entries e join users u on u.id = e.user_id where u.clerk_user_id = $1', [userId]);
      figures.reversal_duplicates += Math.max(0, entries.length - 3);
      expect(entries.map((e) => e.kind).sort()).toEqual(['dispute_withdrawn', 'purchase', 'refund']);
    }
  });
});
