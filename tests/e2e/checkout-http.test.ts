// The real app over HTTP: `vercel build` + `next start`, the real proxy.ts and edge routes, on the local stack.
// Every response is scanned for leaks, and so is everything the app printed.
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { leakCheck } from '../support/leaks';
import { newClerkUserId, stack } from '../support/stack';

let appUrl: string;
let env: Record<string, string>;
beforeAll(async () => {
  [appUrl, env] = await Promise.all([stack.app(), stack.env()]);
});
const leaks = leakCheck({ appOutput: true });

async function post(body: BodyInit, headers: Record<string, string>) {
  const response = await fetch(`${appUrl}/api/billing/checkout`, { method: 'POST', redirect: 'manual', body, headers: { 'content-type': 'application/json', origin: appUrl, ...headers } });
  await leaks.read(response.clone(), `checkout ${response.status}`);
  return response;
}
// The app project runs its files one at a time, so the emulator's log moves only for this file's requests.
const stripeLogLength = async () => (await stack.stripe<unknown[]>('log')).length;
const bearer = async (userId: string) => ({ authorization: `Bearer ${await stack.mintToken({ userId, email: `${userId}@example.com` })}` });
const sessionIdOf = (response: Response) => response.headers.get('location')!.split('/').pop()!;

interface Session { id: string; customer: string; metadata: Record<string, string>; success_url: string; cancel_url: string; client_reference_id: string }

