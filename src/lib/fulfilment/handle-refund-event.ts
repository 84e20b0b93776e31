// charge.refunded / refund.created / refund.updated / charge.refund.updated: re-reads the charge and all its refunds
// from Stripe and brings the payment's running total of money returned to their state, once per refund and change,
// whichever of these events arrives first: a succeeded refund adds its amount, one Stripe later marks failed or
// canceled takes it off again (its credits come back, paying any debt first).
import type Stripe from 'stripe';
import { refundReversals } from './apply-reversals';
import { summariseReversals, type EventResult } from './event-result';
import type { FulfilmentDeps } from './fulfil-checkout';
import { reversePayment } from './reverse-payment';
import { idOf } from './id-of';
import { readStripe } from './read-stripe';
import { refundEventCharge } from './refund-event-charge';

export async function handleRefundEvent(event: Stripe.Event, deps: FulfilmentDeps): Promise<EventResult> {
  const chargeId = refundEventCharge(event);
  if (!chargeId) return { outcome: 'ignored' };
  const [charge, refunds] = await Promise.all([
    readStripe(deps, () => deps.stripe.charges.retrieve(chargeId)),
    readStripe(deps, () => deps.stripe.refunds.list({ charge: chargeId, limit: 100 }).autoPagingToArray({ limit: 10_000 })),
  ]);
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return { outcome: 'ignored', facts: { charge: chargeId } };
  // Oldest first (Stripe lists newest first). The credits follow from the running total, so the order only decides
  // which refund's entry carries a rounding step, never the total.
  const reversals = refundReversals(paymentIntentId, refunds.reverse());
  const results = [];
  for (const reversal of reversals) results.push(await reversePayment(reversal, deps));
  return summariseReversals(results, { charge: chargeId, refunds: refunds.filter((r) => r.status === 'succeeded').length });
}
