// The success page over HTTP: the owner sees the credits (even before any webhook), anyone else gets a bare 404,
// and a reload never credits twice.
import { beforeAll, describe, expect, it } from 'vitest';
import { appAndEnv, sessionCookie } from '../support/app-session';
import { leakCheck } from '../support/leaks';
import { newClerkUserId, stack } from '../support/stack';

let appUrl: string;
let env: Record<string, string>;
beforeAll(async () => {
  [appUrl, env] = await appAndEnv();
});
const cookieFor = sessionCookie;

async function openSession(cookie: string) {
  const response = await fetch(`${appUrl}/api/billing/checkout`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie, origin: appUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: `priceId=${env.STRIPE_PRICE_SERIAL_ENTREPRENEUR}`,
  });
  return response.headers.get('location')!.split('/').pop()!;
}

const leaks = leakCheck({ appOutput: true });
async function page(sessionId: string, cookie?: string) {
  const response = await fetch(`${appUrl}/purchase/success?session_id=${sessionId}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  await leaks.read(response.clone(), `success page ${response.status}`);
  return response;
}
const balance = async (userId: string) =>
  (await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]))[0]?.credit_balance;

describe('/purchase/success', () => {
  // The webhook races the page here (the emulator delivers it too): whichever comes first credits, the other finds it done.
  it('shows the owner the purchase and the new balance, and a reload does not credit again', async () => {
    const userId = newClerkUserId('success');
    const cookie = await cookieFor(userId);
    const sessionId = await openSession(cookie);
    await stack.stripe('completeSession', sessionId);
    const first = await page(sessionId, cookie);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain('Serial Entrepreneur Pack');
    expect(html).toMatch(/data-testid="balance">3</);
    expect((await page(sessionId, cookie)).status).toBe(200);
    expect(await balance(userId)).toBe(3);
  });

  it('answers 404 with no detail to another signed-in user, to a signed-out visitor and for an unknown session', async () => {
    const owner = newClerkUserId('owner');
    const sessionId = await openSession(await cookieFor(owner));
    for (const response of [await page(sessionId, await cookieFor(newClerkUserId('other'))), await page(sessionId), await page('cs_test_nope', await cookieFor(owner))]) {
      expect(response.status).toBe(404);
      // Next's payload echoes the visitor's own URL (which already holds the id); nothing about the purchase may show.
      const text = await response.text();
      for (const detail of ['Serial Entrepreneur', '$149', 'data-testid="balance"', 'cus_', owner]) expect(text).not.toContain(detail);
    }
    expect(await balance(owner)).toBe(0);
  });

  it('a paid session that cannot be credited says "we are confirming", never "Thank you!", and credits nothing', async () => {
    const owner = newClerkUserId('unmatched');
    const cookie = await cookieFor(owner);
    await openSession(cookie);
    // Made around the app (no server marker), as a Payment Link would be, naming the owner.
    const created = await fetch(`${env.STRIPE_API_BASE}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ mode: 'payment', 'line_items[0][price]': env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, 'line_items[0][quantity]': '1', success_url: `${appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`, 'metadata[clerkUserId]': owner }),
    });
    const { id } = (await created.json()) as { id: string };
    await stack.stripe('completeSession', id);
    const response = await page(id, cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('We are confirming your purchase');
    expect(html).not.toContain('Thank you!');
    expect(await balance(owner)).toBe(0);
  });

  it('says an unpaid session is not complete without crediting', async () => {
    const owner = newClerkUserId('open');
    const cookie = await cookieFor(owner);
    const sessionId = await openSession(cookie);
    const response = await page(sessionId, cookie);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Checkout not finished');
    expect(await balance(owner)).toBe(0);
  });
});
