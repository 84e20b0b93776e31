// Holds and keys with owners, and the cap on live holds (issue 19, defects 5 and 7): a hold records who placed it
// (buyer or service); only its placer, or the service, settles it; idempotency keys are scoped per caller; a replayed
// hold reports the hold's current state; a buyer may have at most MAX_LIVE_HOLDS live holds.
import { describe, expect, it } from 'vitest';
import { MAX_LIVE_HOLDS } from '@/db/credits';
import { balanceOf, creditedBuyer, useCreditsHarness, json, entriesOf } from '../../support/credits';

const h = useCreditsHarness();

const asService = (path: string, buyer: string, key: string | null, body: Record<string, unknown> = {}) =>
  h.call(`service/${path}`, { key, headers: { authorization: `Bearer ${h.env.CREDITS_SERVICE_SECRET!}` }, body: { ...body, buyer } });

describe('holds with owners', () => {
  it("a buyer cannot release or confirm the service's hold (403 hold_not_owner, nothing moves); the service then confirms it", async () => {
    const { userId, token } = await creditedBuyer(h.db, 1, 'owner');
    const held = await json(await asService('holds', userId, 'svc-hold-1', { credits: 1 }));
    expect(held).toMatchObject({ status: 201, body: { hold: { status: 'held' }, balance: 0 } });
    const holdId = held.body.hold.id as string;
    const before = await entriesOf(userId);
    for (const action of ['release', 'confirm']) {
      expect(await json(await h.call(`holds/${holdId}/${action}`, { token, key: null }))).toMatchObject({ status: 403, body: { error: { code: 'hold_not_owner' } } });
    }
    expect(await entriesOf(userId)).toEqual(before);
    expect(await json(await asService(`holds/${holdId}/confirm`, userId, null))).toMatchObject({ status: 200, body: { hold: { status: 'confirmed' } } });
    expect(await balanceOf(userId)).toBe(0);
  });

  it("the service may settle the buyer's own hold", async () => {
    const { userId, token } = await creditedBuyer(h.db, 1, 'owner');
    const held = await json(await h.call('holds', { token, body: { credits: 1 } }));
    expect(await json(await asService(`holds/${held.body.hold.id}/release`, userId, null))).toMatchObject({ status: 200, body: { hold: { status: 'released' }, balance: 1 } });
  });

  it('keys are scoped per caller: the same key from buyer and service names two debits, and never answers the other', async () => {
    const { userId, token } = await creditedBuyer(h.db, 1, 'keys');
    // The service holds under a key; a buyer guessing that key gets its own answer (here: no balance left), not "held".
    expect((await asService('holds', userId, 'shared-key', { credits: 1 })).status).toBe(201);
    expect(await json(await h.call('holds', { token, key: 'shared-key', body: { credits: 1 } }))).toMatchObject({ status: 409, body: { error: { code: 'insufficient_credits' } } });
    expect((await entriesOf(userId)).filter((e) => e.kind === 'hold')).toHaveLength(1);
  });

  it("a replayed hold reports the hold's current state", async () => {
    const { token } = await creditedBuyer(h.db, 2, 'replay');
    const first = await json(await h.call('holds', { token, key: 'hold-now', body: { credits: 2 } }));
    expect(first).toMatchObject({ status: 201, body: { hold: { status: 'held' }, balance: 0 } });
    expect(await json(await h.call('holds', { token, key: 'hold-now', body: { credits: 2 } }))).toEqual({ status: 200, body: first.body });
    await h.call(`holds/${first.body.hold.id}/release`, { token, key: null });
    const replay = await json(await h.call('holds', { token, key: 'hold-now', body: { credits: 2 } }));
    expect(replay).toMatchObject({ status: 200, body: { hold: { id: first.body.hold.id, status: 'released' }, balance: 2 } });
  });
});

describe('a cap on live holds', () => {
  it(`a buyer may have ${MAX_LIVE_HOLDS} live holds; the next is 409 hold_limit_reached until one is settled or expires`, async () => {
    const { token } = await creditedBuyer(h.db, MAX_LIVE_HOLDS + 5, 'cap');
    const holds = await Promise.all(Array.from({ length: MAX_LIVE_HOLDS }, () => h.call('holds', { token, body: { credits: 1 } }).then(json)));
    expect(holds.map((x) => x.status)).toEqual(Array(MAX_LIVE_HOLDS).fill(201));
    expect(await json(await h.call('holds', { token, body: { credits: 1 } }))).toMatchObject({ status: 409, body: { error: { code: 'hold_limit_reached', limit: MAX_LIVE_HOLDS } } });
    // Spends are not holds: they still go through.
    expect((await h.call('spend', { token, body: { credits: 1 } })).status).toBe(201);
    await h.call(`holds/${holds[0]!.body.hold.id}/release`, { token, key: null });
    expect((await h.call('holds', { token, body: { credits: 1 } })).status).toBe(201);
  });
});
