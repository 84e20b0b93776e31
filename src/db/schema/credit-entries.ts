// The credit ledger: every change of a buyer's balance is one entry, written in the same statement that moves
// users.credit_balance, and keyed by its cause so that a replayed cause can never move the balance twice.
import { check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createPrefixedId } from '@/lib/ids';
import { purchases } from './purchases';
import { users } from './users';

export const creditEntryKinds = [
  'purchase',
  'refund',
  'refund_failed',
  'dispute_withdrawn',
  'dispute_reinstated',
  'adjustment',
  'spend',
  'hold',
  'hold_release',
  'hold_confirm',
  'hold_reversed',
] as const;
export type CreditEntryKind = (typeof creditEntryKinds)[number];

export const creditEntries = pgTable(
  'credit_entries',
  {
    id: text('id').primaryKey().$defaultFn(() => createPrefixedId('cre')),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: creditEntryKinds }).notNull(),
    /** The signed change this entry applied to users.credit_balance (negative for refunds, withdrawals, spends, holds). */
    credits: integer('credits').notNull(),
    /** Credits a reversal could not take back because the buyer had already used them (the balance never goes below 0):
     *  added to users.credit_debt. */
    shortfall: integer('shortfall').notNull().default(0),
    /** Credits this entry paid towards users.credit_debt instead of the balance (purchases and everything that gives back). */
    debtPaid: integer('debt_paid').notNull().default(0),
    /** Refunds, disputes and their undoing: the signed money (cents) this entry adds to its payment's running total of
     *  money returned (+ refund/withdrawal, − failed refund/reinstatement). */
    amountCents: integer('amount_cents'),
    /** The same entries: the signed change of the credits reversed from the payment, so that the payment's reversed
     *  credits (the sum) always equal credits − floor(credits × (amount − returned) ÷ amount). */
    reversed: integer('reversed').notNull().default(0),
    /** Who made the entry: 'buyer' | 'service' for spends and holds (only a hold's placer, or the service, settles it);
     *  'operator:<name>' for adjustments (issue 22). Null for entries Stripe's events cause. */
    actor: text('actor'),
    /** What caused the entry, unique: e.g. `checkout:cs_…`, `refund:re_…`, `dispute:du_…:withdrawn`, `spend:usr_…:<key>`. */
    cause: text('cause').notNull().unique(),
    purchaseId: text('purchase_id').references(() => purchases.id),
    /** Spends and holds: what the caller spent on (e.g. a booking id), part of what an idempotency key is bound to.
     *  Hold settlements: why — `confirm`, `release`, `expiry` or `reversal` (a refund or dispute took the hold). */
    reference: text('reference'),
    /** Holds: when the held credits stop being held and count as available again. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Spends, holds and their settlements: the stored balance right after this entry, so a replay answers the same. */
    balanceAfter: integer('balance_after'),
    /** Adjustments: why, as the operator wrote it. */
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_entries_user_id_created_at_idx').on(t.userId, t.createdAt),
    check('credit_entries_kind_check', sql`${t.kind} in (${sql.raw(creditEntryKinds.map((k) => `'${k}'`).join(', '))})`),
    check('credit_entries_shortfall_non_negative', sql`${t.shortfall} >= 0`),
    check('credit_entries_debt_paid_non_negative', sql`${t.debtPaid} >= 0`),
    index('credit_entries_purchase_id_idx').on(t.purchaseId),
  ],
);

export type CreditEntry = typeof creditEntries.$inferSelect;
