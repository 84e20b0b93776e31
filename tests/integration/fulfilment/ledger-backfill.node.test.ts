// Migration 0003 moves purchases credited before the ledger existed into it: one `purchase` entry each, and running
// it again adds nothing.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ledgerOf } from '../../support/ledger';
import { newClerkUserId, stack } from '../../support/stack';

it('gives each pre-ledger credited purchase its entry, once; pending purchases get none', async () => {
  const clerkUserId = newClerkUserId('backfill');
  const userId = `usr_backfill_${Date.now()}`;
  await stack.neon('query', 'insert into users (id, clerk_user_id, email, credit_balance) values ($1, $2, $3, 4)', [userId, clerkUserId, 'old@example.com']);
  const purchase = (id: string, qty: number, credited: boolean) =>
    stack.neon('query', `insert into purchases (id, user_id, stripe_checkout_session_id, price_id, credit_qty, amount_cents, currency, status, credited_at)
      values ($1, $2, $3, 'price_old', $4, 100, 'usd', $5, ${credited ? 'now()' : 'null'})`, [id, userId, `cs_old_${id}`, qty, credited ? 'paid' : 'pending']);
  await purchase(`pur_a${Date.now()}`, 1, true);
  await purchase(`pur_b${Date.now()}`, 3, true);
  await purchase(`pur_c${Date.now()}`, 5, false);
  const sql = readFileSync(new URL('../../../drizzle/0003_ledger_backfill.sql', import.meta.url), 'utf8');
  await stack.neon('query', sql);
  await stack.neon('query', sql);
  expect(await ledgerOf(clerkUserId)).toEqual({
    balance: 4,
    entries: [{ kind: 'purchase', credits: 1, shortfall: 0 }, { kind: 'purchase', credits: 3, shortfall: 0 }],
  });
});
