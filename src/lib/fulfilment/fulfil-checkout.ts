// Fulfilment: turns a Checkout Session into credits exactly once. Shared by the webhook and the success page; it
// trusts only what it reads back from Stripe and the server's price map, never an event payload or the client.
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import { creditPaidPurchase, markPurchaseFailed, recordPendingPurchase, recordUnmatchedCheckout, type LedgerEntry, type LedgerResult } from '@/db/fulfilment';
import type { UnmatchedReason } from '@/db/schema';
import { getPriceConfig, type MarkedFields, type PriceConfig, type PurchasedPrice, verifyCheckoutMarker } from '@/lib/checkout';
import { BillingError, callUpstream } from '@/lib/http';
import { idOf } from './id-of';
import { readStripe } from './read-stripe';

export interface FulfilmentDeps {
  db: Db;
  stripe: Stripe;
  prices: readonly PriceConfig[];
  markerKey: string;
  /** The clock holds expire by when a reversal releases expired holds first (tests move it); default now. */
  now?: () => Date;
  /** When a rate-limited Stripe read stops retrying (epoch ms, asked per call). Default 4 s from the call: a webhook
   *  delivery or a buyer waits on it; reconciliation, which nobody waits on, gives more. */
  stripeRetryDeadline?: () => number;
}

export type FulfilmentOutcome = 'credited' | 'already_credited' | 'pending' | 'failed' | 'unmatched' | 'not_complete';

export interface FulfilmentResult {
  outcome: FulfilmentOutcome;
  sessionId: string;
  clerkUserId: string | null;
  price: PurchasedPrice | null;
  balance: number | null;
  status: LedgerResult['status'];
  /** Why a complete session could not be credited (outcome `unmatched`); it is recorded in unmatched_checkouts. */
  reason?: UnmatchedReason;
}

async function retrieveSession(stripe: Stripe, sessionId: string): Promise<Stripe.Checkout.Session> {
  try {
    return await stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
  } catch (err) {
    // A session id Stripe does not know is the caller's mistake (or probing), not an outage.
    if ((err as { code?: string }).code === 'resource_missing') throw new BillingError('not_found', 'No such purchase.');
    throw err;
  }
}

export interface FulfilOptions {
  /** When set (the success page), a session belonging to anyone else is reported as not found, before any write. */
  ownerClerkUserId?: string;
  /** The async payment failed: record it as failed instead of crediting. */
  paymentFailed?: boolean;
}

/** Safe to call any number of times, concurrently: the ledger statement decides who credits. */
export async function fulfilCheckout(sessionId: string, deps: FulfilmentDeps, options: FulfilOptions = {}): Promise<FulfilmentResult> {
  if (!/^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId)) throw new BillingError('not_found', 'No such purchase.');
  const session = await readStripe(deps, () => retrieveSession(deps.stripe, sessionId));
  const clerkUserId = session.metadata?.clerkUserId ?? null;
  if (options.ownerClerkUserId !== undefined && clerkUserId !== options.ownerClerkUserId) {
    throw new BillingError('not_found', 'No such purchase.');
  }

  const base = { sessionId, clerkUserId, balance: null, status: null } satisfies Omit<FulfilmentResult, 'outcome' | 'price'>;
  if (session.status !== 'complete') return { ...base, outcome: 'not_complete', price: null };

  const checked = await checkSession(session, deps);
  const unmatched = async (reason: UnmatchedReason, price: PurchasedPrice | null): Promise<FulfilmentResult> => {
    await callUpstream('db', () =>
      recordUnmatchedCheckout(deps.db, {
        stripeCheckoutSessionId: session.id,
        reason,
        clerkUserId,
        amountCents: session.amount_total,
        currency: session.currency,
      }),
    );
    return { ...base, outcome: 'unmatched', reason, price };
  };
  if ('reason' in checked) {
    // Nothing was paid, so nothing is owed: a failed payment on a session we would not credit needs no record.
    if (options.paymentFailed) return { ...base, outcome: 'failed', price: null };
    return unmatched(checked.reason, null);
  }
  const { price } = checked;

  const entry: LedgerEntry = {
    stripeCheckoutSessionId: session.id,
    stripePaymentIntentId: idOf(session.payment_intent),
    stripeCustomerId: idOf(session.customer),
    appUserId: session.client_reference_id ?? null,
    clerkUserId,
    priceId: price.priceId,
    creditQty: price.creditQty,
    amountCents: session.amount_total ?? price.amountCents,
    currency: session.currency ?? checked.currency,
  };

  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  let ledger: LedgerResult;
  let outcome: FulfilmentOutcome;
  if (options.paymentFailed) {
    ledger = await callUpstream('db', () => markPurchaseFailed(deps.db, entry));
    outcome = ledger.status === 'paid' ? 'already_credited' : 'failed';
  } else if (paid && session.status === 'complete') {
    ledger = await callUpstream('db', () => creditPaidPurchase(deps.db, entry));
    outcome = ledger.credited ? 'credited' : 'already_credited';
  } else {
    ledger = await callUpstream('db', () => recordPendingPurchase(deps.db, entry));
    outcome = ledger.status === 'failed' ? 'failed' : ledger.status === 'paid' ? 'already_credited' : 'pending';
  }
  if (!ledger.userFound) return unmatched('unknown_user', price);
  return { ...base, outcome, price, balance: ledger.balance, status: ledger.status };
}

type SessionCheck = { price: PurchasedPrice; currency: string } | { reason: UnmatchedReason };

/**
 * Fulfil only what we sold: a session our server created (its marker verifies), in payment mode, with exactly one
 * line item of quantity 1 whose price, pre-discount amount and currency are the ones the marker signed. Promotion
 * codes lower amount_total, not amount_subtotal, so they stay possible. The credits come from the signed metadata, so
 * a price retired from the configuration while its sessions were open is still credited correctly.
 */
async function checkSession(session: Stripe.Checkout.Session, deps: FulfilmentDeps): Promise<SessionCheck> {
  const m = session.metadata ?? {};
  const item = session.line_items?.data[0];
  const fields: MarkedFields = {
    clerkUserId: m.clerkUserId ?? '',
    appUserId: session.client_reference_id ?? '',
    priceId: item?.price?.id ?? '',
    creditQty: Number(m.creditQty),
    amountCents: Number(m.amountCents),
    currency: m.currency ?? '',
  };
  if (!(await verifyCheckoutMarker(deps.markerKey, fields, m.marker))) return { reason: 'not_ours' };
  if (session.mode !== 'payment') return { reason: 'not_payment_mode' };
  if (session.line_items?.data.length !== 1 || !item || (item.quantity ?? 1) !== 1) return { reason: 'not_single_item' };
  if (session.amount_subtotal !== fields.amountCents || session.currency?.toLowerCase() !== fields.currency.toLowerCase()) {
    return { reason: 'amount_mismatch' };
  }
  if (!Number.isInteger(fields.creditQty) || fields.creditQty <= 0) return { reason: 'unknown_price' };
  const configured = getPriceConfig(fields.priceId, deps.prices);
  const price = configured?.creditQty === fields.creditQty
    ? configured
    : { priceId: fields.priceId, creditQty: fields.creditQty, label: m.productType ?? 'Credits', amountCents: fields.amountCents, currency: fields.currency };
  return { price, currency: fields.currency };
}
