// The user rows the checkout reads and writes: find or create a buyer, and their Stripe customer id set once.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { users, type User } from './schema';

export function findUserByClerkId(db: Db, clerkUserId: string): Promise<User | undefined> {
  return db.query.users.findFirst({ where: eq(users.clerkUserId, clerkUserId) });
}

/**
 * Creates the user row if the sign-up sync has not yet, and returns the row either way, in one statement. The no-op
 * update on conflict is what makes RETURNING yield the existing row (DO NOTHING returns nothing).
 */
export async function upsertUser(db: Db, clerkUserId: string, email: string): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({ clerkUserId, email })
    .onConflictDoUpdate({ target: users.clerkUserId, set: { clerkUserId: sql`excluded.clerk_user_id` } })
    .returning();
  if (!row) throw new Error('upsert returned no row');
  return row;
}

/** Sets the customer id only where none is set yet; returns the id now stored, or null when another writer won. */
export async function saveStripeCustomerId(db: Db, userId: string, stripeCustomerId: string): Promise<string | null> {
  const [row] = await db
    .update(users)
    .set({ stripeCustomerId })
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
