// Refunds: full or partial, of a charge or a PaymentIntent's charge, never beyond what is left unrefunded. Each one
// updates the charge (amount_refunded, refunded) and emits `refund.created` and `charge.refunded`, as Stripe does.
import { errors } from './errors';
import type { FormObject } from './form';
import { newId } from './ids';
import { ensureKnown, expandList, metadata, optEnum, optPositiveInt, optString } from './params';
import { byPayment, page } from './events';
import { chargeRecord } from './payments';
import type { EmulatorStore } from './store';
import type { RefundObject, StripeEventObject } from './types';

export type EmitEvent = (type: StripeEventObject['type'], object: StripeEventObject['data']['object']) => string;

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export function createRefund(store: EmulatorStore, body: FormObject, emit: EmitEvent): RefundObject {
  ensureKnown(body, ['charge', 'payment_intent', 'amount', 'reason', 'metadata', 'expand'], undefined, ['instructions_email', 'origin', 'refund_application_fee', 'reverse_transfer', 'currency', 'customer']);
  expandList(body, []);
  const chargeParam = optString(body, 'charge', 'charge');
  const piParam = optString(body, 'payment_intent', 'payment_intent');
  if (chargeParam === undefined && piParam === undefined) throw errors.invalid('One of the following params should be provided for this request: payment_intent or charge.');
  let chargeId = chargeParam;
  if (chargeId === undefined) {
    const intent = store.paymentIntents.get(piParam ?? '');
    if (!intent) throw errors.resourceMissing('payment_intent', piParam ?? '', { param: 'payment_intent' });
    if (typeof intent.latest_charge !== 'string') throw errors.invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, { code: 'charge_not_refundable' });
    chargeId = intent.latest_charge;
  }
  const charge = chargeRecord(store, chargeId);
  if (charge.status !== 'succeeded') throw errors.invalid(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { code: 'charge_not_refundable' });
  if (charge.refunded) throw errors.invalid(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const dispute = [...store.disputes.values()].find((d) => d.charge === charge.id);
  if (dispute && !dispute.is_charge_refundable) throw errors.invalid(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
  const remaining = charge.amount - charge.amount_refunded;
  const amount = optPositiveInt(body, 'amount', 'amount') ?? remaining;
  if (amount > remaining) {
    throw errors.invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, { param: 'amount', code: 'amount_too_large' });
  }
  const refund = {
    id: newId.refund(),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: Math.floor(Date.now() / 1000),
    currency: charge.currency,
    metadata: metadata(body),
    payment_intent: charge.payment_intent,
    reason: optEnum(body, 'reason', 'reason', REASONS) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  } satisfies RefundObject;
  store.refunds.set(refund.id, refund);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  emit('refund.created', structuredClone(refund));
  emit('charge.refunded', structuredClone(charge));
  return structuredClone(refund);
}

/**
 * The bank gives up on a refund after it succeeded (`failed`, e.g. a closed card) or the refund is withdrawn
 * (`canceled`): the money stays with the merchant, so the charge's amount_refunded goes back down. Emits
 * `refund.updated`, `charge.refund.updated` and (for a failure) `refund.failed`, as Stripe does.
 */
export function endRefund(store: EmulatorStore, refundId: string, status: 'failed' | 'canceled', emit: EmitEvent): RefundObject {
  const refund = store.refunds.get(refundId);
  if (!refund) throw errors.resourceMissing('refund', refundId, { param: 'id', status: 404 });
  if (refund.status === 'failed' || refund.status === 'canceled') throw errors.invalid(`Refund ${refund.id} is already ${refund.status}.`);
  const charge = chargeRecord(store, refund.charge as string);
  if (refund.status === 'succeeded') charge.amount_refunded -= refund.amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  refund.status = status;
  if (status === 'failed') (refund as RefundObject & { failure_reason?: string }).failure_reason = 'expired_or_canceled_card';
  emit('refund.updated', structuredClone(refund));
  emit('charge.refund.updated', structuredClone(refund));
  if (status === 'failed') emit('refund.failed', structuredClone(refund));
  return structuredClone(refund);
}

export function retrieveRefund(store: EmulatorStore, id: string, query: FormObject): RefundObject {
  ensureKnown(query, ['expand']);
  expandList(query, []);
  const refund = store.refunds.get(id);
  if (!refund) throw errors.resourceMissing('refund', id, { param: 'id', status: 404 });
  return structuredClone(refund);
}

/** Newest first, filtered by charge or payment_intent; one page of up to `limit` (default 10, at most 100). */
/** Newest first, filtered by charge or payment_intent. */
export function listRefunds(store: EmulatorStore, query: FormObject) {
  return page(byPayment([...store.refunds.values()], query), query, '/v1/refunds');
}
