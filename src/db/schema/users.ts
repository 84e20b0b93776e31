// The app's users: one row per Clerk user, holding their credit balance and their (lazily created) Stripe customer.
import { integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createPrefixedId } from '@/lib/ids';

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey().$defaultFn(() => createPrefixedId('usr')),
    clerkUserId: text('clerk_user_id').notNull().unique(),
    email: text('email').notNull(),
    creditBalance: integer('credit_balance').notNull().default(0),
    stripeCustomerId: text('stripe_customer_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow().$onUpdate(() => new Date()),
  },
  (t) => [uniqueIndex('users_stripe_customer_id_unique').on(t.stripeCustomerId)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
