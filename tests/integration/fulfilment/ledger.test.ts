// Credits after the sale, through the webhook core, the real SDK and the emulator: refunds (partial, full, two of one
// charge, after the credits were spent), disputes lost and won, each event replayed and delivered concurrently, and
// the same events in shuffled order leaving the same ledger.
import { beforeAll, describe, expect, it } from 'vitest';
import { ledgerHarness, ledgerOf, spend } from '../../support/ledger';
import { stack } from '../../support/stack';

let t: Awaited<ReturnType<typeof ledgerHarness>>;
beforeAll(async () => {
  t = await ledgerHarness();
});

const single = () => t.h.env.STRIPE_PRICE_SINGLE_FLIGHT!;

describe('the purchase entry', () => {
  it('crediting a purchase writes one `purchase` entry beside the balance, however often it is delivered', async () => {
    const p = await t.paidPurchase();
    await t.deliverRepeatedly([t.completed(p.sessionId)], 5);
    expect(await ledgerOf(p.userId)).toEqual({ balance: 3, entries: [{ kind: 'purchase', credits: 3, shortfall: 0 }] });
  });
});

describe('refunds', () => {
  it('a full refund takes back every credit, once, through either of its two event types', async () => {
    const p = await t.paidPurchase(single());
    await t.deliver(t.completed(p.sessionId));
    const refund = await t.h.stripe.refunds.create({ charge: p.chargeId });
    await t.deliverRepeatedly([t.refunded(p.chargeId), t.refundCreated(refund)]);
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 0,
      entries: [{ kind: 'purchase', credits: 1, shortfall: 0 }, { kind: 'refund', credits: -1, shortfall: 0 }],
    });
  });

  it('partial refunds take credits by the running total: after half of a 3-credit pack, floor(3 × ½) = 1 credit is left', async () => {
    const p = await t.paidPurchase();
    await t.deliver(t.completed(p.sessionId));
    await t.h.stripe.refunds.create({ charge: p.chargeId, amount: 7450 });
    expect((await t.deliver(t.refunded(p.chargeId))).status).toBe(200);
    expect(await ledgerOf(p.userId)).toMatchObject({ balance: 1 });
    await t.h.stripe.refunds.create({ charge: p.chargeId, amount: 7450 });
    await t.deliverRepeatedly([t.refunded(p.chargeId)]);
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 0,
      entries: [{ kind: 'purchase', credits: 3, shortfall: 0 }, { kind: 'refund', credits: -2, shortfall: 0 }, { kind: 'refund', credits: -1, shortfall: 0 }],
    });
  });

  it('two half refunds of a 1-credit pack take back exactly 1 credit, never 0 and never 2', async () => {
    const p = await t.paidPurchase(single());
    await t.deliver(t.completed(p.sessionId));
    await t.h.stripe.refunds.create({ charge: p.chargeId, amount: 3950 });
    await t.h.stripe.refunds.create({ charge: p.chargeId, amount: 3950 });
    await t.deliverRepeatedly([t.refunded(p.chargeId)]);
    const { balance, entries } = await ledgerOf(p.userId);
    expect(balance).toBe(0);
    expect(entries.filter((e) => e.kind === 'refund').reduce((n, e) => n + e.credits, 0)).toBe(-1);
  });

  it('a refund after the credits were spent takes what is left and records the rest as shortfall (never below 0)', async () => {
    const p = await t.paidPurchase();
    await t.deliver(t.completed(p.sessionId));
    await spend(p.userId, 2);
    await t.h.stripe.refunds.create({ charge: p.chargeId });
    t.logs.length = 0;
    await t.deliverRepeatedly([t.refunded(p.chargeId)]);
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 0,
      entries: [
        { kind: 'purchase', credits: 3, shortfall: 0 },
        { kind: 'refund', credits: -1, shortfall: 2 },
        { kind: 'spend', credits: -2, shortfall: 0 },
      ],
    });
    // The delivery that wrote the entry raised the alert; replays did not write again (and the emulator's own delivery,
    // when the real app is up in the same run, may have been the one that wrote it).
    const mine = t.logs.filter((l) => l.route === 'webhook');
    expect(mine.filter((l) => l.outcome === 'reversed').length).toBeLessThanOrEqual(1);
    for (const line of mine) expect(line.alert === 'credit_shortfall').toBe(line.outcome === 'reversed');
  });

  it('a refund whose event overtakes the checkout event still credits then reverses, in either order', async () => {
    const p = await t.paidPurchase(single());
    await t.h.stripe.refunds.create({ charge: p.chargeId });
    await t.deliver(t.refunded(p.chargeId));
    await t.deliver(t.completed(p.sessionId));
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 0,
      entries: [{ kind: 'purchase', credits: 1, shortfall: 0 }, { kind: 'refund', credits: -1, shortfall: 0 }],
    });
  });
});

