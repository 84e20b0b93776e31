// The purchase history page over HTTP (the real app): the owner sees each purchase with its status and a receipt
// link that leads to Stripe's receipt; another buyer sees none of it, and their receipt link is a 404.
import { beforeAll, describe, expect, it } from 'vitest';
import { appAndEnv, sessionCookie } from '../support/app-session';
import { newClerkUserId, stack } from '../support/stack';

let appUrl: string;
let env: Record<string, string>;
beforeAll(async () => {
  [appUrl, env] = await appAndEnv();
}, 240_000);
const cookieFor = sessionCookie;

async function buy(cookie: string, priceId: string) {
  const response = await fetch(`${appUrl}/api/billing/checkout`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie, origin: appUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: `priceId=${priceId}`,
  });
  const sessionId = response.headers.get('location')!.split('/').pop()!;
  await stack.stripe('completeSession', sessionId);
  // The success page credits it for its owner, whatever the webhook is doing.
  expect((await fetch(`${appUrl}/purchase/success?session_id=${sessionId}`, { headers: { cookie } })).status).toBe(200);
  return sessionId;
}

const get = (path: string, cookie?: string) => fetch(`${appUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('/purchases', () => {
  it('lists the owner’s purchases with status, amounts and a working receipt link; refunds show', { timeout: 60_000 }, async () => {
    const owner = newClerkUserId('history');
    const cookie = await cookieFor(owner);
    await buy(cookie, env.STRIPE_PRICE_SINGLE_FLIGHT!);
    const refundedSession = await buy(cookie, env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!);
    const intent = (await stack.stripe<{ payment_intent: string }>('getSession', refundedSession)).payment_intent;
    // Refund through the emulator's API as the Dashboard would; the emulator delivers charge.refunded to the app.
    const refund = await fetch(`${env.STRIPE_API_BASE}/v1/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `payment_intent=${intent}`,
    });
    expect(refund.status).toBe(200);
    await stack.stripe('webhooksIdle');

    const response = await get('/purchases', cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Single Flight Workshop');
    expect(html).toContain('Serial Entrepreneur Pack');
    expect(html).toContain('$149.00');
    expect(html).toMatch(/data-testid="status">refunded/);
    expect(html).toMatch(/data-testid="balance">1</);
    const receiptPath = /href="(\/purchases\/pur_[a-z0-9]+\/receipt)"/.exec(html)?.[1];
    expect(receiptPath).toBeDefined();
    const receipt = await get(receiptPath!, cookie);
    expect(receipt.status).toBe(303);
    const location = receipt.headers.get('location')!;
    expect(location.startsWith(`${env.STRIPE_API_BASE}/receipts/ch_`)).toBe(true);
    expect((await fetch(location)).status).toBe(200);

    // Another buyer, and a signed-out visitor: nothing of the owner's, and the receipt link is a 404; signed out, the
    // history asks to sign in.
    const other = await cookieFor(newClerkUserId('stranger'));
    const theirs = await (await get('/purchases', other)).text();
    for (const detail of ['Serial Entrepreneur Pack', '$149.00', receiptPath!]) expect(theirs).not.toContain(detail);
    expect((await get(receiptPath!, other)).status).toBe(404);
    expect((await get(receiptPath!)).status).toBe(404);
    const signedOut = await get('/purchases');
    expect(signedOut.status).toBe(200);
    const asked = await signedOut.text();
    expect(asked).toContain('Sign in to see your purchases');
    for (const detail of ['Serial Entrepreneur Pack', receiptPath!]) expect(asked).not.toContain(detail);
  });
});
