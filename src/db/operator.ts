// The statements behind the operator tools (`npm run billing:adjust`, `billing:unmatched`, `billing:ledger`): find a
// buyer, adjust a balance, credit or dismiss an unmatched paid sale, read a buyer's ledger. Every write is ONE
// conditional statement keyed by its ledger cause (`adjustment:<key>`, `unmatched:<session>`): the balance never goes
// below zero, credits given pay an open debt first, and a replayed key finds the first entry instead of moving the
// balance again.
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import type { UnmatchedCheckout } from './schema';
import { settledByCause } from './settled-by-cause';
import { createPrefixedId } from '@/lib/ids';

export interface Buyer {
  id: string;
  clerkUserId: string;
  email: string;
  balance: number;
  /** What reversals could not take back (docs/fulfilment-and-ledger.md, debt): paid first out of credits that return. */
  debt: number;
}

/** By Clerk user id, or by email (case-insensitive; several users may share one, so all are returned). */
export async function findBuyers(db: Db, who: string): Promise<Buyer[]> {
  const result = await db.execute(sql`
    select id, clerk_user_id, email, credit_balance, credit_debt from users
    where clerk_user_id = ${who} or lower(email) = lower(${who})
    order by created_at`);
  return result.rows.map((r) => ({ id: r.id as string, clerkUserId: r.clerk_user_id as string, email: r.email as string, balance: Number(r.credit_balance), debt: Number(r.credit_debt) }));
}

export interface OperatorEntry {
  id: string;
  userId: string;
  /** What went to the balance: the adjustment less what paid the buyer's open debt. */
  credits: number;
  /** What paid the open debt first (credits given to a buyer in debt pay it before any reach the balance). */
  debtPaid: number;
  balanceAfter: number | null;
  actor: string | null;
  reason: string | null;
  cause: string;
}

export type AdjustResult =
  | { outcome: 'adjusted' | 'replayed'; entry: OperatorEntry }
  /** Nothing written: the balance would go below zero, or (crediting an unmatched sale) it is no longer open. */
  | { outcome: 'refused'; balance: number }
  | { outcome: 'no_buyer' };

/**
 * One `adjustment` entry through the ledger's policy (`ledger_adjust`, migration 0009): the buyer's row locked, expired
 * holds released, an open debt paid first, never below zero, once per cause; with `unmatched`, the sale locked, needed
 * open and marked credited in the same call. Two callers with one cause for different buyers meet at the unique cause.
 */
