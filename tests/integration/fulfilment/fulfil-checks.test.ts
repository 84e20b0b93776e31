// Fulfil only what we sold, and never lose a paid one: sessions not created by this server (a Payment-Link-style
// session with a forged client_reference_id), wrong amount, several items, a stale buyer id, a price retired from the
// configuration while its session was open, and a buyer who is gone — each credited or recorded as `unmatched`.
import { beforeAll, describe, expect, it } from 'vitest';
import { signCheckoutMarker } from '@/lib/checkout/checkout-marker';
import { fulfilCheckout } from '@/lib/fulfilment/fulfil-checkout';
import { ledgerHarness, ledgerOf } from '../../support/ledger';
import { newClerkUserId, stack } from '../../support/stack';

let t: Awaited<ReturnType<typeof ledgerHarness>>;
beforeAll(async () => {
  t = await ledgerHarness();
});

const unmatchedRow = async (sessionId: string) =>
  (await stack.neon<{ reason: string }[]>('query', 'select reason from unmatched_checkouts where stripe_checkout_session_id = $1', [sessionId]))[0]?.reason ?? null;

/** A buyer with a user row (made by a real checkout), for sessions created around the app. */
async function victim() {
  const p = await t.paidPurchase(t.h.env.STRIPE_PRICE_SINGLE_FLIGHT, 'victim');
  await t.deliver(t.completed(p.sessionId));
  const [row] = await stack.neon<{ id: string }[]>('query', 'select id from users where clerk_user_id = $1', [p.userId]);
  return { clerkUserId: p.userId, appUserId: row!.id };
}

async function foreignSession(params: { clientReferenceId: string; metadata: Record<string, string>; quantity?: number }) {
  const session = await t.h.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: t.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, quantity: params.quantity ?? 1 }],
    client_reference_id: params.clientReferenceId,
    metadata: params.metadata,
    success_url: 'https://elsewhere.example/thanks',
  });
  await stack.stripe('completeSession', session.id);
  return session.id;
}

describe('fulfil only what we sold', () => {
  it('a Payment-Link-style session naming a buyer in client_reference_id and metadata is not credited, but recorded and alerted', async () => {
    const v = await victim();
    const sessionId = await foreignSession({ clientReferenceId: v.appUserId, metadata: { clerkUserId: v.clerkUserId, creditQty: '3', marker: 'v1.forged' } });
    t.logs.length = 0;
    const results = await Promise.all([t.deliver(t.completed(sessionId)), t.deliver(t.completed(sessionId))]);
    expect(results.map((r) => r.body.outcome)).toEqual(['unmatched', 'unmatched']);
    expect(await ledgerOf(v.clerkUserId)).toMatchObject({ balance: 1 });
    expect(await unmatchedRow(sessionId)).toBe('not_ours');
    expect(t.logs.filter((l) => l.alert === 'unmatched_checkout' && l.reason === 'not_ours')).toHaveLength(2);
  });

  it('a genuine marker copied onto a session for another buyer does not verify', async () => {
    const v = await victim();
    const marker = await signCheckoutMarker(t.h.markerKey, {
      clerkUserId: 'user_attacker', appUserId: 'usr_attacker', priceId: t.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, creditQty: 3, amountCents: 14900, currency: 'usd',
    });
    const sessionId = await foreignSession({ clientReferenceId: v.appUserId, metadata: { clerkUserId: v.clerkUserId, creditQty: '3', amountCents: '14900', currency: 'usd', marker } });
    expect((await t.deliver(t.completed(sessionId))).body.outcome).toBe('unmatched');
    expect(await ledgerOf(v.clerkUserId)).toMatchObject({ balance: 1 });
  });

  it('our marker but a pre-discount amount other than the one signed: amount_mismatch', async () => {
    const v = await victim();
    const fields = { clerkUserId: v.clerkUserId, appUserId: v.appUserId, priceId: t.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, creditQty: 3, amountCents: 5000, currency: 'usd' };
    const marker = await signCheckoutMarker(t.h.markerKey, fields);
    const sessionId = await foreignSession({ clientReferenceId: v.appUserId, metadata: { clerkUserId: v.clerkUserId, creditQty: '3', amountCents: '5000', currency: 'usd', marker } });
    expect((await t.deliver(t.completed(sessionId))).body.outcome).toBe('unmatched');
    expect(await unmatchedRow(sessionId)).toBe('amount_mismatch');
  });

  it('our marker on a session with quantity 2: not_single_item', async () => {
    const v = await victim();
    const fields = { clerkUserId: v.clerkUserId, appUserId: v.appUserId, priceId: t.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, creditQty: 3, amountCents: 14900, currency: 'usd' };
    const marker = await signCheckoutMarker(t.h.markerKey, fields);
    const sessionId = await foreignSession({ quantity: 2, clientReferenceId: v.appUserId, metadata: { clerkUserId: v.clerkUserId, creditQty: '3', amountCents: '14900', currency: 'usd', marker } });
    expect((await t.deliver(t.completed(sessionId))).body.outcome).toBe('unmatched');
    expect(await unmatchedRow(sessionId)).toBe('not_single_item');
    expect(await ledgerOf(v.clerkUserId)).toMatchObject({ balance: 1 });
  });
});

