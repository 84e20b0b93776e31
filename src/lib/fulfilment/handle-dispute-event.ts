// charge.dispute.* events: re-reads the dispute from Stripe and brings the ledger to its state — a chargeback (any
// status but an inquiry's `warning_*`) adds the disputed amount to the payment's running total of money returned; a
// won one takes it off again (the credits come back, paying any debt first). Both are keyed by the dispute, so any
// order and any number of deliveries end the same.
import type Stripe from 'stripe';
import { disputeReversals } from './apply-reversals';
import { summariseReversals, type EventResult } from './event-result';
import type { FulfilmentDeps } from './fulfil-checkout';
import { reversePayment } from './reverse-payment';
import { idOf } from './id-of';
import { readStripe } from './read-stripe';

export async function handleDisputeEvent(event: Stripe.Event, deps: FulfilmentDeps): Promise<EventResult> {
  const disputeId = (event.data.object as Stripe.Dispute).id;
  const dispute = await readStripe(deps, () => deps.stripe.disputes.retrieve(disputeId));
  const facts = { dispute: dispute.id, status: dispute.status };
  // An inquiry moves no money; if it escalates, Stripe sends the chargeback's own events.
  if (dispute.status.startsWith('warning_')) return { outcome: 'ignored', facts };
  const chargeId = idOf(dispute.charge);
  const charge = chargeId ? await readStripe(deps, () => deps.stripe.charges.retrieve(chargeId)) : null;
  const paymentIntentId = idOf(charge?.payment_intent);
  if (!charge || !paymentIntentId) return { outcome: 'ignored', facts };
  const [withdraw, reinstate] = disputeReversals(paymentIntentId, dispute);
  const withdrawn = await reversePayment(withdraw!, deps);
  const summary = summariseReversals([withdrawn], facts);
  if (!reinstate || !withdrawn.purchaseFound) return summary;
  const reinstated = await reversePayment(reinstate, deps);
  return { outcome: reinstated.applied ? 'reinstated' : 'already_reinstated', facts: { ...facts, credits: reinstated.credits } };
}
