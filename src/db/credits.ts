// The statements that spend and hold credits. Each is ONE call of a PL/pgSQL function (drizzle/0007_ledger_policy.sql)
// that first locks the buyer's users row: every change to one buyer's credits runs one at a time, and each statement
// inside sees the latest committed state, so the same Idempotency-Key sent twice at once answers the first debit twice
// (never insufficient_credits for a debit that happened). The policy is docs/fulfilment-and-ledger.md's.
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { createPrefixedId } from '@/lib/ids';

/** Who placed a spend or hold: the buyer (session) or the booking service (shared secret). */
export type CreditsActor = 'buyer' | 'service';

/** How many unsettled, unexpired holds one buyer may have at once; the next is 409 hold_limit_reached. */
export const MAX_LIVE_HOLDS = 20;

export interface DebitInput {
  clerkUserId: string;
  kind: 'spend' | 'hold';
  credits: number;
  reference: string | null;
  /** The ledger cause that makes the debit idempotent, scoped per caller: `spend:<userId>:<key>` for the buyer,
   *  `spend:service:<userId>:<key>` for the service (and `hold:…` alike). */
  cause: string;
  actor: CreditsActor;
  now: Date;
  /** Holds only. */
  expiresAt: Date | null;
}

export type Settlement = 'confirmed' | 'released' | 'expired' | 'reversed';

export interface EntryView {
  id: string;
  kind: string;
  credits: number;
  reference: string | null;
  expiresAt: string | null;
  createdAt: string;
  balanceAfter: number | null;
  actor: CreditsActor | null;
}

export type DebitResult =
  | { outcome: 'debited'; entry: EntryView }
  | { outcome: 'replayed'; entry: EntryView; settlement: Settlement | null; balance: number }
  | { outcome: 'insufficient'; balance: number }
  | { outcome: 'hold_limit' };

const isoOrNull = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function entryView(row: Record<string, unknown>): EntryView {
  return {
    id: row.id as string,
    kind: row.kind as string,
    credits: Number(row.credits),
    reference: (row.reference as string | null) ?? null,
    expiresAt: isoOrNull(row.expires_at),
    createdAt: isoOrNull(row.created_at)!,
    balanceAfter: row.balance_after == null ? null : Number(row.balance_after),
    actor: (row.actor as CreditsActor | null) ?? null,
  };
}

const settlements: Record<string, Settlement> = { confirm: 'confirmed', release: 'released', expiry: 'expired', reversal: 'reversed' };

/**
 * Spends or holds credits: with the buyer locked, a cause that already has an entry answers it (a hold with its
 * settlement so far); otherwise expired holds are released, the live-hold cap checked, and the balance debited only
 * if it covers the debit. An insufficient balance writes nothing, so the key stays free.
 */
export async function debitCredits(db: Db, d: DebitInput): Promise<DebitResult> {
  const result = await db.execute(sql`
    select * from ledger_debit(${d.clerkUserId}, ${d.kind}, ${d.credits}::int, ${d.reference}::text, ${d.cause}, ${d.actor},
      ${d.now.toISOString()}::timestamptz, ${d.expiresAt?.toISOString() ?? null}::timestamptz, ${MAX_LIVE_HOLDS}::int, ${createPrefixedId('cre')})`);
  const row = result.rows[0] ?? {};
  switch (row.outcome) {
    case 'debited':
      return { outcome: 'debited', entry: entryView(row) };
    case 'replayed':
      return { outcome: 'replayed', entry: entryView(row), settlement: row.settled_by == null ? null : settlements[row.settled_by as string]!, balance: Number(row.balance) };
    case 'hold_limit':
      return { outcome: 'hold_limit' };
    default:
      return { outcome: 'insufficient', balance: Number(row.balance ?? 0) };
  }
}

export interface SettleInput {
  clerkUserId: string;
  holdId: string;
  action: 'confirm' | 'release';
  actor: CreditsActor;
  now: Date;
}

export type SettleResult =
  | { outcome: 'not_found' }
  | { outcome: 'not_owner'; hold: EntryView; balance: number }
  | { outcome: 'settled'; fresh: boolean; hold: EntryView; settlement: Settlement; balance: number };

/**
 * Confirms or releases a hold. Confirm, release, the release an expiry triggers and a reversal's taking share one
 * cause per hold (`hold_settle:<holdId>`), so exactly one of them ever happens; the others find it and answer from
 * it. Confirming an expired hold releases it (its credits return) and reports it expired. Only the hold's placer,
 * or the service, settles it: a buyer settling the service's hold is `not_owner` and changes nothing.
 */
export async function settleHold(db: Db, s: SettleInput): Promise<SettleResult> {
  const result = await db.execute(sql`
    select * from ledger_settle(${s.clerkUserId}, ${s.holdId}, ${s.action}, ${s.actor}, ${s.now.toISOString()}::timestamptz, ${createPrefixedId('cre')})`);
  const row = result.rows[0];
  if (!row || row.outcome === 'not_found') return { outcome: 'not_found' };
  const hold = entryView(row);
  if (row.outcome === 'not_owner') return { outcome: 'not_owner', hold, balance: Number(row.balance ?? 0) };
  return { outcome: 'settled', fresh: row.fresh === true, hold, settlement: settlements[row.settled_by as string]!, balance: Number(row.balance ?? 0) };
}