async function writeAdjustment(
  db: Db,
  a: { userId: string; credits: number; cause: string; actor: string; reason: string; unmatched?: string; now?: Date },
): Promise<AdjustResult> {
  const entryId = createPrefixedId('cre');
  return settledByCause(async () => {
    const result = await db.execute(sql`
      select * from ledger_adjust(${a.userId}, ${a.credits}::int, ${a.cause}, ${a.actor}, ${a.reason}, ${a.unmatched ?? null},
        ${(a.now ?? new Date()).toISOString()}::timestamptz, ${entryId})`);
    const r = result.rows[0] ?? {};
    if (r.outcome === 'no_buyer' || !r.outcome) return { outcome: 'no_buyer' };
    if (r.outcome === 'refused') return { outcome: 'refused', balance: Number(r.balance) };
    const entry: OperatorEntry = {
      id: r.id as string,
      userId: r.user_id as string,
      credits: Number(r.credits),
      debtPaid: Number(r.debt_paid),
      balanceAfter: r.balance_after == null ? null : Number(r.balance_after),
      actor: (r.actor as string | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      cause: r.cause as string,
    };
    return { outcome: r.outcome === 'adjusted' ? 'adjusted' : 'replayed', entry };
  });
}

/**
 * A goodwill credit or a correction (`credits` may be negative), once per key; refused if it would go below zero.
 * Credits given to a buyer with an open debt pay it first (docs/operations.md).
 */
export function adjustBalance(db: Db, a: { userId: string; credits: number; key: string; actor: string; reason: string; now?: Date }): Promise<AdjustResult> {
  return writeAdjustment(db, { ...a, cause: `adjustment:${a.key}` });
}

export interface UnmatchedRow {
  sessionId: string;
  reason: UnmatchedCheckout['reason'];
  clerkUserId: string | null;
  amountCents: number | null;
  currency: string | null;
  createdAt: string;
  resolvedAt: string | null;
  resolution: 'credited' | 'dismissed' | null;
  resolutionReason: string | null;
  resolvedBy: string | null;
}

const unmatchedOf = (r: Record<string, unknown>): UnmatchedRow => ({
  sessionId: r.stripe_checkout_session_id as string,
  reason: r.reason as UnmatchedRow['reason'],
  clerkUserId: (r.clerk_user_id as string | null) ?? null,
  amountCents: r.amount_cents == null ? null : Number(r.amount_cents),
  currency: (r.currency as string | null) ?? null,
  createdAt: new Date(r.created_at as string).toISOString(),
  resolvedAt: r.resolved_at == null ? null : new Date(r.resolved_at as string).toISOString(),
  resolution: (r.resolution as UnmatchedRow['resolution']) ?? null,
  resolutionReason: (r.resolution_reason as string | null) ?? null,
  resolvedBy: (r.resolved_by as string | null) ?? null,
});

/** Open unmatched sales (all of them with `includeResolved`), oldest first. */
export async function listUnmatched(db: Db, { includeResolved = false } = {}): Promise<UnmatchedRow[]> {
  const result = await db.execute(sql`
    select * from unmatched_checkouts ${includeResolved ? sql`` : sql`where resolved_at is null`} order by created_at`);
  return result.rows.map(unmatchedOf);
}

export async function findUnmatched(db: Db, sessionId: string): Promise<UnmatchedRow | null> {
  const result = await db.execute(sql`select * from unmatched_checkouts where stripe_checkout_session_id = ${sessionId}`);
  return result.rows[0] ? unmatchedOf(result.rows[0]) : null;
}

/**
 * Credits an unmatched sale to a buyer: the adjustment entry (cause `unmatched:<session>`) and the sale's resolution
 * in one call, with the sale locked, so a sale is credited at most once and never both credited and dismissed.
 */
export function creditUnmatched(db: Db, u: { sessionId: string; userId: string; credits: number; actor: string; reason: string; now?: Date }): Promise<AdjustResult> {
  return writeAdjustment(db, { userId: u.userId, credits: u.credits, cause: `unmatched:${u.sessionId}`, actor: u.actor, reason: u.reason, unmatched: u.sessionId, now: u.now });
}

/** Dismisses an open unmatched sale with a reason; answers the row as it now stands (a dismissed one stays as it was). */
export async function dismissUnmatched(db: Db, u: { sessionId: string; actor: string; reason: string }): Promise<{ changed: boolean; row: UnmatchedRow | null }> {
  const result = await db.execute(sql`
    with changed as (
      update unmatched_checkouts set resolved_at = now(), resolution = 'dismissed', resolution_reason = ${u.reason},
             resolved_by = ${u.actor}, updated_at = now()
      where stripe_checkout_session_id = ${u.sessionId} and resolved_at is null
      returning *
    )
    select *, true as changed from changed
    union all
    select *, false from unmatched_checkouts where stripe_checkout_session_id = ${u.sessionId} and not exists (select 1 from changed)`);
  const row = result.rows[0];
  return { changed: row?.changed === true, row: row ? unmatchedOf(row) : null };
}

export interface LedgerLine {
  createdAt: string;
  kind: string;
  credits: number;
  shortfall: number;
  debtPaid: number;
  cause: string;
  reference: string | null;
  actor: string | null;
  reason: string | null;
}

/** A buyer's entries, oldest first. */
export async function listLedger(db: Db, userId: string): Promise<LedgerLine[]> {
  const result = await db.execute(sql`
    select created_at, kind, credits, shortfall, debt_paid, cause, reference, actor, reason from credit_entries
    where user_id = ${userId} order by created_at, id`);
  return result.rows.map((r) => ({
    createdAt: new Date(r.created_at as string).toISOString(),
    kind: r.kind as string,
    credits: Number(r.credits),
    shortfall: Number(r.shortfall),
    debtPaid: Number(r.debt_paid),
    cause: r.cause as string,
    reference: (r.reference as string | null) ?? null,
    actor: (r.actor as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
  }));
}
