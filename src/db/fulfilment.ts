// The SQL fulfilment runs, each a single round trip (neon-http has no interactive transactions): purchases credited,
// pending or failed, unmatched sales recorded, and reversals of refunds and disputes.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { createPrefixedId } from '@/lib/ids';
import { users, type UnmatchedReason } from './schema';

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

// The buyer, by ledger_buyer (drizzle/0010_ledger_buyer.sql): the app id's row, else the Clerk id's (no
// client_reference_id, or a stale app id). The crediting statement uses the same function, so a pending or failed
// purchase and its credit cannot land on different rows. Inside the statement itself: one round trip.
const buyer = (e: LedgerEntry) => sql`
  select id from users where id = ledger_buyer(${e.appUserId}::text, ${e.clerkUserId}::text)`;

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
 * Records a paid session and adds its credits, once, in one call of ledger_credit_purchase (drizzle/0007_ledger_policy.sql): it locks the
 * buyer, moves the purchase to credited only while credited_at is null, so a session is credited once however many
 * webhook deliveries and success-page loads race, and adds the credits — paying the buyer's open debt first (a later
 * purchase pays what reversals could not take: docs/fulfilment-and-ledger.md). It also writes the ledger's `purchase`
 * entry, resolves an earlier `unmatched` record, and repairs a missing customer id.
 */
export async function creditPaidPurchase(db: Db, e: LedgerEntry): Promise<LedgerResult> {
  const result = await db.execute(sql`
    select * from ledger_credit_purchase(${e.appUserId}::text, ${e.clerkUserId}::text, ${e.stripeCheckoutSessionId}, ${e.stripePaymentIntentId}::text,
      ${e.stripeCustomerId}::text, ${e.priceId}, ${e.creditQty}::int, ${e.amountCents}::int, ${e.currency},
      ${createPrefixedId('pur')}, ${createPrefixedId('cre')})`);
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

export interface Reversal {
  /** The payment the purchase was paid with: refunds and disputes name the charge, whose payment_intent this is. */
  stripePaymentIntentId: string;
  kind: 'refund' | 'refund_failed' | 'dispute_withdrawn' | 'dispute_reinstated';
  /** Unique per Stripe object and change: `refund:re_…`, `refund:re_…:failed`, `dispute:du_…:withdrawn`, `…:reinstated`. */
  cause: string;
  /**
   * The signed cents this adds to the payment's running total of money returned: + a succeeded refund or a dispute's
   * withdrawal, − a failed/canceled refund or a won dispute. The credits follow from the total by one rule:
   * reversed = credit_qty − floor(credit_qty × (amount − returned) ÷ amount), so shares always add up, in any order.
   */
  amount: number;
  /** A cause that must be recorded first (the refund a failure undoes, the withdrawal a won dispute undoes). */
  requires?: string | null;
  /** The clock holds expire by (a reversal first releases expired holds); default now. */
  now?: Date;
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

/**
 * Applies one change of a payment's running total, once per cause, in one call of ledger_reverse (drizzle/0007_ledger_policy.sql), with
 * the buyer locked: credits it takes come from the balance, then unsettled holds (newest first; their confirm then
 * answers 409 hold_reversed), and the rest is recorded as debt; credits it gives back pay the debt first.
 */
export async function reverseCredits(db: Db, r: Reversal): Promise<ReversalResult> {
  const result = await db.execute(sql`
    select * from ledger_reverse(${r.stripePaymentIntentId}, ${r.cause}, ${r.kind}, ${r.amount}::int, ${r.requires ?? null}::text,
      ${(r.now ?? new Date()).toISOString()}::timestamptz, ${createPrefixedId('cre')})`);
  const row = result.rows[0];
  return {
    purchaseFound: row?.purchase_found === true,
    applied: row?.applied === true,
    credits: Number(row?.credits ?? 0),
    shortfall: Number(row?.shortfall ?? 0),
    balance: row?.balance == null ? null : Number(row.balance),
  };
}
