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
  'dispute_withdrawn',
  'dispute_reinstated',
  'adjustment',
  'spend',
  'hold',
  'hold_release',
  'hold_confirm',
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
    /** Credits a reversal could not take back because the buyer had already used them (the balance never goes below 0). */
    shortfall: integer('shortfall').notNull().default(0),
    /** What caused the entry, unique: e.g. `checkout:cs_…`, `refund:re_…`, `dispute:du_…:withdrawn`, `spend:usr_…:<key>`. */
    cause: text('cause').notNull().unique(),
    purchaseId: text('purchase_id').references(() => purchases.id),
    /** Spends and holds: what the caller spent on (e.g. a booking id), part of what an idempotency key is bound to.
     *  Hold settlements: why — `confirm`, `release` or `expiry`. */
    reference: text('reference'),
    /** Holds: when the held credits stop being held and count as available again. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Spends, holds and their settlements: the stored balance right after this entry, so a replay answers the same. */
    balanceAfter: integer('balance_after'),
    /** Who caused the entry where a person or service did: adjustments record `operator:<name>`. */
    actor: text('actor'),
    /** Adjustments: why, as the operator wrote it. */
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_entries_user_id_created_at_idx').on(t.userId, t.createdAt),
    check('credit_entries_kind_check', sql`${t.kind} in (${sql.raw(creditEntryKinds.map((k) => `'${k}'`).join(', '))})`),
    check('credit_entries_shortfall_non_negative', sql`${t.shortfall} >= 0`),
  ],
);

export type CreditEntry = typeof creditEntries.$inferSelect;
