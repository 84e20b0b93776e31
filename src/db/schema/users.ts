// The app's users: one row per Clerk user, holding their credit balance and their (lazily created) Stripe customer.
import { check, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createPrefixedId } from '@/lib/ids';

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey().$defaultFn(() => createPrefixedId('usr')),
    clerkUserId: text('clerk_user_id').notNull().unique(),
    email: text('email').notNull(),
    creditBalance: integer('credit_balance').notNull().default(0),
    stripeCustomerId: text('stripe_customer_id'),
    // Set by the checkout's find-or-create statement just before it may create a Stripe customer: a later checkout that
    // finds it set with no customer id knows an earlier create may have happened whose save was lost.
    stripeCustomerAttemptedAt: timestamp('stripe_customer_attempted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow().$onUpdate(() => new Date()),
  },
  // The balance never goes below zero: a reversal that cannot be taken back in full records its shortfall instead.
  (t) => [uniqueIndex('users_stripe_customer_id_unique').on(t.stripeCustomerId), check('users_credit_balance_non_negative', sql`${t.creditBalance} >= 0`)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
