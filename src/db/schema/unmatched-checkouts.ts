// Paid Checkout Sessions fulfilment could not credit (not created by us, amount/currency mismatch, unknown buyer…):
// kept so a paid purchase is never silently dropped; reconciliation lists them and resolves them once credited.
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const unmatchedReasons = ['not_ours', 'unknown_user', 'unknown_price', 'amount_mismatch', 'not_single_item', 'not_payment_mode'] as const;
export type UnmatchedReason = (typeof unmatchedReasons)[number];

export const unmatchedCheckouts = pgTable('unmatched_checkouts', {
  stripeCheckoutSessionId: text('stripe_checkout_session_id').primaryKey(),
  reason: text('reason', { enum: unmatchedReasons }).notNull(),
  clerkUserId: text('clerk_user_id'),
  amountCents: integer('amount_cents'),
  currency: text('currency'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type UnmatchedCheckout = typeof unmatchedCheckouts.$inferSelect;
