// A refund Stripe later marks failed or canceled (issue 19, defect 6): the emulator moves it and sends refund.updated /
// charge.refund.updated; the webhook core gives back exactly what the refund took — paying a debt the refund left
// first — once, however often and in whatever order the events arrive.
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { ledgerHarness, ledgerOf, spend } from '../../support/ledger';
import { stack } from '../../support/stack';

let t: Awaited<ReturnType<typeof ledgerHarness>>;
beforeAll(async () => {
  t = await ledgerHarness();
});

const debtOf = async (userId: string) =>
  (await stack.neon<{ credit_debt: number }[]>('query', 'select credit_debt from users where clerk_user_id = $1', [userId]))[0]!.credit_debt;
const refundEvent = (type: string, refund: Stripe.Refund) => t.event(type, { id: refund.id, object: 'refund', charge: refund.charge as string });

describe('a refund that fails or is canceled after it succeeded', () => {
  it('a failed full refund gives back what it took: the debt first, then the balance; redeliveries change nothing', async () => {
    const p = await t.paidPurchase();
    await t.deliver(t.completed(p.sessionId));
    await spend(p.userId, 2);
    const refund = await t.h.stripe.refunds.create({ charge: p.chargeId });
    await t.deliverRepeatedly([t.refunded(p.chargeId)]);
    expect((await ledgerOf(p.userId)).balance).toBe(0);
    expect(await debtOf(p.userId)).toBe(2);

    const failed = await stack.stripe<Stripe.Refund>('endRefund', refund.id, 'failed');
    expect(failed.status).toBe('failed');
    expect((await t.h.stripe.charges.retrieve(p.chargeId)).amount_refunded).toBe(0);
    await t.deliverRepeatedly([refundEvent('refund.updated', refund), refundEvent('charge.refund.updated', refund), t.refunded(p.chargeId)]);
    const after = await ledgerOf(p.userId);
    expect(after.balance).toBe(1);
    expect(await debtOf(p.userId)).toBe(0);
    expect(after.entries.filter((e) => e.kind === 'refund_failed')).toEqual([{ kind: 'refund_failed', credits: 1, shortfall: 0 }]);
  });

  it('a canceled partial refund gives its credits back exactly; one seen only after it ended moves nothing', async () => {
    const p = await t.paidPurchase();
    await t.deliver(t.completed(p.sessionId));
    const first = await t.h.stripe.refunds.create({ charge: p.chargeId, amount: 5000 });
    await t.deliver(refundEvent('refund.created', first));
    expect((await ledgerOf(p.userId)).balance).toBe(1); // floor(3 × 99 ÷ 149) = 1
    await stack.stripe('endRefund', first.id, 'canceled');
    // Never delivered while it stood: it moves nothing when it arrives after its end.
    const second = await t.h.stripe.refunds.create({ charge: p.chargeId, amount: 100 });
    await stack.stripe('endRefund', second.id, 'failed');
    await t.deliverRepeatedly([refundEvent('refund.updated', first), refundEvent('refund.created', second), refundEvent('refund.updated', second)]);
    const after = await ledgerOf(p.userId);
    expect(after.balance).toBe(3);
    expect(after.entries.map((e) => e.kind).sort()).toEqual(['purchase', 'refund', 'refund_failed']);
  });
});
