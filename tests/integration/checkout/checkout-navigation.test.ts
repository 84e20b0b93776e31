// The checkout core's answers to a browser navigation (a native form post), through real token verification, the
// real stripe SDK and the local stack: pages and redirects to pages, never JSON; API callers keep the JSON contract.
import { beforeAll, describe, expect, it } from 'vitest';
import { handleCheckout } from '@/lib/checkout/handle-checkout';
import { createStripeClient } from '@/lib/http/stripe';
import { checkoutHarness, stripeRequestsFor } from '../../support/checkout';
import { newClerkUserId, stack } from '../../support/stack';

type Harness = Awaited<ReturnType<typeof checkoutHarness>>;
let h: Harness;
beforeAll(async () => {
  h = await checkoutHarness();
});

const now = () => Math.floor(Date.now() / 1000);
const single = () => h.env.STRIPE_PRICE_SINGLE_FLIGHT!;
// What Chromium sends for a Buy Now form post from the pricing page.
const FORM_NAVIGATION = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'sec-fetch-site': 'same-origin',
};

/** A browser's cookie for the user: a fresh token, or one that expired two minutes ago (as after reading the page). */
async function sessionCookie(userId: string, state: 'fresh' | 'expired' | 'other-origin' = 'fresh') {
  const issuedAt = state === 'expired' ? now() - 120 : now() - 1;
  const token = await stack.mintToken({
    userId,
    email: `${userId}@example.com`,
    issuedAt,
    ttlSeconds: 60,
    ...(state === 'other-origin' && { claims: { azp: 'https://other-app.example' } }),
  });
  return `__session=${token}; __client_uat=${issuedAt}`;
}

function post(body: string, headers: Record<string, string>, deps = h.deps) {
  return handleCheckout(
      new Request(`${h.appUrl}/api/billing/checkout`, {
        method: 'POST',
        body,
        // An empty value leaves the header out (a browser without Sec-Fetch-*, a request without cookies).
        headers: Object.entries({ origin: new URL(h.appUrl).origin, 'content-type': 'application/x-www-form-urlencoded', ...FORM_NAVIGATION, ...headers }).filter(([, v]) => v !== ''),
      }),
      deps,
  );
}

const pricing = (query: string) => `${new URL('/', h.appUrl).href}${query}`;

describe('checkout core: answers to a browser navigation', () => {
  it('sends a signed-in form post to Stripe with a 303, as before', async () => {
    const response = await post(`priceId=${single()}`, { cookie: await sessionCookie(newClerkUserId('nav')) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${h.env.STRIPE_API_BASE}/c/pay/cs_test_`));
  });

  it('sends an expired or missing session to the pricing page carrying the chosen price, with no Stripe call', async () => {
    const userId = newClerkUserId('expired');
    for (const cookie of [await sessionCookie(userId, 'expired'), '', '__client_uat=0']) {
      const response = await post(`priceId=${single()}`, { cookie });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(pricing(`?buy=${single()}`));
      expect(response.headers.get('content-type')).toBeNull();
      expect(await response.text()).toBe('');
    }
    expect(await stripeRequestsFor(userId)).toEqual([]);
  });

  it('carries only a price of the map: an unknown or hostile priceId lands on the plain pricing page', async () => {
    for (const body of ['priceId=price_unknown', `priceId=${encodeURIComponent('"><script>alert(1)</script>')}`, 'priceId=__proto__', 'nothing=here', `priceId=${single()}&priceId=${single()}`]) {
      const response = await post(body, { cookie: '' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(pricing(''));
    }
  });

  it('treats a token minted for another origin as signed out (authorizedParties), on the page and for Bearer callers', async () => {
    const userId = newClerkUserId('azp');
    const page = await post(`priceId=${single()}`, { cookie: await sessionCookie(userId, 'other-origin') });
    expect(page.headers.get('location')).toBe(pricing(`?buy=${single()}`));
    const token = await stack.mintToken({ userId, claims: { azp: 'https://other-app.example' } });
    const api = await h.checkout({ token, body: h.priceBody(single()) });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(await stripeRequestsFor(userId)).toEqual([]);
  });

  it('answers a bad price or a bad body with a 303 to a notice code, never echoing the input', async () => {
    const cookie = await sessionCookie(newClerkUserId('bad'));
    const cases: [string, Record<string, string>, string][] = [
      ['priceId=price_%3Cb%3Eevil', {}, 'invalid_price'],
      [`priceId=${single()}&priceId=x`, {}, 'invalid_body'],
      [`priceId=${'x'.repeat(5000)}`, {}, 'body_too_large'],
      [`priceId=${single()}`, { 'content-type': 'text/plain' }, 'unsupported_media_type'],
    ];
    for (const [body, headers, code] of cases) {
      const response = await post(body, { cookie, ...headers });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(pricing(`?notice=${code}`));
    }
  });

  it('answers Stripe being down with a 303 to the stripe_unavailable notice', async () => {
    const userId = newClerkUserId('down');
    // A Stripe that refuses connections: the real SDK, no retries, pointed at a closed port.
    const stripe = createStripeClient({ secretKey: h.env.STRIPE_SECRET_KEY!, apiBase: 'http://127.0.0.1:9', maxNetworkRetries: 0, timeoutMs: 2_000 });
    const response = await post(`priceId=${single()}`, { cookie: await sessionCookie(userId) }, { ...h.deps, stripe });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(pricing('?notice=stripe_unavailable'));
  });

  it('refuses a cross-site form post with a 403 HTML page that links back', async () => {
    const response = await post(`priceId=${single()}`, { cookie: await sessionCookie(newClerkUserId('xsite')), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<h1>Checkout refused</h1>');
    expect(html).toContain(`<a href="${pricing('')}">Back to the pricing page</a>`);
    expect(html).not.toContain('evil.example');
  });

  it('keeps JSON for fetch, JSON and Bearer callers, even when they also accept HTML', async () => {
    const expired = await sessionCookie(newClerkUserId('api'), 'expired');
    const callers: Record<string, string>[] = [
      { cookie: expired, 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
      { cookie: expired, accept: 'application/json, text/html' },
      { cookie: expired, 'content-type': 'application/json', 'sec-fetch-mode': '', 'sec-fetch-dest': '' },
      { authorization: 'Bearer not.a.jwt' },
    ];
    for (const headers of callers) {
      const response = await post(headers['content-type'] === 'application/json' ? `{"priceId":"${single()}"}` : `priceId=${single()}`, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toEqual({ error: { code: 'unauthenticated', message: 'Sign in to buy credits.' } });
    }
    // No Sec-Fetch-Mode and no HTML in Accept (curl, old clients): JSON too.
    const curl = await post(`priceId=${single()}`, { cookie: expired, 'sec-fetch-mode': '', 'sec-fetch-dest': '', accept: '*/*' });
    expect(curl.status).toBe(401);
    // An older browser without Sec-Fetch-* but asking for HTML is a navigation.
    const old = await post(`priceId=${single()}`, { cookie: expired, 'sec-fetch-mode': '', 'sec-fetch-dest': '', accept: 'text/html' });
    expect(old.status).toBe(303);
  });
});
