// A purchase's status for the buyer, from its row and its ledger entries: what refunds and disputes took back.
import type { HistoryPurchase } from '@/db/receipts';

export type PurchaseStatusLabel = 'pending' | 'failed' | 'paid' | 'partially refunded' | 'refunded' | 'disputed';

export function purchaseStatus(p: HistoryPurchase): PurchaseStatusLabel {
  if (p.status !== 'paid') return p.status;
  if (p.disputedCredits > 0) return 'disputed';
  if (p.refundedCredits >= p.creditQty) return 'refunded';
  return p.refundedCredits > 0 ? 'partially refunded' : 'paid';
}
