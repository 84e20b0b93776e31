// The credits core against the local stack: real Neon driver + drizzle and Clerk token verification. Races run many
// requests at once against one balance; a naive check-then-update debit runs the same race as the control.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { balanceOf, creditedBuyer, creditsHarness, entriesOf, giveCredits, HOLD_TTL_SECONDS, json, useCreditsHarness } from '../../support/credits';

const h = useCreditsHarness();

const spend = (token: string, credits: number, key?: string, reference?: string) => h.call('spend', { token, key, body: { credits, reference } });
const hold = (token: string, credits: number, key?: string) => h.call('holds', { token, key, body: { credits } });
const settle = (token: string, holdId: string, action: 'confirm' | 'release') => h.call(`holds/${holdId}/${action}`, { token, key: null });

/** The control: the debit most apps write first. Reads the balance, checks it, writes the difference back. */
async function naiveSpend(db: Db, clerkUserId: string, credits: number): Promise<boolean> {
  const read = await db.execute(sql`select credit_balance from users where clerk_user_id = ${clerkUserId}`);
  const balance = Number(read.rows[0]!.credit_balance);
  if (balance < credits) return false;
  await db.execute(sql`update users set credit_balance = ${balance - credits} where clerk_user_id = ${clerkUserId}`);
  return true;
}

