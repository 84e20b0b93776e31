// The issue's production case over HTTP against `next start` (pk_live_ key, 60 s tokens): a Buy Now form posted with
// an expired token, every redirect followed like a browser (one cookie jar for localhost, so the Clerk stand-in's
// handshake runs as Clerk's would), ends on a signed-in Continue page; Continue then goes to Stripe's hosted page.
import { beforeAll, describe, expect, it } from 'vitest';
import { BrowserLike } from '../support/browser-like';
import { newClerkUserId, stack } from '../support/stack';

let appUrl: string;
let env: Record<string, string>;
beforeAll(async () => {
  [appUrl, env] = await Promise.all([stack.app(), stack.env()]);
}, 240_000);

const now = () => Math.floor(Date.now() / 1000);

/** Signs a new user in on the stand-in's page, then backdates the session's token as if the buyer read for 2 minutes. */
async function signedInWithExpiredToken(tab: BrowserLike, userId: string) {
  await stack.clerk('addUser', { id: userId, email: `${userId}@example.com` });
  await tab.navigate(`${env.NEXT_PUBLIC_SIGN_IN_URL}`, {
    method: 'POST',
    body: new URLSearchParams({ user_id: userId, redirect_url: `${appUrl}/` }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const sid = (JSON.parse(Buffer.from(tab.cookies.get('__session')!.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
  const iat = now() - 120;
  tab.cookies.set('__session', await stack.mintToken({ userId, sessionId: sid, email: `${userId}@example.com`, issuedAt: iat, ttlSeconds: 60 }));
  tab.cookies.set('__client_uat', String(iat));
  return sid;
}

describe('next start: Buy Now with an expired session token', () => {
  it('303s to /?buy=, refreshes through the handshake, shows Continue signed in, and Continue reaches Stripe', async () => {
    const tab = new BrowserLike();
    const userId = newClerkUserId('expired');
    const sid = await signedInWithExpiredToken(tab, userId);
    tab.hops.length = 0;
    const price = env.STRIPE_PRICE_SINGLE_FLIGHT!;

    const page = await tab.navigate(`${appUrl}/api/billing/checkout`, {
      method: 'POST',
      body: `priceId=${price}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appUrl },
    });
    expect(page.status).toBe(200);
    const stops = tab.hops.map((h) => `${h.method} ${new URL(h.url).port === new URL(appUrl).port ? 'app' : 'clerk'}${new URL(h.url).pathname} ${h.status}`);
    expect(stops).toEqual(['POST app/api/billing/checkout 303', 'GET app/ 307', 'GET clerk/v1/client/handshake 307', 'GET app/ 200']);
    expect(tab.hops[0]!.location).toBe(`${appUrl}/?buy=${price}`);
    const html = await page.text();
    expect(html).toContain('Continue: <!-- -->Single Flight Workshop<!-- -->, <!-- -->$79.00');
    expect(html).toContain(`Signed in as <strong data-testid="account-email">${userId}@example.com</strong>`);
    expect(html).not.toContain('"error"');
    // The refreshed token is the same session's, fresh, for this app.
    const claims = JSON.parse(Buffer.from(tab.cookies.get('__session')!.split('.')[1]!, 'base64url').toString()) as { sid: string; exp: number; azp: string };
    expect(claims.sid).toBe(sid);
    expect(claims.exp).toBeGreaterThan(now());
    expect(claims.azp).toBe(appUrl);
    expect(tab.cookies.has('__clerk_handshake_nonce')).toBe(false);

    // The one click: Continue posts the same form with the refreshed cookie.
    tab.hops.length = 0;
    const stripePage = await tab.navigate(`${appUrl}/api/billing/checkout`, { method: 'POST', body: `priceId=${price}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appUrl } });
    expect(tab.hops.map((h) => h.status)).toEqual([303, 200]);
    expect(tab.hops[1]!.url).toMatch(new RegExp(`^${env.STRIPE_API_BASE}/c/pay/cs_test_`));
    expect(await stripePage.text()).toContain('Single Flight Workshop');
  });

  it('ends on a signed-out page with a sign-in link back to the chosen pack when the session is gone', async () => {
    const tab = new BrowserLike();
    await signedInWithExpiredToken(tab, newClerkUserId('gone'));
    await stack.clerk('failNextHandshake', 1, 'no_session');
    tab.hops.length = 0;
    const price = env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!;
    const page = await tab.navigate(`${appUrl}/api/billing/checkout`, { method: 'POST', body: `priceId=${price}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appUrl } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Sign in to continue');
    expect(html).toContain(`${env.NEXT_PUBLIC_SIGN_IN_URL}?redirect_url=${encodeURIComponent(`${appUrl}/?buy=${price}`)}`.replaceAll('&', '&amp;'));
    // One handshake, then signed out on the page: no loop.
    expect(tab.hops.map((h) => h.status)).toEqual([303, 307, 307, 200]);
    expect(tab.cookies.get('__client_uat')).toBe('0');
  });

  it('answers the bad-price form post with the pricing page and our notice, and a cross-site post with a 403 page', async () => {
    const tab = new BrowserLike();
    const userId = newClerkUserId('notice');
    tab.cookies.set('__session', await stack.mintToken({ userId, email: `${userId}@example.com`, issuedAt: now() - 1 }));
    tab.cookies.set('__client_uat', String(now() - 1));
    const page = await tab.navigate(`${appUrl}/api/billing/checkout`, { method: 'POST', body: 'priceId=price_%3Cscript%3E', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appUrl } });
    expect(page.status).toBe(200);
    expect(tab.hops[0]!.location).toBe(`${appUrl}/?notice=invalid_price`);
    const html = await page.text();
    expect(html).toContain('That pack is not on sale.');
    expect(html).not.toContain('price_<script>');
    const crossSite = await tab.navigate(`${appUrl}/api/billing/checkout`, { method: 'POST', body: `priceId=${env.STRIPE_PRICE_SINGLE_FLIGHT}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('signs out: the session is revoked at the stand-in and the page is signed out', async () => {
    const tab = new BrowserLike();
    const userId = newClerkUserId('signout');
    await stack.clerk('addUser', { id: userId, email: `${userId}@example.com` });
    await tab.navigate(`${env.NEXT_PUBLIC_SIGN_IN_URL}`, { method: 'POST', body: new URLSearchParams({ user_id: userId, redirect_url: `${appUrl}/` }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const before = (await stack.clerk<{ path: string; status: number }[]>('log')).length;
    const page = await tab.navigate(`${appUrl}/sign-out`, { method: 'POST', body: '', headers: { origin: appUrl, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(page.status).toBe(200);
    const revokes = (await stack.clerk<{ method: string; path: string; status: number }[]>('log')).slice(before).filter((r) => r.path.endsWith('/revoke'));
    expect(revokes).toEqual([expect.objectContaining({ method: 'POST', status: 200 })]);
    expect(tab.cookies.get('__client_uat')).toBe('0');
    expect(tab.cookies.has('__session')).toBe(false);
    expect(await page.text()).toContain('Sign in to buy');
  });
});
