// The same Idempotency-Key twice at once, with balance for one (issue 19, defect 4), through the real credits core on
// the test run's Postgres server: both answers must be the spend's (201 and its 200 replay, same body), never a 409
// insufficient_credits for a spend that happened. On a database that runs one statement at a time (PGlite) the race
// cannot happen, so this file means something only on real Postgres (the default for `npm test`).
import { describe, expect, inject, it } from 'vitest';
import { balanceOf, creditedBuyer, useCreditsHarness, json, entriesOf } from '../../support/credits';

const h = useCreditsHarness();

const PAIRS = 20;

describe(`the same Idempotency-Key twice at once, balance for one (${PAIRS} pairs, db=${inject('db')})`, () => {
  it('spend: one 201, its replay 200 with the same body; one debit; never insufficient_credits', async () => {
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const { userId, token } = await creditedBuyer(h.db, 1, 'samekey');
        const call = () => h.call('spend', { token, key: `same-${i}`, body: { credits: 1, reference: `booking_${i}` } }).then(json);
        const [a, b] = await Promise.all([call(), call()]);
        const statuses = [a.status, b.status].sort();
        const ok = statuses[0] === 200 && statuses[1] === 201 && JSON.stringify(a.body) === JSON.stringify(b.body);
        const spends = (await entriesOf(userId)).filter((e) => e.kind === 'spend').length;
        if (!ok || spends !== 1 || (await balanceOf(userId)) !== 0) {
          failures.push(`pair ${i}: ${a.status} ${JSON.stringify(a.body)} | ${b.status} ${JSON.stringify(b.body)} | spends=${spends}`);
        }
      }),
    );
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('hold: one 201, its replay 200 with the same body; one hold', async () => {
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const { userId, token } = await creditedBuyer(h.db, 1, 'samekeyhold');
        const call = () => h.call('holds', { token, key: `same-hold-${i}`, body: { credits: 1 } }).then(json);
        const [a, b] = await Promise.all([call(), call()]);
        const statuses = [a.status, b.status].sort();
        const ok = statuses[0] === 200 && statuses[1] === 201 && JSON.stringify(a.body) === JSON.stringify(b.body);
        const holds = (await entriesOf(userId)).filter((e) => e.kind === 'hold').length;
        if (!ok || holds !== 1) failures.push(`pair ${i}: ${a.status} ${JSON.stringify(a.body)} | ${b.status} ${JSON.stringify(b.body)} | holds=${holds}`);
      }),
    );
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
