// charge.dispute.* events: re-reads the dispute from Stripe and brings the ledger to its state — a chargeback (any
// status but an inquiry's `warning_*`) takes the disputed share of the credits back; a won one puts back exactly what
// was taken. Both are keyed by the dispute, so any order and any number of deliveries end the same.
import type Stripe from 'stripe';
import { reinstateDispute } from '@/db/fulfilment';
import { callUpstream } from '@/lib/http';
import { callStripe } from '@/lib/http';
import { summariseReversals, type EventResult } from './event-result';
import type { FulfilmentDeps } from './fulfil-checkout';
import { reversePayment } from './reverse-payment';

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : (value?.id ?? null));

export async function handleDisputeEvent(event: Stripe.Event, deps: FulfilmentDeps): Promise<EventResult> {
  const disputeId = (event.data.object as Stripe.Dispute).id;
  const dispute = await callStripe(() => deps.stripe.disputes.retrieve(disputeId));
  const facts = { dispute: dispute.id, status: dispute.status };
  // An inquiry moves no money; if it escalates, Stripe sends the chargeback's own events.
  if (dispute.status.startsWith('warning_')) return { outcome: 'ignored', facts };
  const chargeId = idOf(dispute.charge);
  const charge = chargeId ? await callStripe(() => deps.stripe.charges.retrieve(chargeId)) : null;
  const paymentIntentId = idOf(charge?.payment_intent);
  if (!charge || !paymentIntentId) return { outcome: 'ignored', facts };
  const withdrawn = await reversePayment(
    { stripePaymentIntentId: paymentIntentId, kind: 'dispute_withdrawn', cause: `dispute:${dispute.id}:withdrawn`, amountBefore: 0, amountAfter: dispute.amount, amountOf: charge.amount },
    deps,
  );
  const summary = summariseReversals([withdrawn], facts);
  if (dispute.status !== 'won' || !withdrawn.purchaseFound) return summary;
  const reinstated = await callUpstream('db', () => reinstateDispute(deps.db, dispute.id));
  return { outcome: reinstated.applied ? 'reinstated' : 'already_reinstated', facts: { ...facts, credits: reinstated.credits } };
}
