// What a buyer's history and receipts read: purchases with what refunds and disputes took back, and one's own purchase.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { findUserByClerkId } from './checkout';
import { creditEntries, purchases, users, type CreditEntry, type Purchase } from './schema';

export interface HistoryPurchase extends Purchase {
  refundedCredits: number;
  disputedCredits: number;
  shortfall: number;
}

/** The buyer's purchases, newest first, with what refunds and open/lost disputes took back of each. */
export async function listPurchaseHistory(db: Db, clerkUserId: string): Promise<{ balance: number | null; purchases: HistoryPurchase[]; entries: CreditEntry[] }> {
  const user = await findUserByClerkId(db, clerkUserId);
  if (!user) return { balance: null, purchases: [], entries: [] };
  const [rows, entries] = await db.batch([
    db.select().from(purchases).where(eq(purchases.userId, user.id)).orderBy(desc(purchases.createdAt)),
    db.select().from(creditEntries).where(eq(creditEntries.userId, user.id)).orderBy(desc(creditEntries.createdAt)),
  ]);
  const reinstated = new Set(entries.filter((e) => e.kind === 'dispute_reinstated').map((e) => e.cause.replace(/:reinstated$/, ':withdrawn')));
  const sum = (purchaseId: string, pick: (e: CreditEntry) => number) =>
    entries.filter((e) => e.purchaseId === purchaseId).reduce((n, e) => n + pick(e), 0);
  return {
    balance: user.creditBalance,
    entries,
    purchases: rows.map((p) => ({
      ...p,
      refundedCredits: sum(p.id, (e) => (e.kind === 'refund' ? -e.credits + e.shortfall : 0)),
      disputedCredits: sum(p.id, (e) => (e.kind === 'dispute_withdrawn' && !reinstated.has(e.cause) ? -e.credits + e.shortfall : 0)),
      shortfall: sum(p.id, (e) => (e.kind === 'refund' || (e.kind === 'dispute_withdrawn' && !reinstated.has(e.cause)) ? e.shortfall : 0)),
    })),
  };
}

/** The purchase, only if it belongs to this Clerk user: anyone else's id reads as no purchase at all. */
export async function findOwnPurchase(db: Db, purchaseId: string, clerkUserId: string): Promise<Purchase | undefined> {
  const [row] = await db
    .select({ purchase: purchases })
    .from(purchases)
    .innerJoin(users, eq(users.id, purchases.userId))
    .where(and(eq(purchases.id, purchaseId), eq(users.clerkUserId, clerkUserId)));
  return row?.purchase;
}