describe('never lose a paid one', () => {
  it('a price retired from the configuration while its session was open is still credited with the credits it was sold for', async () => {
    const p = await t.paidPurchase();
    const rotated = t.h.prices.map((price) => (price.creditQty === 3 ? { ...price, priceId: 'price_rotated_serial' } : price));
    const result = await fulfilCheckout(p.sessionId, { ...t.deps, prices: rotated });
    // `already_credited` when the real app (up in a full run) received the emulator's own delivery first.
    expect(['credited', 'already_credited']).toContain(result.outcome);
    expect(result.price).toMatchObject({ priceId: t.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR, creditQty: 3 });
    expect(await ledgerOf(p.userId)).toEqual({ balance: 3, entries: [{ kind: 'purchase', credits: 3, shortfall: 0 }] });
  });

  /** A session as our checkout makes it (valid marker), for any buyer ids, made directly through the SDK. */
  async function ourSession(clerkUserId: string, appUserId: string) {
    const fields = { clerkUserId, appUserId, priceId: t.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, creditQty: 3, amountCents: 14900, currency: 'usd' };
    const marker = await signCheckoutMarker(t.h.markerKey, fields);
    return foreignSession({ clientReferenceId: appUserId, metadata: { clerkUserId, creditQty: '3', amountCents: '14900', currency: 'usd', marker } });
  }

  it('a stale app user id (the user row was re-created) credits the buyer found by their Clerk id', async () => {
    const v = await victim();
    const sessionId = await ourSession(v.clerkUserId, `usr_gone_${Date.now()}`);
    expect(['credited', 'already_credited']).toContain((await t.deliver(t.completed(sessionId))).body.outcome);
    expect(await ledgerOf(v.clerkUserId)).toMatchObject({ balance: 4 });
  });

  it('a buyer with no user row at all is recorded unmatched, and credited once the row is back', async () => {
    const clerkUserId = newClerkUserId('gone');
    const sessionId = await ourSession(clerkUserId, `usr_gone_${Date.now()}`);
    expect((await t.deliver(t.completed(sessionId))).body.outcome).toBe('unmatched');
    expect(await unmatchedRow(sessionId)).toBe('unknown_user');
    await stack.neon('query', `insert into users (id, clerk_user_id, email) values ('usr_back_' || md5(random()::text), $1, 'back@example.com')`, [clerkUserId]);
    expect(['credited', 'already_credited']).toContain((await t.deliver(t.completed(sessionId))).body.outcome);
    expect(await unmatchedRow(sessionId)).toBeNull();
    expect(await ledgerOf(clerkUserId)).toEqual({ balance: 3, entries: [{ kind: 'purchase', credits: 3, shortfall: 0 }] });
  });
});
