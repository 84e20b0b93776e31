// PaymentIntents and Charges: created when a Checkout Session is paid (one PaymentIntent, one Charge, with a
// receipt_url the emulator serves), settled with a delayed payment, and read back through the API like Stripe's.
import { errors } from './errors';
import type { FormObject } from './form';
import { newId } from './ids';
import { newestFirst } from './events';
import { ensureKnown, expandList } from './params';
import type { EmulatorStore } from './store';
import type { ChargeObject, CheckoutSessionObject, PaymentIntentObject } from './types';

const now = () => Math.floor(Date.now() / 1000);

/** Creates the PaymentIntent and its Charge for a session being paid; a delayed method leaves both processing. */
export function createPaymentForSession(store: EmulatorStore, session: CheckoutSessionObject, opts: { pending: boolean; receiptBase: string }): string {
  const amount = session.amount_total ?? 0;
  const currency = session.currency ?? 'usd';
  const customer = typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? null);
  const piId = newId.paymentIntent();
  const chargeId = newId.charge();
  const created = now();
  const charge = {
    id: chargeId,
    object: 'charge',
    amount,
    amount_captured: opts.pending ? 0 : amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: null, email: session.customer_details?.email ?? null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'WORKSHOP CREDITS',
    captured: !opts.pending,
    created,
    currency,
    customer,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: !opts.pending,
    payment_intent: piId,
    payment_method: null,
    payment_method_details: null,
    receipt_email: session.customer_details?.email ?? null,
    receipt_number: null,
    receipt_url: `${opts.receiptBase}/receipts/${chargeId}`,
    refunded: false,
    refunds: null,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: opts.pending ? 'pending' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  } satisfies ChargeObject;
  const intent = {
    id: piId,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: opts.pending ? 0 : amount,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${piId}_secret_${newId.request().slice(4)}`,
    confirmation_method: 'automatic',
    created,
    currency,
    customer,
    customer_account: null,
    description: null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: chargeId,
    livemode: false,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: opts.pending ? 'processing' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  } satisfies PaymentIntentObject;
  store.paymentIntents.set(piId, intent);
  store.charges.set(chargeId, charge);
  return piId;
}

/** A delayed payment clears or fails: the PaymentIntent and its Charge follow. */
export function settlePayment(store: EmulatorStore, piId: string, outcome: 'succeeded' | 'failed'): void {
  const intent = store.paymentIntents.get(piId);
  const charge = intent && typeof intent.latest_charge === 'string' ? store.charges.get(intent.latest_charge) : undefined;
  if (!intent || !charge) return;
  intent.status = outcome === 'succeeded' ? 'succeeded' : 'requires_payment_method';
  intent.amount_received = outcome === 'succeeded' ? intent.amount : 0;
  charge.status = outcome;
  charge.paid = outcome === 'succeeded';
  charge.captured = outcome === 'succeeded';
  charge.amount_captured = outcome === 'succeeded' ? charge.amount : 0;
}

export function chargeRecord(store: EmulatorStore, id: string, param = 'charge'): ChargeObject {
  const charge = store.charges.get(id);
  if (!charge) throw errors.resourceMissing('charge', id, { param, status: 404 });
  return charge;
}

export function retrieveCharge(store: EmulatorStore, id: string, query: FormObject): ChargeObject {
  ensureKnown(query, ['expand']);
  const expand = expandList(query, ['payment_intent', 'refunds']);
  const charge = structuredClone(chargeRecord(store, id, 'id'));
  if (expand.includes('payment_intent') && typeof charge.payment_intent === 'string') {
    charge.payment_intent = structuredClone(store.paymentIntents.get(charge.payment_intent)) ?? charge.payment_intent;
  }
  if (expand.includes('refunds')) {
    const data = newestFirst([...store.refunds.values()]).filter((r) => r.charge === id).map((r) => structuredClone(r));
    charge.refunds = { object: 'list', data, has_more: false, url: `/v1/charges/${id}/refunds` };
  }
  return charge;
}

export function retrievePaymentIntent(store: EmulatorStore, id: string, query: FormObject): PaymentIntentObject {
  ensureKnown(query, ['expand', 'client_secret']);
  const expand = expandList(query, ['latest_charge']);
  const intent = store.paymentIntents.get(id);
  if (!intent) throw errors.resourceMissing('payment_intent', id, { param: 'intent', status: 404 });
  const out = structuredClone(intent);
  if (expand.includes('latest_charge') && typeof out.latest_charge === 'string') out.latest_charge = structuredClone(store.charges.get(out.latest_charge)) ?? out.latest_charge;
  return out;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page behind a charge's receipt_url (Stripe hosts one per charge; this one lists the same facts). */
export function renderReceipt(store: EmulatorStore, chargeId: string): string | null {
  const charge = store.charges.get(chargeId);
  if (!charge) return null;
  const money = (cents: number) => `${(cents / 100).toFixed(2)} ${charge.currency.toUpperCase()}`;
  const rows = [
    ['Amount paid', money(charge.amount)],
    ['Date paid', new Date(charge.created * 1000).toISOString().slice(0, 10)],
    ['Refunded', money(charge.amount_refunded)],
    ['Status', charge.refunded ? 'refunded' : charge.disputed ? 'disputed' : charge.status],
  ];
  return `<!doctype html><html><head><meta charset="utf-8"><title>Receipt</title></head><body><main><h1>Receipt</h1>
<p data-testid="charge">${escapeHtml(charge.id)}</p><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v ?? '')}</dd>`).join('')}</dl></main></body></html>`;
}
