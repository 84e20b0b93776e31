// The statements reconciliation runs: its state row (watermark, the sweep in progress) and the one query per page of
// Checkout Sessions that tells which of them need no fulfilment (already credited, or already recorded as unmatched).
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { reconcileState, type ReconcilePhase, type ReconcileState } from './schema';

export async function readReconcileState(db: Db, id: string): Promise<ReconcileState | null> {
  const rows = await db.select().from(reconcileState).where(sql`${reconcileState.id} = ${id}`);
  return rows[0] ?? null;
}

export interface ReconcileProgress {
  watermark: number | null;
  sweepFrom: number | null;
  sweepUntil: number | null;
  phase: ReconcilePhase | null;
  cursor: string | null;
}

export async function saveReconcileState(db: Db, id: string, p: ReconcileProgress): Promise<void> {
  await db
    .insert(reconcileState)
    .values({ id, ...p, updatedAt: new Date() })
    .onConflictDoUpdate({ target: reconcileState.id, set: { ...p, updatedAt: new Date() } });
}

/** Of these session ids, the ones already credited or recorded as unmatched: one round trip for a whole page. */
export async function findSettledSessions(db: Db, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const ids = sql`(${sql.join(sessionIds.map((id) => sql`${id}`), sql`, `)})`;
  const result = await db.execute(sql`
    select stripe_checkout_session_id as id from purchases where credited_at is not null and stripe_checkout_session_id in ${ids}
    union all
    select stripe_checkout_session_id from unmatched_checkouts where stripe_checkout_session_id in ${ids}`);
  return new Set(result.rows.map((r) => r.id as string));
}

