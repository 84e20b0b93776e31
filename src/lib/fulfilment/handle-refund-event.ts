// charge.refunded / refund.created / refund.updated: re-reads the charge and all its refunds from Stripe and takes
// back each succeeded refund's share of the credits, once per refund, whichever of these events arrives first.
import type Stripe from 'stripe';
import { callStripe } from '@/lib/http';
import { summariseReversals, type EventResult } from './event-result';
import type { FulfilmentDeps } from './fulfil-checkout';
import { reversePayment } from './reverse-payment';

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : (value?.id ?? null));

export async function handleRefundEvent(event: Stripe.Event, deps: FulfilmentDeps): Promise<EventResult> {
  const object = event.data.object as Stripe.Charge | Stripe.Refund;
  const chargeId = object.object === 'charge' ? object.id : idOf(object.charge);
  if (!chargeId) return { outcome: 'ignored' };
  const [charge, refunds] = await Promise.all([
    callStripe(() => deps.stripe.charges.retrieve(chargeId)),
    callStripe(() => deps.stripe.refunds.list({ charge: chargeId, limit: 100 }).autoPagingToArray({ limit: 10_000 })),
  ]);
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return { outcome: 'ignored', facts: { charge: chargeId } };
  // Oldest first, in Stripe's own order (it lists newest first; a new refund is always the newest, even within the
  // same second, where ids say nothing): each refund's credits are the step it adds to the running total, so the
  // split never depends on which refund's event came first. Pending or failed refunds move nothing.
  const succeeded = refunds.reverse().filter((r) => r.status === 'succeeded');
  const results = [];
  let before = 0;
  for (const refund of succeeded) {
    const after = before + refund.amount;
    results.push(
      await reversePayment(
        { stripePaymentIntentId: paymentIntentId, kind: 'refund', cause: `refund:${refund.id}`, amountBefore: before, amountAfter: after, amountOf: charge.amount },
        deps,
      ),
    );
    before = after;
  }
  return summariseReversals(results, { charge: chargeId, refunds: succeeded.length });
}
