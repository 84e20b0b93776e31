// Brings the ledger to the state Stripe reports for one charge's refunds or one dispute. The webhook handlers call it
// with what they re-read from Stripe; the model-based tests call it with their own records.
import type { Db } from '@/db/client';
import { reinstateDispute, reverseCredits, type ReversalResult } from '@/db/fulfilment';

export interface RefundState { id: string; amount: number; status: string }
export interface DisputeState { id: string; amount: number; status: string }

/** Refunds oldest first, as Stripe lists them reversed: each succeeded refund's credits are its step of the running total. */
export async function applyRefundStates(db: Db, paymentIntentId: string, chargeAmount: number, refunds: RefundState[]): Promise<ReversalResult[]> {
  const results: ReversalResult[] = [];
  let before = 0;
  for (const refund of refunds.filter((r) => r.status === 'succeeded')) {
    const after = before + refund.amount;
    results.push(await reverseCredits(db, { stripePaymentIntentId: paymentIntentId, kind: 'refund', cause: `refund:${refund.id}`, amountBefore: before, amountAfter: after, amountOf: chargeAmount }));
    before = after;
  }
  return results;
}

export async function applyDisputeState(db: Db, paymentIntentId: string, chargeAmount: number, dispute: DisputeState): Promise<{ withdrawn: ReversalResult; reinstated?: ReversalResult }> {
  const withdrawn = await reverseCredits(db, { stripePaymentIntentId: paymentIntentId, kind: 'dispute_withdrawn', cause: `dispute:${dispute.id}:withdrawn`, amountBefore: 0, amountAfter: dispute.amount, amountOf: chargeAmount });
  if (dispute.status !== 'won' || !withdrawn.purchaseFound) return { withdrawn };
  return { withdrawn, reinstated: await reinstateDispute(db, dispute.id) };
}
