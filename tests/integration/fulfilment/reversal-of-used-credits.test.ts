// The ledger's policy meets spending: a purchase refunded or disputed after its credits were spent or put on hold
// through the real credits core. The reversal takes the balance first, then the unsettled hold (its confirm is then
// 409 hold_reversed), and records the rest (the spent credit) as debt, once however often the event is delivered; a
// won dispute gives back what was reversed, paying the debt first.
import { beforeAll, describe, expect, it } from 'vitest';
import { creditsHarness } from '../../support/credits';
import { ledgerHarness, ledgerOf } from '../../support/ledger';
import { stack } from '../../support/stack';

const debtOf = async (userId: string) =>
  (await stack.neon<{ credit_debt: number }[]>('query', 'select credit_debt from users where clerk_user_id = $1', [userId]))[0]!.credit_debt;

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
  it('a full refund takes the free credit, then the held one, and records the spent one as debt, once', async () => {
    const p = await boughtThenUsed();
    await t.h.stripe.refunds.create({ charge: p.chargeId });
    await t.deliverRepeatedly([t.refunded(p.chargeId)]);
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 0,
      entries: [
        { kind: 'hold', credits: -1, shortfall: 0 },
        { kind: 'hold_reversed', credits: 0, shortfall: 0 },
        { kind: 'purchase', credits: 3, shortfall: 0 },
        { kind: 'refund', credits: -1, shortfall: 1 },
        { kind: 'spend', credits: -1, shortfall: 0 },
      ],
    });
    expect(await debtOf(p.userId)).toBe(1);
    // The hold's credits went back with the money: its booking learns it from a clear 409.
    const confirm = await c.call(`holds/${p.holdId}/confirm`, { token: p.token, key: null });
    expect(confirm.status).toBe(409);
    expect(((await confirm.json()) as { error: { code: string } }).error.code).toBe('hold_reversed');
    expect((await ledgerOf(p.userId)).balance).toBe(0);
  });

  it('a lost dispute does the same, and winning it gives back what was reversed, the debt paid first', async () => {
    const p = await boughtThenUsed();
    const dispute = await stack.stripe<string>('openDispute', p.chargeId);
    await t.deliverRepeatedly([t.dispute('charge.dispute.funds_withdrawn', dispute)]);
    const withdrawn = await ledgerOf(p.userId);
    expect(withdrawn.balance).toBe(0);
    expect(withdrawn.entries.find((e) => e.kind === 'dispute_withdrawn')).toEqual({ kind: 'dispute_withdrawn', credits: -1, shortfall: 1 });
    expect(await debtOf(p.userId)).toBe(1);
    await stack.stripe('closeDispute', dispute, 'won');
    await t.deliverRepeatedly([t.dispute('charge.dispute.funds_reinstated', dispute), t.dispute('charge.dispute.closed', dispute)]);
    const reinstated = await ledgerOf(p.userId);
    // 3 credits come back: 1 pays the debt, 2 are available again (the free one and the one the hold had).
    expect(reinstated.entries.filter((e) => e.kind === 'dispute_reinstated')).toEqual([{ kind: 'dispute_reinstated', credits: 2, shortfall: 0 }]);
    expect(reinstated.balance).toBe(2);
    expect(await debtOf(p.userId)).toBe(0);
  });
});
