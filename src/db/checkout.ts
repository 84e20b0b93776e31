// The user rows the checkout reads and writes: find or create a buyer, and their Stripe customer id set once.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { createPrefixedId } from '@/lib/ids';
import { users, type User } from './schema';

export function findUserByClerkId(db: Db, clerkUserId: string): Promise<User | undefined> {
  return db.query.users.findFirst({ where: eq(users.clerkUserId, clerkUserId) });
}

export interface CheckoutUser {
  id: string;
  email: string;
  stripeCustomerId: string | null;
  /** An earlier checkout marked this row and no customer id was saved since: it may have created a customer. */
  earlierAttempt: boolean;
}

/**
 * One statement for every checkout without the token's claim: finds the buyer's row or creates it (the sign-up sync
 * may not have run), and where no customer id is saved yet, marks the row as about to create one, returning whether an
 * earlier checkout had already marked it. A row that has its customer is only read, never written. The CTEs share one
 * snapshot, so `prior` is the row as it was before this statement's mark.
 */
export async function findOrMarkCheckoutUser(db: Db, clerkUserId: string, email: string): Promise<CheckoutUser> {
  const statement = sql`with prior as (
      select id, email, stripe_customer_id, stripe_customer_attempted_at from ${users} where clerk_user_id = ${clerkUserId}
    ), marked as (
      insert into ${users} (id, clerk_user_id, email, stripe_customer_attempted_at) values (${createPrefixedId('usr')}, ${clerkUserId}, ${email}, now())
      on conflict (clerk_user_id) do update set stripe_customer_attempted_at = now() where ${users}.stripe_customer_id is null
      returning id, email, stripe_customer_id
    )
    select m.id, m.email, m.stripe_customer_id, (select stripe_customer_attempted_at from prior) is not null as earlier_attempt from marked m
    union all
    select p.id, p.email, p.stripe_customer_id, false from prior p where not exists (select 1 from marked)`;
  type Row = { id: string; email: string; stripe_customer_id: string | null; earlier_attempt: boolean };
  // Empty only when a concurrent first checkout inserted the row after this statement's snapshot and it already has a
  // customer id: a second run sees it.
  for (let attempt = 0; attempt < 2; attempt++) {
    const { rows } = await db.execute<Row>(statement);
    const row = rows[0];
    if (row) return { id: row.id, email: row.email, stripeCustomerId: row.stripe_customer_id, earlierAttempt: row.earlier_attempt };
  }
  throw new Error('find-or-mark returned no row');
}

/**
 * Sets the customer id only where none is set yet; returns the id now stored, or null when another writer won. `email`
 * fills a row created without one (the token had no email claim; Clerk's API supplied it).
 */
export async function saveStripeCustomerId(db: Db, userId: string, stripeCustomerId: string, email?: string): Promise<string | null> {
  const [row] = await db
    .update(users)
    .set({ stripeCustomerId, ...(email && { email }) })
    .where(and(eq(users.id, userId), isNull(users.stripeCustomerId)))
    .returning({ stripeCustomerId: users.stripeCustomerId });
  return row?.stripeCustomerId ?? null;
}

/** Clears the customer id only while it still is the stale one, so a concurrent repair's new id is never wiped. */
export async function clearStaleStripeCustomerId(db: Db, userId: string, staleCustomerId: string): Promise<void> {
  await db
    .update(users)
    .set({ stripeCustomerId: null })
    .where(and(eq(users.id, userId), eq(users.stripeCustomerId, staleCustomerId)));
}
