// What one charge's refunds, or one dispute, as Stripe reports them now, change in the payment's running total of
// money returned: the list of ledger reversals that bring the ledger to that state, each keyed by its cause so any
// number of deliveries, in any order, end the same. The webhook handlers run them (reversePayment); the model-based
// tests run them directly.
import type { Reversal } from '@/db/fulfilment';

export interface RefundState { id: string; amount: number; status: string | null }
export interface DisputeState { id: string; amount: number; status: string }

/**
 * A succeeded refund adds its amount (`refund:<id>`); a refund Stripe later marks failed or canceled takes it off
 * again (`refund:<id>:failed`) — but only if its success was recorded, so a refund seen only after it failed moves
 * nothing. Pending refunds move nothing.
 */
export function refundReversals(paymentIntentId: string, refunds: RefundState[], now?: Date): Reversal[] {
  const out: Reversal[] = [];
  for (const r of refunds) {
    const cause = `refund:${r.id}`;
    if (r.status === 'succeeded') out.push({ stripePaymentIntentId: paymentIntentId, kind: 'refund', cause, amount: r.amount, now });
    else if (r.status === 'failed' || r.status === 'canceled') {
      out.push({ stripePaymentIntentId: paymentIntentId, kind: 'refund_failed', cause: `${cause}:failed`, amount: -r.amount, requires: cause, now });
    }
  }
  return out;
}

/** A chargeback (any status but an inquiry's `warning_*`) adds the disputed amount; a won one takes it off again. */
export function disputeReversals(paymentIntentId: string, dispute: DisputeState, now?: Date): Reversal[] {
  if (dispute.status.startsWith('warning_')) return [];
  const withdrawn = `dispute:${dispute.id}:withdrawn`;
  const out: Reversal[] = [{ stripePaymentIntentId: paymentIntentId, kind: 'dispute_withdrawn', cause: withdrawn, amount: dispute.amount, now }];
  if (dispute.status === 'won') {
    out.push({ stripePaymentIntentId: paymentIntentId, kind: 'dispute_reinstated', cause: `dispute:${dispute.id}:reinstated`, amount: -dispute.amount, requires: withdrawn, now });
  }
  return out;
}