describe('disputes', () => {
  it('a lost dispute takes the credits back once, and closing it changes nothing more', async () => {
    const p = await t.paidPurchase();
    await t.deliver(t.completed(p.sessionId));
    const disputeId = await stack.stripe<string>('openDispute', p.chargeId);
    await t.deliverRepeatedly([t.dispute('charge.dispute.created', disputeId), t.dispute('charge.dispute.funds_withdrawn', disputeId)]);
    expect(await ledgerOf(p.userId)).toMatchObject({ balance: 0 });
    await stack.stripe('closeDispute', disputeId, 'lost');
    await t.deliverRepeatedly([t.dispute('charge.dispute.closed', disputeId)]);
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 0,
      entries: [{ kind: 'dispute_withdrawn', credits: -3, shortfall: 0 }, { kind: 'purchase', credits: 3, shortfall: 0 }],
    });
  });

  it('a won dispute puts back exactly what was taken, once', async () => {
    const p = await t.paidPurchase();
    await t.deliver(t.completed(p.sessionId));
    await spend(p.userId, 1);
    const disputeId = await stack.stripe<string>('openDispute', p.chargeId);
    await t.deliver(t.dispute('charge.dispute.funds_withdrawn', disputeId));
    expect(await ledgerOf(p.userId)).toMatchObject({ balance: 0 });
    await stack.stripe('closeDispute', disputeId, 'won');
    await t.deliverRepeatedly([t.dispute('charge.dispute.funds_reinstated', disputeId), t.dispute('charge.dispute.closed', disputeId)]);
    expect(await ledgerOf(p.userId)).toEqual({
      balance: 2,
      entries: [
        { kind: 'dispute_reinstated', credits: 2, shortfall: 0 },
        { kind: 'dispute_withdrawn', credits: -2, shortfall: 1 },
        { kind: 'purchase', credits: 3, shortfall: 0 },
        { kind: 'spend', credits: -1, shortfall: 0 },
      ],
    });
  });

  it('an inquiry moves no credits', async () => {
    const p = await t.paidPurchase(single());
    await t.deliver(t.completed(p.sessionId));
    const disputeId = await stack.stripe<string>('openDispute', p.chargeId, { inquiry: true });
    expect((await t.deliver(t.dispute('charge.dispute.created', disputeId))).body.outcome).toBe('ignored');
    expect(await ledgerOf(p.userId)).toMatchObject({ balance: 1 });
  });
});

describe('any order, any number of times', () => {
  const shuffle = <T>(items: T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };

  it('the same story delivered as it happens, and shuffled after the fact (twice, and concurrently), leaves the same ledger', async () => {
    // As it happens: each event delivered right after its action.
    const a = await t.paidPurchase();
    await t.deliver(t.completed(a.sessionId));
    await t.h.stripe.refunds.create({ charge: a.chargeId, amount: 4967 });
    await t.deliver(t.refunded(a.chargeId));
    const disputeA = await stack.stripe<string>('openDispute', a.chargeId);
    await t.deliver(t.dispute('charge.dispute.created', disputeA));
    await t.deliver(t.dispute('charge.dispute.funds_withdrawn', disputeA));
    await stack.stripe('closeDispute', disputeA, 'won');
    await t.deliver(t.dispute('charge.dispute.funds_reinstated', disputeA));
    await t.deliver(t.dispute('charge.dispute.closed', disputeA));
    const expected = await ledgerOf(a.userId);
    // $49.67 of $149 went back: the pack entitles to floor(3 × 99.33 ÷ 149) = 1 credit (the one rounding rule).
    expect(expected.balance).toBe(1);

    // After the fact: the same actions first, then every event in a random order, then all again at once.
    const b = await t.paidPurchase();
    await t.h.stripe.refunds.create({ charge: b.chargeId, amount: 4967 });
    const disputeB = await stack.stripe<string>('openDispute', b.chargeId);
    await stack.stripe('closeDispute', disputeB, 'won');
    const events = [
      t.completed(b.sessionId),
      t.refunded(b.chargeId),
      ...['charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.funds_reinstated', 'charge.dispute.closed'].map((type) => t.dispute(type, disputeB)),
    ];
    for (const e of shuffle(events)) await t.deliver(e);
    for (const e of shuffle(events)) await t.deliver(e);
    await Promise.all(shuffle([...events, ...events]).map((e) => t.deliver(e)));
    // The credits follow from the payment's running total, so the balance and the entries' sum never depend on the
    // order; which entry carries a rounding step does (a dispute seen before the refund takes the credit the refund
    // would have), so the entries compare by kind and total.
    const got = await ledgerOf(b.userId);
    const shape = (l: typeof got) => ({ balance: l.balance, kinds: l.entries.map((e) => e.kind), sum: l.entries.reduce((n, e) => n + e.credits, 0) });
    expect(shape(got)).toEqual(shape(expected));
  });
});