describe('next start: POST /api/billing/checkout', () => {
  it('answers 303 to the emulator’s hosted page for a bearer token, and the emulator recorded the session', async () => {
    const userId = newClerkUserId('e2e');
    const token = await stack.mintToken({ userId, email: `${userId}@example.com` });
    const response = await post(JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT }), { authorization: `Bearer ${token}` });
    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const location = response.headers.get('location')!;
    expect(location.startsWith(`${env.STRIPE_API_BASE}/c/pay/cs_test_`)).toBe(true);
    const session = await stack.stripe<Session>('getSession', location.split('/').pop());
    expect(session).toMatchObject({
      metadata: { clerkUserId: userId, creditQty: '1', productType: 'Single Flight Workshop' },
      success_url: `${appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/purchase/cancel`,
    });
    expect(session.customer).toMatch(/^cus_/);
  });

  it('authenticates a browser’s __session cookie through the middleware', async () => {
    const userId = newClerkUserId('cookie');
    const iat = Math.floor(Date.now() / 1000) - 5;
    const token = await stack.mintToken({ userId, email: `${userId}@example.com`, issuedAt: iat });
    const response = await post(`{"priceId":"${env.STRIPE_PRICE_SINGLE_FLIGHT}"}`, { cookie: `__session=${token}; __client_uat=${iat}`, accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { url: string }).url).toContain('/c/pay/cs_test_');
  });

  it('answers 401 JSON when signed out and 403 for a cross-site form post, and neither reaches Stripe', async () => {
    const before = await stripeLogLength();
    const signedOut = await post(`{"priceId":"${env.STRIPE_PRICE_SINGLE_FLIGHT}"}`, {});
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const crossSite = await post(`priceId=${env.STRIPE_PRICE_SINGLE_FLIGHT}`, { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', ...(await bearer(newClerkUserId('xsite'))) });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: { code: 'forbidden_origin' } });
    expect(await stripeLogLength()).toBe(before);
  });

  it('answers 303 to a multipart form post', async () => {
    const form = new FormData();
    form.set('priceId', env.STRIPE_PRICE_SINGLE_FLIGHT!);
    const response = await fetch(`${appUrl}/api/billing/checkout`, { method: 'POST', redirect: 'manual', body: form, headers: { origin: appUrl, ...(await bearer(newClerkUserId('multipart'))) } });
    await leaks.read(response.clone());
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/\/c\/pay\/cs_test_/);
  });

  it('takes a 4096-byte body and refuses a 4097-byte one with 413 body_too_large, without calling Stripe', async () => {
    const sized = (bytes: number) => {
      const head = `{"priceId":"${env.STRIPE_PRICE_SINGLE_FLIGHT}","pad":"`;
      return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
    };
    expect(new TextEncoder().encode(sized(4096)).length).toBe(4096);
    expect((await post(sized(4096), await bearer(newClerkUserId('size4096')))).status).toBe(303);
    const before = await stripeLogLength();
    const tooLarge = await post(sized(4097), await bearer(newClerkUserId('size4097')));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: { code: 'body_too_large' } });
    expect(await stripeLogLength()).toBe(before);
  });

  it('sends Server-Timing through next start and prints exactly one log line per request, without secrets', async () => {
    const requestId = `req-${newClerkUserId('log')}`;
    // A buyer Clerk knows, so the background save of billing ids to Clerk succeeds (a failure there logs its own line).
    const userId = newClerkUserId('timing');
    await stack.clerk('addUser', { id: userId, email: `${userId}@example.com` });
    const response = await post(JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT }), { ...(await bearer(userId)), 'x-request-id': requestId });
    expect(response.status).toBe(303);
    expect(response.headers.get('server-timing')).toMatch(/auth;dur=[\d.]+.*stripe;dur=[\d.]+.*total;dur=[\d.]+/);
    const refused = await post('{', { ...(await bearer(newClerkUserId('timing-bad'))), 'x-request-id': `${requestId}-bad` });
    expect(refused.status).toBe(400);
    const lines = (await stack.call<string>('stack', 'appOutput')).split('\n');
    const mine = (id: string) => lines.filter((line) => line.includes(`"requestId":"${id}"`)).map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
    expect(mine(requestId)).toEqual([expect.objectContaining({ requestId, status: 303 })]);
    expect(mine(`${requestId}-bad`)).toEqual([expect.objectContaining({ status: 400, outcome: 'invalid_body' })]);
    expect(leaks.scan(lines.filter((line) => line.includes(requestId)).join('\n'), 'the two requests’ log lines')).toBe(0);
  });

  it('answers 502 auth_unavailable when Clerk’s Backend API fails for a new buyer whose token has no email, then recovers', async () => {
    const userId = newClerkUserId('noemail');
    await stack.clerk('addUser', { id: userId, email: `${userId}@clerk.example` });
    const token = await stack.mintToken({ userId });
    const body = JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT });
    // Only this buyer's read: background metadata saves of earlier requests may still reach the stand-in.
    await stack.clerk('failNext', 1, 'error500', { method: 'GET', path: `/v1/users/${userId}` });
    const failed = await post(body, { authorization: `Bearer ${token}` });
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ error: { code: 'auth_unavailable', message: expect.any(String) } });
    const retried = await post(body, { authorization: `Bearer ${token}` });
    expect(retried.status).toBe(303);
    const session = await stack.stripe<{ customer: string }>('getSession', sessionIdOf(retried));
    const customer = (await stack.stripe<{ id: string; email: string }[]>('customers')).find((c) => c.id === session.customer);
    expect(customer?.email).toBe(`${userId}@clerk.example`);
  });

  it('credits the buyer once when they pay on the hosted page, however often Stripe delivers the event', async () => {
    const userId = newClerkUserId('loop');
    const token = await stack.mintToken({ userId, email: `${userId}@example.com` });
    const response = await post(JSON.stringify({ priceId: env.STRIPE_PRICE_SERIAL_ENTREPRENEUR }), { authorization: `Bearer ${token}` });
    const sessionId = response.headers.get('location')!.split('/').pop()!;
    const paid = await fetch(`${env.STRIPE_API_BASE}/c/pay/${sessionId}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`${appUrl}/purchase/success?session_id=${sessionId}`);
    await stack.stripe('webhooksIdle');
    const deliveries = (await stack.stripe<{ sessionId: string; status: number | null }[]>('deliveries')).filter((d) => d.sessionId === sessionId);
    expect(deliveries.at(-1)?.status).toBe(200);
    const balance = async () => (await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]))[0]?.credit_balance;
    expect(await balance()).toBe(3);
    // Stripe redelivers: the same event again, twice in a row and three times at once.
    const payload = JSON.stringify({ id: `evt_replay_${sessionId}`, object: 'event', type: 'checkout.session.completed', data: { object: { id: sessionId } } });
    const signer = new Stripe('sk_test_unused', { httpClient: Stripe.createFetchHttpClient() });
    const replay = async () => {
      const header = await signer.webhooks.generateTestHeaderStringAsync({ payload, secret: env.STRIPE_WEBHOOK_SECRET! });
      const response = await fetch(`${appUrl}/api/billing/webhook`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
      return { status: response.status, body: JSON.parse(await leaks.read(response, 'webhook replay')) as unknown };
    };
    expect([await replay(), await replay()]).toEqual(Array(2).fill({ status: 200, body: { received: true, outcome: 'already_credited' } }));
    expect(await Promise.all([replay(), replay(), replay()])).toEqual(Array(3).fill({ status: 200, body: { received: true, outcome: 'already_credited' } }));
    expect(await balance()).toBe(3);
  });
});

describe('next start: the webhook and the cancel page', () => {
  it('fulfils a webhook whatever Origin it carries (Stripe is not a browser)', async () => {
    const userId = newClerkUserId('origin');
    const response = await post(JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT }), await bearer(userId));
    const sessionId = sessionIdOf(response);
    await stack.stripe('completeSession', sessionId);
    const payload = JSON.stringify({ id: `evt_origin_${sessionId}`, object: 'event', type: 'checkout.session.completed', data: { object: { id: sessionId } } });
    const signer = new Stripe('sk_test_unused', { httpClient: Stripe.createFetchHttpClient() });
    const header = await signer.webhooks.generateTestHeaderStringAsync({ payload, secret: env.STRIPE_WEBHOOK_SECRET! });
    const delivered = await fetch(`${appUrl}/api/billing/webhook`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header, origin: 'https://evil.example' } });
    expect(delivered.status).toBe(200);
    expect(JSON.parse(await leaks.read(delivered, 'webhook with Origin'))).toMatchObject({ received: true, outcome: expect.stringMatching(/^(credited|already_credited)$/) });
    const [row] = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
    expect(row?.credit_balance).toBe(1);
  });

  it('/purchase/cancel says nothing was charged', async () => {
    const response = await fetch(`${appUrl}/purchase/cancel`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await leaks.read(response, 'cancel page');
    expect(html).toContain('Checkout cancelled');
    expect(html).toContain('Nothing was charged.');
  });
});