describe('spending credits races (50 concurrent spends of 1 against a balance of 10)', () => {
  it('the naive check-then-update debit, as the control, hands out more than the balance', async () => {
    const { userId } = await creditedBuyer(h.db, 10, 'naive');
    const granted = (await Promise.all(Array.from({ length: 50 }, () => naiveSpend(h.db, userId, 1)))).filter(Boolean).length;
    // Each granted spend is a credit given away; more than 10 granted from a balance of 10 is the overdraft.
    expect(granted).toBeGreaterThan(10);
  });

  it('spendCredits lets exactly 10 through, leaves 0, and answers the other 40 with 409 insufficient_credits', async () => {
    const { userId, token } = await creditedBuyer(h.db, 10, 'race');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => spend(token, 1, `race-${i}`).then(json)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error).toMatchObject({ code: 'insufficient_credits', required: 1 });
    expect(await balanceOf(userId)).toBe(0);
    const spends = (await entriesOf(userId)).filter((e) => e.kind === 'spend');
    expect(spends).toHaveLength(10);
    // The balances the winners saw are 9…0, each once: no two debits read the same balance.
    expect(answers.filter((a) => a.status === 201).map((a) => a.body.balance as number).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('idempotency keys', () => {
  it('a replay answers the first result and debits once, sequentially and 20 at a time', async () => {
    const { userId, token } = await creditedBuyer(h.db, 5);
    const first = await json(await spend(token, 2, 'book-1', 'workshop_42'));
    expect(first).toMatchObject({ status: 201, body: { spend: { credits: 2, reference: 'workshop_42' }, balance: 3 } });
    const replay = await spend(token, 2, 'book-1', 'workshop_42');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(replay)).toEqual({ status: 200, body: first.body });

    const concurrent = await Promise.all(Array.from({ length: 20 }, () => spend(token, 1, 'book-2').then(json)));
    const ids = new Set(concurrent.map((a) => a.body.spend?.id));
    expect(ids.size).toBe(1);
    expect(concurrent.filter((a) => a.status === 201)).toHaveLength(1);
    expect(concurrent.filter((a) => a.status === 200)).toHaveLength(19);
    expect(await balanceOf(userId)).toBe(2);
    expect((await entriesOf(userId)).filter((e) => e.kind === 'spend')).toHaveLength(2);
  });

  it('the same key with other parameters is 409 idempotency_key_reused and moves nothing', async () => {
    const { userId, token } = await creditedBuyer(h.db, 5);
    expect((await spend(token, 1, 'k', 'workshop_1')).status).toBe(201);
    for (const [credits, reference] of [[2, 'workshop_1'], [1, 'workshop_2'], [1, undefined]] as const) {
      expect(await json(await spend(token, credits, 'k', reference))).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_reused' } } });
    }
    // A hold under a spend's key is another operation, not a reuse: keys are per buyer and per operation.
    expect((await hold(token, 1, 'k')).status).toBe(201);
    expect(await balanceOf(userId)).toBe(3);
  });

  it('keys are per buyer: two buyers may send the same key', async () => {
    const [a, b] = await Promise.all([creditedBuyer(h.db, 1), creditedBuyer(h.db, 1)]);
    expect([(await spend(a.token, 1, 'same')).status, (await spend(b.token, 1, 'same')).status]).toEqual([201, 201]);
  });

  it('a debit refused for insufficient credits does not consume its key', async () => {
    const { userId, token } = await creditedBuyer(h.db, 1);
    expect(await json(await spend(token, 3, 'later'))).toMatchObject({ status: 409, body: { error: { code: 'insufficient_credits', balance: 1, required: 3 } } });
    expect(await entriesOf(userId)).toHaveLength(1); // the adjustment only
    await giveCredits(h.db, `usr_${userId}`, 5, `topup:${userId}`);
    expect(await json(await spend(token, 3, 'later'))).toMatchObject({ status: 201, body: { balance: 3 } });
  });
});

describe('holds', () => {
  it('hold → confirm: the credits stay spent; confirming again answers the same; releasing is 409 hold_confirmed', async () => {
    const { userId, token } = await creditedBuyer(h.db, 5);
    const before = Date.now();
    const held = await json(await hold(token, 3, 'seat'));
    const after = Date.now();
    expect(held).toMatchObject({ status: 201, body: { hold: { credits: 3, status: 'held' }, balance: 2 } });
    const id = held.body.hold.id as string;
    const expiresAt = new Date(held.body.hold.expiresAt as string).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + HOLD_TTL_SECONDS * 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + HOLD_TTL_SECONDS * 1000);
    expect(await json(await settle(token, id, 'confirm'))).toMatchObject({ status: 200, body: { hold: { id, status: 'confirmed' }, balance: 2 } });
    expect(await json(await settle(token, id, 'confirm'))).toMatchObject({ status: 200, body: { hold: { id, status: 'confirmed' } } });
    expect(await json(await settle(token, id, 'release'))).toMatchObject({ status: 409, body: { error: { code: 'hold_confirmed' } } });
    expect(await balanceOf(userId)).toBe(2);
  });

  it('hold → release: the credits come back once; confirming afterwards is 409 hold_released', async () => {
    const { userId, token } = await creditedBuyer(h.db, 5);
    const id = (await json(await hold(token, 4, 'seat'))).body.hold.id as string;
    expect(await balanceOf(userId)).toBe(1);
    expect(await json(await settle(token, id, 'release'))).toMatchObject({ status: 200, body: { hold: { status: 'released' }, balance: 5 } });
    expect((await settle(token, id, 'release')).status).toBe(200);
    expect(await json(await settle(token, id, 'confirm'))).toMatchObject({ status: 409, body: { error: { code: 'hold_released' } } });
    expect(await balanceOf(userId)).toBe(5);
  });

  it('confirm and release racing on one hold: exactly one settles it', async () => {
    const { userId, token } = await creditedBuyer(h.db, 4);
    const id = (await json(await hold(token, 4, 'seat'))).body.hold.id as string;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => settle(token, id, i % 2 ? 'confirm' : 'release').then(json)));
    const settlements = (await entriesOf(userId)).filter((e) => e.kind === 'hold_confirm' || e.kind === 'hold_release');
    expect(settlements).toHaveLength(1);
    const won = settlements[0]!.kind === 'hold_confirm' ? 'confirmed' : 'released';
    expect(await balanceOf(userId)).toBe(won === 'confirmed' ? 0 : 4);
    for (const a of answers) expect(a.status === 200 ? a.body.hold.status : null).toBe(a.status === 200 ? won : null);
  });

  it('hold → expiry: past its TTL the held credits are available again without any job, and confirm is 409 hold_expired', async () => {
    const harness = await creditsHarness();
    const { userId, token } = await creditedBuyer(harness.db, 5);
    const call = (path: string, body: unknown, key?: string | null) => harness.call(path, { token, key, body });
    const id = (await json(await call('holds', { credits: 5 }))).body.hold.id as string;
    expect(await json(await call('spend', { credits: 1 }))).toMatchObject({ status: 409, body: { error: { code: 'insufficient_credits', balance: 0 } } });
    harness.advanceClock(HOLD_TTL_SECONDS - 1);
    expect((await call('spend', { credits: 1 })).status).toBe(409);
    harness.advanceClock(1);
    // The refusal already counts the expired hold as available, before anything released it.
    expect(await json(await call('spend', { credits: 6 }))).toMatchObject({ status: 409, body: { error: { balance: 5 } } });
    expect(await json(await call('spend', { credits: 2 }))).toMatchObject({ status: 201, body: { balance: 3 } });
    expect(await json(await call(`holds/${id}/confirm`, {}, null))).toMatchObject({ status: 409, body: { error: { code: 'hold_expired', balance: 3 } } });
    expect(await json(await call(`holds/${id}/release`, {}, null))).toMatchObject({ status: 200, body: { hold: { status: 'expired' } } });
    expect(await balanceOf(userId)).toBe(3);
    // The release and the spend were written by one statement (same created_at), so compare them as a set.
    expect((await entriesOf(userId)).map((e) => `${e.kind} ${e.credits}`).sort()).toEqual(['adjustment 5', 'hold -5', 'hold_release 5', 'spend -2']);
  });

  it('confirm after expiry returns the credits itself and answers 409 hold_expired, however many race', async () => {
    const harness = await creditsHarness();
    const { userId, token } = await creditedBuyer(harness.db, 3);
    const id = (await json(await harness.call('holds', { token, body: { credits: 3 } }))).body.hold.id as string;
    harness.advanceClock(HOLD_TTL_SECONDS + 60);
    const answers = await Promise.all(Array.from({ length: 8 }, () => harness.call(`holds/${id}/confirm`, { token, key: null }).then(json)));
    for (const a of answers) expect(a).toMatchObject({ status: 409, body: { error: { code: 'hold_expired', balance: 3 } } });
    expect(await balanceOf(userId)).toBe(3);
    expect((await entriesOf(userId)).filter((e) => e.kind === 'hold_release')).toHaveLength(1);
  });

  it('spends racing while expired holds are freed still never free a hold twice', async () => {
    const harness = await creditsHarness();
    const { userId, token } = await creditedBuyer(harness.db, 4);
    for (let i = 0; i < 2; i++) await harness.call('holds', { token, body: { credits: 2 } });
    harness.advanceClock(HOLD_TTL_SECONDS);
    const answers = await Promise.all(Array.from({ length: 10 }, () => harness.call('spend', { token, body: { credits: 1 } })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(4);
    expect(await balanceOf(userId)).toBe(0);
    expect((await entriesOf(userId)).filter((e) => e.kind === 'hold_release')).toHaveLength(2);
  });

  it("a hold of another buyer, or an unknown one, is 404 not_found", async () => {
    const [a, b] = await Promise.all([creditedBuyer(h.db, 2), creditedBuyer(h.db, 2)]);
    const id = (await json(await hold(a.token, 1))).body.hold.id as string;
    expect(await json(await settle(b.token, id, 'confirm'))).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await settle(a.token, 'cre_nope', 'release')).status).toBe(404);
    // A bodiless form post (what a cross-site form could send) cannot release a hold.
    const formPost = await h.call(`holds/${id}/release`, { token: a.token, key: null, contentType: 'application/x-www-form-urlencoded', body: '' });
    expect(formPost.status).toBe(415);
    expect(await json(await settle(a.token, id, 'release'))).toMatchObject({ status: 200, body: { hold: { status: 'released' } } });
  });
});

