// The statements behind the operator tools (`npm run billing:adjust`, `billing:unmatched`, `billing:ledger`): find a
// buyer, adjust a balance, credit or dismiss an unmatched paid sale, read a buyer's ledger. Every write is ONE
// conditional statement keyed by its ledger cause (`adjustment:<key>`, `unmatched:<session>`): the balance never goes
// below zero, and a replayed key finds the first entry instead of moving the balance again.
import { sql, type SQL } from 'drizzle-orm';
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
  credits: number;
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

const entryOf = (r: Record<string, unknown>, p: string): OperatorEntry => ({
  id: r[`${p}id`] as string,
  userId: r[`${p}user_id`] as string,
  credits: Number(r[`${p}credits`]),
  balanceAfter: r[`${p}balance_after`] == null ? null : Number(r[`${p}balance_after`]),
  actor: (r[`${p}actor`] as string | null) ?? null,
  reason: (r[`${p}reason`] as string | null) ?? null,
  cause: r[`${p}cause`] as string,
});

/**
 * One `adjustment` entry and the balance move, in one statement: the users update is the gate (only while the cause
 * has no entry and the balance stays ≥ 0), the entry is written from its RETURNING without ON CONFLICT, so a racing
 * statement with the same cause aborts whole and, run again, finds the winner's entry. `also` is a further CTE
 * (`resolved`) that runs only when the balance moved: the unmatched sale's resolution.
 */
async function writeAdjustment(
  db: Db,
  a: { userId: string; credits: number; cause: string; actor: string; reason: string },
  { gate = sql`true`, also = sql`resolved as (select 1)` }: { gate?: SQL; also?: SQL } = {},
): Promise<AdjustResult> {
  const entryId = createPrefixedId('cre');
  return settledByCause(async () => {
    const result = await db.execute(sql`
      with prior as (select * from credit_entries where cause = ${a.cause}),
      moved as (
        update users set credit_balance = credit_balance + ${a.credits}::int, updated_at = now()
        where id = ${a.userId} and not exists (select 1 from prior) and credit_balance + ${a.credits}::int >= 0 and ${gate}
        returning id, credit_balance
      ),
      written as (
        insert into credit_entries (id, user_id, kind, credits, cause, balance_after, actor, reason)
        select ${entryId}, moved.id, 'adjustment', ${a.credits}::int, ${a.cause}, moved.credit_balance, ${a.actor}, ${a.reason}
        from moved
        returning *
      ),
      ${also}
      select w.id as w_id, w.user_id as w_user_id, w.credits as w_credits, w.balance_after as w_balance_after,
             w.actor as w_actor, w.reason as w_reason, w.cause as w_cause,
             p.id as p_id, p.user_id as p_user_id, p.credits as p_credits, p.balance_after as p_balance_after,
             p.actor as p_actor, p.reason as p_reason, p.cause as p_cause,
             (select credit_balance from users where id = ${a.userId}) as balance,
             (select count(*) from resolved)::int as resolved
      from (select 1) one left join written w on true left join prior p on true`);
    const row = result.rows[0] ?? {};
    if (row.w_id != null) return { outcome: 'adjusted', entry: entryOf(row, 'w_') };
    if (row.p_id != null) return { outcome: 'replayed', entry: entryOf(row, 'p_') };
    if (row.balance == null) return { outcome: 'no_buyer' };
    return { outcome: 'refused', balance: Number(row.balance) };
  });
}

/** A goodwill credit or a correction (`credits` may be negative), once per key; refused if it would go below zero. */
export function adjustBalance(db: Db, a: { userId: string; credits: number; key: string; actor: string; reason: string }): Promise<AdjustResult> {
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
 * in one statement, so a sale is credited at most once and never both credited and left open.
 */
export function creditUnmatched(db: Db, u: { sessionId: string; userId: string; credits: number; actor: string; reason: string }): Promise<AdjustResult> {
  return writeAdjustment(
    db,
    { userId: u.userId, credits: u.credits, cause: `unmatched:${u.sessionId}`, actor: u.actor, reason: u.reason },
    {
      // Only an open sale: one dismissed meanwhile is not credited.
      gate: sql`exists (select 1 from unmatched_checkouts where stripe_checkout_session_id = ${u.sessionId} and resolved_at is null)`,
      also: sql`resolved as (
      update unmatched_checkouts set resolved_at = now(), resolution = 'credited', resolution_reason = ${u.reason},
             resolved_by = ${u.actor}, updated_at = now()
      where stripe_checkout_session_id = ${u.sessionId} and resolved_at is null and exists (select 1 from written)
      returning 1
    )`,
    },
  );
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
  cause: string;
  reference: string | null;
  actor: string | null;
  reason: string | null;
}

/** A buyer's entries, oldest first. */
export async function listLedger(db: Db, userId: string): Promise<LedgerLine[]> {
  const result = await db.execute(sql`
    select created_at, kind, credits, shortfall, cause, reference, actor, reason from credit_entries
    where user_id = ${userId} order by created_at, id`);
  return result.rows.map((r) => ({
    createdAt: new Date(r.created_at as string).toISOString(),
    kind: r.kind as string,
    credits: Number(r.credits),
    shortfall: Number(r.shortfall),
    cause: r.cause as string,
    reference: (r.reference as string | null) ?? null,
    actor: (r.actor as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
  }));
}
