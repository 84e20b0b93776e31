// Disputes: opened on a paid charge by the card network (here: the test control), with Stripe's lifecycle — an
// inquiry (`warning_needs_response`) moves no money; a chargeback withdraws the disputed amount at once
// (`charge.dispute.funds_withdrawn`); winning it reinstates the funds (`charge.dispute.funds_reinstated`).
import { errors } from './errors';
import type { FormObject } from './form';
import { newId } from './ids';
import { ensureKnown, expandList } from './params';
import { byPayment, page } from './events';
import { chargeRecord } from './payments';
import type { EmitEvent } from './refunds';
import type { EmulatorStore } from './store';
import type { DisputeObject } from './types';

export interface OpenDisputeOptions {
  amount?: number;
  reason?: string;
  /** An inquiry: no funds move until it escalates or closes. */
  inquiry?: boolean;
}

export function openDispute(store: EmulatorStore, chargeId: string, opts: OpenDisputeOptions, emit: EmitEvent): string {
  const charge = chargeRecord(store, chargeId);
  if (charge.status !== 'succeeded') throw errors.invalid(`Charge ${chargeId} has not succeeded.`);
  if ([...store.disputes.values()].some((d) => d.charge === chargeId)) throw errors.invalid(`Charge ${chargeId} is already disputed.`);
  const amount = opts.amount ?? charge.amount - charge.amount_refunded;
  const nullEvidence = Object.fromEntries(
    ['access_activity_log', 'billing_address', 'cancellation_policy', 'cancellation_policy_disclosure', 'cancellation_rebuttal', 'customer_communication',
      'customer_email_address', 'customer_name', 'customer_purchase_ip', 'customer_signature', 'duplicate_charge_documentation',
      'duplicate_charge_explanation', 'duplicate_charge_id', 'product_description', 'receipt', 'refund_policy', 'refund_policy_disclosure',
      'refund_refusal_explanation', 'service_date', 'service_documentation', 'shipping_address', 'shipping_carrier', 'shipping_date',
      'shipping_documentation', 'shipping_tracking_number', 'uncategorized_file', 'uncategorized_text'].map((k) => [k, null]),
  );
  const dispute = {
    id: newId.dispute(),
    object: 'dispute',
    amount,
    // Stripe lists the withdrawal and reinstatement balance transactions here; the emulator keeps no balance.
    balance_transactions: [],
    charge: chargeId,
    created: Math.floor(Date.now() / 1000),
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: { ...nullEvidence, enhanced_evidence: {} } as unknown as DisputeObject['evidence'],
    evidence_details: { due_by: Math.floor(Date.now() / 1000) + 7 * 86400, enhanced_eligibility: {}, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: opts.reason ?? 'fraudulent',
    status: opts.inquiry ? 'warning_needs_response' : 'needs_response',
  } satisfies DisputeObject;
  store.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  emit('charge.dispute.created', structuredClone(dispute));
  if (!opts.inquiry) emit('charge.dispute.funds_withdrawn', structuredClone(dispute));
  return dispute.id;
}

/** The network's decision. Won: funds come back. Lost: they stay withdrawn. An inquiry closes as warning_closed. */
export function closeDispute(store: EmulatorStore, id: string, outcome: 'won' | 'lost', emit: EmitEvent): DisputeObject {
  const dispute = disputeRecord(store, id);
  if (['won', 'lost', 'warning_closed'].includes(dispute.status)) throw errors.invalid(`Dispute ${id} is already closed.`);
  const inquiry = dispute.status.startsWith('warning_');
  dispute.status = inquiry ? 'warning_closed' : outcome;
  emit('charge.dispute.closed', structuredClone(dispute));
  if (!inquiry && outcome === 'won') emit('charge.dispute.funds_reinstated', structuredClone(dispute));
  return structuredClone(dispute);
}

function disputeRecord(store: EmulatorStore, id: string): DisputeObject {
  const dispute = store.disputes.get(id);
  if (!dispute) throw errors.resourceMissing('dispute', id, { param: 'dispute', status: 404 });
  return dispute;
}

export function retrieveDispute(store: EmulatorStore, id: string, query: FormObject): DisputeObject {
  ensureKnown(query, ['expand']);
  expandList(query, []);
  return structuredClone(disputeRecord(store, id));
}

/** POST /v1/disputes/:id/close — the merchant accepts the dispute: it is lost. */
export function acceptDispute(store: EmulatorStore, id: string, body: FormObject, emit: EmitEvent): DisputeObject {
  ensureKnown(body, ['expand']);
  return closeDispute(store, id, 'lost', emit);
}

/** Newest first, filtered by charge or payment_intent. */
export function listDisputes(store: EmulatorStore, query: FormObject) {
  return page(byPayment([...store.disputes.values()], query), query, '/v1/disputes');
}
