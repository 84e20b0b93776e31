// The SQL fulfilment runs, each a single round trip (neon-http has no interactive transactions): purchases credited,
// pending or failed, unmatched sales recorded, and reversals of refunds and disputes.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { createPrefixedId } from '@/lib/ids';
import { unmatchedCheckouts, users, type UnmatchedCheckout, type UnmatchedReason } from './schema';


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
// A stale app id (a re-created user row, a restored database) falls back to the Clerk id the marker vouches for.
const buyer = (e: LedgerEntry) => sql`
  select id from users
  where id = ${e.appUserId}::text or clerk_user_id = ${e.clerkUserId}::text
  order by (id = ${e.appUserId}::text) desc nulls last
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
 * credited once however many webhook deliveries and success-page loads race. The same statement writes the ledger's
 * `purchase` entry, resolves an earlier `unmatched` record, and repairs a missing customer id.
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
      returning id, user_id, credit_qty
    ),
    entry as (
      insert into credit_entries (id, user_id, kind, credits, cause, purchase_id)
      select ${createPrefixedId('cre')}, user_id, 'purchase', credit_qty, ${`checkout:${e.stripeCheckoutSessionId}`}, id from credited
    ),
    resolved as (
      delete from unmatched_checkouts
      where stripe_checkout_session_id = ${e.stripeCheckoutSessionId} and exists (select 1 from credited)
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

export interface UnmatchedRecord {
  stripeCheckoutSessionId: string;
  reason: UnmatchedReason;
  clerkUserId: string | null;
  amountCents: number | null;
  currency: string | null;
}

/** Remembers a paid session we could not credit (latest reason wins), unless it has been credited meanwhile. */
export async function recordUnmatchedCheckout(db: Db, u: UnmatchedRecord): Promise<void> {
  await db.execute(sql`
    insert into unmatched_checkouts (stripe_checkout_session_id, reason, clerk_user_id, amount_cents, currency)
    select ${u.stripeCheckoutSessionId}, ${u.reason}, ${u.clerkUserId}::text, ${u.amountCents}::int, ${u.currency}::text
    where not exists (select 1 from purchases where stripe_checkout_session_id = ${u.stripeCheckoutSessionId} and credited_at is not null)
    on conflict (stripe_checkout_session_id) do update set reason = excluded.reason, updated_at = now()`);
}

export function listUnmatchedCheckouts(db: Db): Promise<UnmatchedCheckout[]> {
  return db.select().from(unmatchedCheckouts).orderBy(unmatchedCheckouts.createdAt);
}

export interface Reversal {
  /** The payment the purchase was paid with: refunds and disputes name the charge, whose payment_intent this is. */
  stripePaymentIntentId: string;
  kind: 'refund' | 'dispute_withdrawn';
  /** Unique per Stripe object: `refund:re_…`, `dispute:du_…:withdrawn`. */
  cause: string;
  /**
   * The credits owed are credit_qty × after ÷ of − credit_qty × before ÷ of, each rounded down: `before`/`after` are
   * the amounts reversed on the charge before and including this object, `of` the amount charged. Rounding the running
   * total (not each part) makes two half refunds of a 1-credit pack take back exactly 1, in whatever order they land.
   */
  amountBefore: number;
  amountAfter: number;
  amountOf: number;
}

export interface ReversalResult {
  /** False when no credited purchase has this payment intent: nothing was written. */
  purchaseFound: boolean;
  /** True only for the one call that wrote this cause's entry. */
  applied: boolean;
  credits: number;
  shortfall: number;
  balance: number | null;
}

function reversalResult(row: Record<string, unknown> | undefined): ReversalResult {
  return {
    purchaseFound: row?.purchase_id != null,
    applied: row?.entry_credits != null,
    credits: Number(row?.entry_credits ?? row?.credits ?? 0),
    shortfall: Number(row?.entry_shortfall ?? row?.shortfall ?? 0),
    balance: row?.balance == null ? null : Number(row.balance),
  };
}

/**
 * Takes credits back for a refund or a dispute, once per cause, in one statement. The buyer's row is locked first so
 * the balance read is the latest: the entry takes min(balance, owed) and records the rest as its shortfall, so the
 * balance never goes below zero. The owed credits are capped by what the purchase still has un-reversed.
 */
export async function reverseCredits(db: Db, r: Reversal): Promise<ReversalResult> {
  return writeEntry(db, r.cause, sql`
    found as (
      select id as purchase_id, user_id, credit_qty from purchases
      where stripe_payment_intent_id = ${r.stripePaymentIntentId} and credited_at is not null
    ),
    buyer as (select u.id, u.credit_balance from users u join found on u.id = found.user_id for update of u),
    reversed as (
      select coalesce(sum(-e.credits + e.shortfall), 0)::int as n from credit_entries e, found
      where e.purchase_id = found.purchase_id and (e.kind = 'refund' or (e.kind = 'dispute_withdrawn' and not exists (
        select 1 from credit_entries r where r.cause = replace(e.cause, ':withdrawn', ':reinstated'))))
    ),
    owed as (
      select greatest(0, least(
        floor(found.credit_qty::numeric * ${r.amountAfter}::int / ${r.amountOf}::int)
          - floor(found.credit_qty::numeric * ${r.amountBefore}::int / ${r.amountOf}::int),
        found.credit_qty - (select n from reversed)))::int as n
      from found
    ),
    entry as (
      insert into credit_entries (id, user_id, kind, credits, shortfall, cause, purchase_id)
      select ${createPrefixedId('cre')}, found.user_id, ${r.kind}, -least(buyer.credit_balance, owed.n),
             owed.n - least(buyer.credit_balance, owed.n), ${r.cause}, found.purchase_id
      from found, buyer, owed
      on conflict (cause) do nothing
      returning user_id, credits, shortfall
    )`);
}

/**
 * Puts back exactly what a dispute's withdrawal took (not its shortfall, which was never taken), once, in one
 * statement. Nothing happens while the withdrawal is unrecorded: the caller records it first.
 */
export function reinstateDispute(db: Db, disputeId: string): Promise<ReversalResult> {
  const cause = `dispute:${disputeId}:reinstated`;
  return writeEntry(db, cause, sql`
    found as (select user_id, purchase_id, -credits as credits from credit_entries where cause = ${`dispute:${disputeId}:withdrawn`}),
    entry as (
      insert into credit_entries (id, user_id, kind, credits, cause, purchase_id)
      select ${createPrefixedId('cre')}, user_id, 'dispute_reinstated', credits, ${cause}, purchase_id from found
      on conflict (cause) do nothing
      returning user_id, credits, shortfall
    )`);
}

/**
 * The shared tail of a reversal or reinstatement: `head` defines `found` (purchase_id, user_id) and `entry` (the
 * inserted entry, if this call won its cause); the balance moves by exactly the entry's credits, in the same statement.
 */
async function writeEntry(db: Db, cause: string, head: SQL): Promise<ReversalResult> {
  const result = await db.execute(sql`
    with ${head},
    moved as (
      update users set credit_balance = users.credit_balance + entry.credits, updated_at = now()
      from entry where users.id = entry.user_id
      returning users.credit_balance
    )
    select (select purchase_id from found) as purchase_id,
           (select abs(credits) from entry) as entry_credits, (select shortfall from entry) as entry_shortfall,
           (select abs(credits) from credit_entries where cause = ${cause}) as credits,
           (select shortfall from credit_entries where cause = ${cause}) as shortfall,
           coalesce((select credit_balance from moved),
                    (select credit_balance from users where id = (select user_id from found))) as balance`);
  return reversalResult(result.rows[0]);
}