describe('the server-to-server variant', () => {
  it('spends for the named buyer with the service secret, and refuses a wrong one without touching the ledger', async () => {
    const { userId } = await creditedBuyer(h.db, 2);
    const secret = h.env.CREDITS_SERVICE_SECRET!;
    const service = (auth: string, key = 'svc-1') => h.call('service/spend', { key, headers: { authorization: `Bearer ${auth}` }, body: { credits: 1, buyer: userId } });
    const before = await entriesOf(userId);
    for (const wrong of [`${secret}x`, secret.slice(0, -1), 'nope']) {
      expect(await json(await service(wrong))).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    }
    expect(await entriesOf(userId)).toEqual(before);
    expect(await json(await service(secret))).toMatchObject({ status: 201, body: { balance: 1 } });
    expect((await service(secret)).status).toBe(200);
    // A buyer's session token is not a service credential.
    const { token } = await creditedBuyer(h.db, 1);
    expect((await service(token, 'svc-2')).status).toBe(401);
  });
});

describe('bad input', () => {
  it.each([
    ['signed out', 401, 'unauthenticated', { token: undefined }],
    ['no Idempotency-Key', 400, 'invalid_idempotency_key', { key: null }],
    ['a key with spaces', 400, 'invalid_idempotency_key', { key: 'has space' }],
    ['a key over 255 chars', 400, 'invalid_idempotency_key', { key: 'k'.repeat(256) }],
    ['credits 0', 400, 'invalid_credits', { body: { credits: 0 } }],
    ['credits -1', 400, 'invalid_credits', { body: { credits: -1 } }],
    ['credits 1.5', 400, 'invalid_credits', { body: { credits: 1.5 } }],
    ['credits as a string', 400, 'invalid_credits', { body: { credits: '1' } }],
    ['an empty reference', 400, 'invalid_body', { body: { credits: 1, reference: '' } }],
    ['bad JSON', 400, 'invalid_body', { body: '{"credits":' }],
    ['a JSON array', 400, 'invalid_body', { body: '[1]' }],
    ['a text body', 415, 'unsupported_media_type', { contentType: 'text/plain', body: 'credits=1' }],
    ['an empty form post', 415, 'unsupported_media_type', { contentType: 'application/x-www-form-urlencoded', body: '' }],
    ['a body over 1 KB', 413, 'body_too_large', { body: { credits: 1, reference: 'x'.repeat(2000) } }],
    ['GET', 405, 'method_not_allowed', { method: 'GET' }],
  ] as const)('%s → %i %s, and no ledger entry', async (_name, status, code, init) => {
    const { userId, token } = await creditedBuyer(h.db, 5);
    const response = await h.call('spend', { token, body: { credits: 1 }, ...init });
    expect(await json(response)).toMatchObject({ status, body: { error: { code } } });
    expect(await entriesOf(userId)).toHaveLength(1);
    expect(await balanceOf(userId)).toBe(5);
  });

  it('an unknown path under /api/credits is 404 not_found', async () => {
    const { token } = await creditedBuyer(h.db, 0);
    expect(await json(await h.call('spend/extra', { token }))).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

});
