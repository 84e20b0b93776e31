// The SQL the billing code runs, each a single round trip (neon-http has no interactive transactions).
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { createPrefixedId } from '@/lib/ids';
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

export interface LedgerEntry {
  stripeCheckoutSessionId: string;
  stripePaymentIntentId: string | null;
  stripeCustomerId: string | null;
  /** users.id from the session's client_reference_id; falls back to the Clerk id when absent. */
  appUserId: string | null;
  clerkUserId: string | null;
  priceId: string;
  creditQty: number;
  amountCents: number;
  currency: string;
}

export interface LedgerResult {
  /** False when no user matches the session: nothing was written. */
  userFound: boolean;
  /** True only for the one call that moved this purchase to credited. */
  credited: boolean;
  status: 'pending' | 'paid' | 'failed' | null;
  balance: number | null;
}

// The buyer, found by app id or (for sessions without client_reference_id) by Clerk id, inside the statement itself
// so recording a purchase costs one round trip.
const buyer = (e: LedgerEntry) => sql`
  select id from users
  where (${e.appUserId}::text is not null and id = ${e.appUserId}::text)
     or (${e.appUserId}::text is null and clerk_user_id = ${e.clerkUserId}::text)
  limit 1`;

const purchaseValues = (e: LedgerEntry, status: 'pending' | 'paid' | 'failed') => sql`
  select ${createPrefixedId('pur')}, b.id, ${e.stripeCheckoutSessionId}, ${e.stripePaymentIntentId}::text, ${e.priceId},
         ${e.creditQty}::int, ${e.amountCents}::int, ${e.currency}, ${status}, ${status === 'paid' ? sql`now()` : sql`null::timestamptz`}
  from b`;

const purchaseColumns = sql.raw(
  '(id, user_id, stripe_checkout_session_id, stripe_payment_intent_id, price_id, credit_qty, amount_cents, currency, status, credited_at)',
);

function ledgerResult(row: Record<string, unknown> | undefined): LedgerResult {
  const balance = row?.new_balance ?? row?.balance;
  return {
    userFound: row?.user_id != null,
    credited: row?.new_balance != null,
    status: (row?.status as LedgerResult['status']) ?? null,
    balance: balance == null ? null : Number(balance),
  };
}

/**
 * Records a paid session and adds its credits in one atomic statement. The insert, or the pending→paid update, only
 * happens while credited_at is null, and the balance moves only for the row that statement touched, so a session is
 * credited once however many webhook deliveries and success-page loads race. Also repairs a missing customer id.
 */
export async function creditPaidPurchase(db: Db, e: LedgerEntry): Promise<LedgerResult> {
  const result = await db.execute(sql`
    with b as (${buyer(e)}),
    credited as (
      insert into purchases ${purchaseColumns} ${purchaseValues(e, 'paid')}
      on conflict (stripe_checkout_session_id) do update
        set status = 'paid', credited_at = now(), updated_at = now(),
            stripe_payment_intent_id = coalesce(excluded.stripe_payment_intent_id, purchases.stripe_payment_intent_id)
        where purchases.credited_at is null
      returning user_id, credit_qty
    ),
    bumped as (
      update users set credit_balance = users.credit_balance + credited.credit_qty,
                       stripe_customer_id = coalesce(users.stripe_customer_id, ${e.stripeCustomerId}::text),
                       updated_at = now()
      from credited where users.id = credited.user_id
      returning users.credit_balance
    )
    select (select id from b) as user_id,
           (select credit_balance from bumped) as new_balance,
           (select credit_balance from users where id = (select id from b)) as balance,
           'paid' as status`);
  return ledgerResult(result.rows[0]);
}

/** Runs a status-only ledger write and reads back the buyer, their balance and the purchase's status, in one statement. */
async function writeStatus(db: Db, e: LedgerEntry, write: SQL): Promise<LedgerResult> {
  const result = await db.execute(sql`
    with b as (${buyer(e)}),
    written as (${write} returning status)
    select (select id from b) as user_id,
           (select credit_balance from users where id = (select id from b)) as balance,
           coalesce((select status from written),
                    (select status from purchases where stripe_checkout_session_id = ${e.stripeCheckoutSessionId})) as status`);
  return ledgerResult(result.rows[0]);
}

/** Records a purchase whose payment is still pending (async methods); never credits, never downgrades a paid row. */
export function recordPendingPurchase(db: Db, e: LedgerEntry): Promise<LedgerResult> {
  return writeStatus(db, e, sql`
    insert into purchases ${purchaseColumns} ${purchaseValues(e, 'pending')}
    on conflict (stripe_checkout_session_id) do nothing`);
}

/** Marks an async payment failed, unless the purchase was already credited (then the credit stands). */
export function markPurchaseFailed(db: Db, e: LedgerEntry): Promise<LedgerResult> {
  return writeStatus(db, e, sql`
    insert into purchases ${purchaseColumns} ${purchaseValues(e, 'failed')}
    on conflict (stripe_checkout_session_id) do update
      set status = 'failed', updated_at = now()
      where purchases.credited_at is null`);
}

export async function findCreditBalance(db: Db, clerkUserId: string): Promise<number | null> {
  const [row] = await db.select({ creditBalance: users.creditBalance }).from(users).where(eq(users.clerkUserId, clerkUserId));
  return row?.creditBalance ?? null;
}
