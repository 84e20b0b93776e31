// What a buyer's history and receipts read: purchases with what refunds and disputes took back, the ledger's entries a
// page at a time, and one's own purchase.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { creditEntries, purchases, users, type CreditEntry, type Purchase } from './schema';

export interface HistoryPurchase extends Purchase {
  /** Credits the payment's refunds reversed (net of failed or canceled ones). */
  refundedCredits: number;
  /** Credits its open or lost disputes reversed (net of won ones). */
  disputedCredits: number;
  /** Credits its reversals could not take because they had been used (they became the buyer's debt). */
  shortfall: number;
}

/** Entries per page of the history; purchases shown are the newest this many. */
const HISTORY_PAGE_SIZE = 50;

// A cursor names the last entry shown: its created_at to the microsecond and its id (ties broken by id).
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(cre_[A-Za-z0-9_-]{1,64})$/;
const cursorOf = sql<string>`to_char(${creditEntries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || ${creditEntries.id}`;

export interface PurchaseHistory {
  balance: number | null;
  /** Credits reversals could not take, to be paid from credits that come back or are bought. */
  debt: number;
  purchases: HistoryPurchase[];
  /** One page of the ledger, newest first. */
  entries: CreditEntry[];
  /** The cursor of the next (older) page (`?before=`), or null on the last page. */
  older: string | null;
}

/**
 * The buyer's newest purchases, with what refunds and disputes took back of each, and one page of ledger entries,
 * newest first: those before `before` (a cursor from an earlier page; an invalid one reads as the first page).
 */
export async function listPurchaseHistory(db: Db, clerkUserId: string, options: { before?: string | null; pageSize?: number } = {}): Promise<PurchaseHistory> {
  const pageSize = options.pageSize ?? HISTORY_PAGE_SIZE;
  const cursor = options.before ? CURSOR.exec(options.before) : null;
  // One round trip: every query finds the buyer by Clerk id itself, and the totals cover the same newest purchases.
  const userId = sql`(select ${users.id} from ${users} where ${users.clerkUserId} = ${clerkUserId})`;
  const newestPurchases = db.select({ id: purchases.id }).from(purchases).where(eq(purchases.userId, userId)).orderBy(desc(purchases.createdAt)).limit(pageSize);
  const [found, rows, page, totals] = await db.batch([
    db.select({ creditBalance: users.creditBalance, creditDebt: users.creditDebt }).from(users).where(eq(users.clerkUserId, clerkUserId)),
    db.select().from(purchases).where(eq(purchases.userId, userId)).orderBy(desc(purchases.createdAt)).limit(pageSize),
    db
      .select({ entry: creditEntries, cursor: cursorOf })
      .from(creditEntries)
      .where(and(eq(creditEntries.userId, userId), cursor ? sql`(${creditEntries.createdAt}, ${creditEntries.id}) < (${cursor[1]}::timestamptz, ${cursor[2]})` : undefined))
      .orderBy(desc(creditEntries.createdAt), desc(creditEntries.id))
      .limit(pageSize + 1),
    db
      .select({
        purchaseId: creditEntries.purchaseId,
        refunded: sql<number>`coalesce(sum(${creditEntries.reversed}) filter (where ${creditEntries.kind} in ('refund', 'refund_failed')), 0)::int`,
        disputed: sql<number>`coalesce(sum(${creditEntries.reversed}) filter (where ${creditEntries.kind} in ('dispute_withdrawn', 'dispute_reinstated')), 0)::int`,
        shortfall: sql<number>`coalesce(sum(${creditEntries.shortfall}), 0)::int`,
      })
      .from(creditEntries)
      .where(inArray(creditEntries.purchaseId, newestPurchases))
      .groupBy(creditEntries.purchaseId),
  ]);
  const user = found[0];
  if (!user) return { balance: null, debt: 0, purchases: [], entries: [], older: null };
  const byPurchase = new Map(totals.map((t) => [t.purchaseId, t]));
  const entries = page.slice(0, pageSize);
  return {
    balance: user.creditBalance,
    debt: user.creditDebt,
    entries: entries.map((e) => e.entry),
    older: page.length > pageSize ? entries.at(-1)!.cursor : null,
    purchases: rows.map((p) => {
      const t = byPurchase.get(p.id);
      return { ...p, refundedCredits: Number(t?.refunded ?? 0), disputedCredits: Number(t?.disputed ?? 0), shortfall: Number(t?.shortfall ?? 0) };
    }),
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
