// The purchase ledger: one row per Stripe Checkout Session. The unique session id is what makes crediting exactly-once.
import { check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createPrefixedId } from '@/lib/ids';
import { users } from './users';

export const purchaseStatuses = ['pending', 'paid', 'failed'] as const;
export type PurchaseStatus = (typeof purchaseStatuses)[number];

export const purchases = pgTable(
  'purchases',
  {
    id: text('id').primaryKey().$defaultFn(() => createPrefixedId('pur')),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    stripeCheckoutSessionId: text('stripe_checkout_session_id').notNull().unique(),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    priceId: text('price_id').notNull(),
    creditQty: integer('credit_qty').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: purchaseStatuses }).notNull(),
    // Set in the same statement that adds the credits; its being null is the "not yet credited" guard.
    creditedAt: timestamp('credited_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow().$onUpdate(() => new Date()),
  },
  (t) => [
    index('purchases_user_id_idx').on(t.userId),
    check('purchases_status_check', sql`${t.status} in ('pending', 'paid', 'failed')`),
    check('purchases_credit_qty_positive', sql`${t.creditQty} > 0`),
  ],
);

export type Purchase = typeof purchases.$inferSelect;
