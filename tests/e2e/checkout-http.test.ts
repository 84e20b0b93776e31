// The real app over HTTP: `next build` + `next start`, the real middleware.ts and edge routes, on the local stack.
import { beforeAll, describe, expect, it } from 'vitest';
import { newClerkUserId, stack } from '../support/stack';

let appUrl: string;
let env: Record<string, string>;
beforeAll(async () => {
  [appUrl, env] = await Promise.all([stack.app(), stack.env()]);
}, 240_000);

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${appUrl}/api/billing/checkout`, { method: 'POST', redirect: 'manual', body, headers: { 'content-type': 'application/json', origin: appUrl, ...headers } });

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

  it('answers 401 JSON when signed out and 403 for a cross-site form post', async () => {
    const signedOut = await post(`{"priceId":"${env.STRIPE_PRICE_SINGLE_FLIGHT}"}`, {});
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const crossSite = await post('priceId=x', { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' });
    expect(crossSite.status).toBe(403);
  });

  it('credits the buyer once when they pay on the hosted page and Stripe calls the webhook', async () => {
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
    const [row] = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
    expect(row?.credit_balance).toBe(3);
  });
});
