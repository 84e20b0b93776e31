// The checkout core against the local stack: real stripe SDK, neon driver + drizzle and Clerk token verification.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkoutHarness, stripeRequestsFor } from '../../support/checkout';
import { newClerkUserId, stack } from '../../support/stack';

type Harness = Awaited<ReturnType<typeof checkoutHarness>>;
let h: Harness;
beforeAll(async () => {
  h = await checkoutHarness();
});

const single = () => h.env.STRIPE_PRICE_SINGLE_FLIGHT!;
const token = (userId: string, claims: Record<string, unknown> = {}) => stack.mintToken({ userId, email: `${userId}@example.com`, claims });

interface SessionRecord { id: string; url: string; customer: string; client_reference_id: string; metadata: Record<string, string>; success_url: string; cancel_url: string; line_items?: unknown; mode: string }
const sessionById = (id: string) => stack.stripe<SessionRecord>('getSession', id);
const userRow = async (clerkUserId: string) =>
  (await stack.neon<Record<string, unknown>[]>('query', 'select * from users where clerk_user_id = $1', [clerkUserId]))[0];

describe('POST /api/billing/checkout (core)', () => {
  it('sends a signed-in buyer to Stripe with a 303 and records a session built only from server data', async () => {
    const userId = newClerkUserId();
    const callsBefore = h.stripeCalls();
    const response = await h.checkout({ token: await token(userId), body: JSON.stringify({ priceId: single(), quantity: 50, customer: 'cus_evil', success_url: 'https://evil.test' }) });
    expect(response.status).toBe(303);
    // The count the refusals below rely on does see calls: a new buyer costs a customer create and a session create
    // (no search: no earlier checkout marked the row).
    expect(h.stripeCalls() - callsBefore).toBe(2);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('server-timing')).toMatch(/auth;dur=.*db;dur=.*stripe;dur=.*total;dur=/);
    const location = response.headers.get('location')!;
    expect(location.startsWith(`${h.env.STRIPE_API_BASE}/c/pay/cs_test_`)).toBe(true);

    const session = await sessionById(location.split('/').pop()!);
    const row = await userRow(userId);
    expect(session).toMatchObject({
      mode: 'payment',
      customer: row!.stripe_customer_id,
      client_reference_id: row!.id,
      metadata: { clerkUserId: userId, creditQty: '1', productType: 'Single Flight Workshop' },
      success_url: `${h.appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${h.appUrl}/purchase/cancel`,
    });
    const created = (await stripeRequestsFor(userId)).find((r) => r.path === '/v1/checkout/sessions');
    expect(created?.body).toMatchObject({ line_items: [{ price: single(), quantity: '1' }] });
  });

  it('answers {url} to a JSON caller', async () => {
    const response = await h.checkout({ token: await token(newClerkUserId()), body: h.priceBody(single()), headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { url: string };
    expect(body.url).toContain('/c/pay/cs_test_');
  });

  it('accepts the priceId from a native HTML form post', async () => {
    const response = await h.checkout({ token: await token(newClerkUserId()), body: `priceId=${h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR}`, contentType: 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(303);
  });

  it('reuses the Stripe customer on a second checkout', async () => {
    const userId = newClerkUserId();
    const first = await h.checkout({ token: await token(userId), body: h.priceBody(single()) });
    const second = await h.checkout({ token: await token(userId), body: h.priceBody(single()) });
    expect([first.status, second.status]).toEqual([303, 303]);
    const creates = (await stripeRequestsFor(userId)).filter((r) => r.path === '/v1/customers');
    expect(creates).toHaveLength(1);
    const sessions = await Promise.all([first, second].map((r) => sessionById(r.headers.get('location')!.split('/').pop()!)));
    expect(sessions[0]!.customer).toBe(sessions[1]!.customer);
  });

  it('creates one customer for 20 concurrent first checkouts by a new buyer', async () => {
    const userId = newClerkUserId('concurrent');
    const jwt = await token(userId);
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.checkout({ token: jwt, body: h.priceBody(single()) })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(303));
    const customers = (await stack.stripe<{ id: string; metadata: Record<string, string> }[]>('customers')).filter((c) => c.metadata.clerkUserId === userId);
    expect(customers).toHaveLength(1);
    const row = await userRow(userId);
    expect(row!.stripe_customer_id).toBe(customers[0]!.id);
    const sessions = await Promise.all(responses.map((r) => sessionById(r.headers.get('location')!.split('/').pop()!)));
    expect(new Set(sessions.map((s) => s.customer))).toEqual(new Set([customers[0]!.id]));
  });

  it('creates the missing user row, with the email from the token, or from Clerk when the token has none', async () => {
    const withEmail = newClerkUserId();
    expect((await h.checkout({ token: await token(withEmail), body: h.priceBody(single()) })).status).toBe(303);
    expect(await userRow(withEmail)).toMatchObject({ email: `${withEmail}@example.com`, credit_balance: 0 });

    const clerkOnly = newClerkUserId('clerkonly');
    await stack.clerk('addUser', { id: clerkOnly, email: 'from-clerk@example.com' });
    const noEmailToken = await stack.mintToken({ userId: clerkOnly });
    expect((await h.checkout({ token: noEmailToken, body: h.priceBody(single()) })).status).toBe(303);
    expect(await userRow(clerkOnly)).toMatchObject({ email: 'from-clerk@example.com' });
  });

  it('writes the billing ids to Clerk metadata after a lazy customer creation, off the critical path', async () => {
    const userId = newClerkUserId('meta');
    await stack.clerk('addUser', { id: userId, email: 'meta@example.com' });
    await h.checkout({ token: await token(userId), body: h.priceBody(single()) });
    await h.settled();
    const user = (await stack.clerk<{ id: string; publicMetadata?: Record<string, string> }[]>('users')).find((u) => u.id === userId);
    const row = await userRow(userId);
    expect(user?.publicMetadata).toEqual({ stripeCustomerId: row!.stripe_customer_id, appUserId: row!.id });
  });

  it('uses the customer from the token claims without reading the database', async () => {
    const userId = newClerkUserId('claim');
    const first = await h.checkout({ token: await token(userId), body: h.priceBody(single()) });
    expect(first.status).toBe(303);
    const row = await userRow(userId);
    await stack.neon('clearLog');
    const response = await h.checkout({ token: await token(userId, { stripe_customer_id: row!.stripe_customer_id, app_user_id: row!.id }), body: h.priceBody(single()) });
    expect(response.status).toBe(303);
    expect(h.logs.at(-1)).toMatchObject({ customerSource: 'claim', status: 303 });
    expect(response.headers.get('server-timing')).not.toContain('db;');
  });
});

describe('POST /api/billing/checkout (core): refusals', () => {
  const cases: { name: string; status: number; code: string; signedIn?: boolean; body?: string; contentType?: string | null; headers?: Record<string, string>; method?: string }[] = [
    { name: 'signed out', status: 401, code: 'unauthenticated', signedIn: false, body: '{"priceId":"__SINGLE__"}' },
    { name: 'an invalid token', status: 401, code: 'unauthenticated', signedIn: false, headers: { authorization: 'Bearer not.a.jwt' }, body: '{"priceId":"__SINGLE__"}' },
    // A JSON `null` header or payload once reached the verifier as null and answered 502 auth_unavailable.
    { name: 'a forged token whose header is null', status: 401, code: 'unauthenticated', signedIn: false, headers: { authorization: 'Bearer bnVsbA.eyJzdWIiOiJ1c2VyX3gifQ.c2ln' }, body: '{"priceId":"__SINGLE__"}' },
    { name: 'a forged token whose payload is null', status: 401, code: 'unauthenticated', signedIn: false, headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.bnVsbA.c2ln' }, body: '{"priceId":"__SINGLE__"}' },
    { name: 'priceId missing', status: 400, code: 'invalid_price', body: '{}' },
    { name: 'priceId empty', status: 400, code: 'invalid_price', body: '{"priceId":""}' },
    { name: 'priceId a number', status: 400, code: 'invalid_price', body: '{"priceId":7900}' },
    { name: 'priceId an array', status: 400, code: 'invalid_price', body: '{"priceId":["__SINGLE__"]}' },
    { name: 'priceId unknown', status: 400, code: 'invalid_price', body: '{"priceId":"price_unknown"}' },
    { name: 'priceId a product id', status: 400, code: 'invalid_price', body: '{"priceId":"prod_local_single_flight"}' },
    { name: 'priceId padded', status: 400, code: 'invalid_price', body: '{"priceId":" __SINGLE__ "}' },
    { name: 'priceId __proto__', status: 400, code: 'invalid_price', body: '{"priceId":"__proto__"}' },
    { name: 'unparseable JSON', status: 400, code: 'invalid_body', body: '{"priceId":' },
    { name: 'a body over the cap', status: 413, code: 'body_too_large', body: JSON.stringify({ priceId: 'x'.repeat(10_000) }) },
    { name: 'text/plain', status: 415, code: 'unsupported_media_type', contentType: 'text/plain', body: '{"priceId":"__SINGLE__"}' },
    { name: 'no content type', status: 415, code: 'unsupported_media_type', contentType: null, body: '{"priceId":"__SINGLE__"}' },
    { name: 'a cross-site Origin', status: 403, code: 'forbidden_origin', headers: { origin: 'https://evil.example' }, body: '{"priceId":"__SINGLE__"}' },
    { name: 'a null Origin', status: 403, code: 'forbidden_origin', headers: { origin: 'null' }, body: '{"priceId":"__SINGLE__"}' },
    { name: 'GET', status: 405, code: 'method_not_allowed', method: 'GET' },
  ];

  it.each(cases)('answers $status $code for $name, with no Stripe call', async (c) => {
    const userId = newClerkUserId('refused');
    const callsBefore = h.stripeCalls();
    const response = await h.checkout({
      token: c.signedIn === false ? undefined : await token(userId),
      body: c.body?.replaceAll('__SINGLE__', single()),
      contentType: c.contentType,
      headers: c.headers,
      method: c.method,
    });
    expect(response.status).toBe(c.status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ error: { code: c.code, message: expect.any(String) } });
    await h.settled();
    expect(h.stripeCalls()).toBe(callsBefore);
  });
});
