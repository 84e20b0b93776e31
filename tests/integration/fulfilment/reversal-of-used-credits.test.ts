// The ledger's shortfall policy meets spending: a purchase refunded or disputed after its credits were spent or put on
// hold through the real credits core. Held credits count as used; the reversal takes back only what the balance holds
// and records the rest as shortfall, once however often the event is delivered.
import { beforeAll, describe, expect, it } from 'vitest';
import { creditsHarness } from '../../support/credits';
import { ledgerHarness, ledgerOf } from '../../support/ledger';
import { stack } from '../../support/stack';

let t: Awaited<ReturnType<typeof ledgerHarness>>;
let c: Awaited<ReturnType<typeof creditsHarness>>;
beforeAll(async () => {
  [t, c] = await Promise.all([ledgerHarness(), creditsHarness()]);
});

async function boughtThenUsed() {
  const p = await t.paidPurchase(t.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR, 'usedrev');
  expect((await t.deliver(t.completed(p.sessionId))).body.outcome).toBe('credited');
  const token = await stack.mintToken({ userId: p.userId, email: `${p.userId}@example.com` });
  expect((await c.call('spend', { token, body: { credits: 1 } })).status).toBe(201);
  const held = await c.call('holds', { token, body: { credits: 1 } });
  expect(held.status).toBe(201);
  const { hold } = (await held.json()) as { hold: { id: string } };
  return { ...p, token, holdId: hold.id };
}

describe('a reversal of credits already spent or held', () => {
  it('a full refund takes the one free credit and records the spent and the held one as shortfall, once', async () => {
    const p = await boughtThenUsed();
    await t.h.stripe.refunds.create({ charge: p.chargeId });
    await t.deliverRepeatedly([t.refunded(p.chargeId)]);
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 0,
      entries: [
        { kind: 'hold', credits: -1, shortfall: 0 },
        { kind: 'purchase', credits: 3, shortfall: 0 },
        { kind: 'refund', credits: -1, shortfall: 2 },
        { kind: 'spend', credits: -1, shortfall: 0 },
      ],
    });
    // The booking the hold was for still stands: confirming it moves nothing.
    expect((await c.call(`holds/${p.holdId}/confirm`, { token: p.token, key: null })).status).toBe(200);
    expect((await ledgerOf(p.userId)).balance).toBe(0);
  });

  it('a lost dispute does the same, and winning it puts back only what was taken', async () => {
    const p = await boughtThenUsed();
    const dispute = await stack.stripe<string>('openDispute', p.chargeId);
    await t.deliverRepeatedly([t.dispute('charge.dispute.funds_withdrawn', dispute)]);
    const withdrawn = await ledgerOf(p.userId);
    expect(withdrawn.balance).toBe(0);
    expect(withdrawn.entries.find((e) => e.kind === 'dispute_withdrawn')).toEqual({ kind: 'dispute_withdrawn', credits: -1, shortfall: 2 });
    await stack.stripe('closeDispute', dispute, 'won');
    await t.deliverRepeatedly([t.dispute('charge.dispute.funds_reinstated', dispute), t.dispute('charge.dispute.closed', dispute)]);
    const reinstated = await ledgerOf(p.userId);
    expect(reinstated.entries.filter((e) => e.kind === 'dispute_reinstated')).toEqual([{ kind: 'dispute_reinstated', credits: 1, shortfall: 0 }]);
    expect(reinstated.balance).toBe(1);
  });
});
