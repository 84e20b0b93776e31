// Paid Checkout Sessions fulfilment could not credit (not created by us, amount/currency mismatch, unknown buyer…):
// kept so a paid purchase is never silently dropped; reconciliation lists them and resolves them once credited; an
// operator resolves the rest (`npm run billing:unmatched`): credited to a named buyer, or dismissed with a reason.
import { check, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

export const unmatchedReasons = ['not_ours', 'unknown_user', 'unknown_price', 'amount_mismatch', 'not_single_item', 'not_payment_mode'] as const;
export type UnmatchedReason = (typeof unmatchedReasons)[number];

export const unmatchedResolutions = ['credited', 'dismissed'] as const;
export type UnmatchedResolution = (typeof unmatchedResolutions)[number];

export const unmatchedCheckouts = pgTable('unmatched_checkouts', {
  stripeCheckoutSessionId: text('stripe_checkout_session_id').primaryKey(),
  reason: text('reason', { enum: unmatchedReasons }).notNull(),
  clerkUserId: text('clerk_user_id'),
  amountCents: integer('amount_cents'),
  currency: text('currency'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set when an operator resolved it; open while null. */
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolution: text('resolution', { enum: unmatchedResolutions }),
  resolutionReason: text('resolution_reason'),
  resolvedBy: text('resolved_by'),
}, (t) => [check('unmatched_checkouts_resolution_check', sql`${t.resolution} is null or ${t.resolution} in ('credited', 'dismissed')`)]);

export type UnmatchedCheckout = typeof unmatchedCheckouts.$inferSelect;
