// Fulfilment: turns a Checkout Session into credits exactly once. Shared by the webhook and the success page; it
// trusts only what it reads back from Stripe and the server's price map, never an event payload or the client.
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import { creditPaidPurchase, markPurchaseFailed, recordPendingPurchase, type LedgerEntry, type LedgerResult } from '@/db/queries';
import { BillingError, callUpstream } from './errors';
import { getPriceConfig, type PriceConfig } from './price-config';

export interface FulfilmentDeps {
  db: Db;
  stripe: Stripe;
  prices: readonly PriceConfig[];
}

export type FulfilmentOutcome = 'credited' | 'already_credited' | 'pending' | 'failed' | 'unknown_user' | 'unknown_price' | 'not_complete';

export interface FulfilmentResult {
  outcome: FulfilmentOutcome;
  sessionId: string;
  clerkUserId: string | null;
  price: PriceConfig | null;
  balance: number | null;
  status: LedgerResult['status'];
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : (value?.id ?? null));

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
  const session = await callUpstream('stripe', () => retrieveSession(deps.stripe, sessionId));
  const clerkUserId = session.metadata?.clerkUserId ?? null;
  if (options.ownerClerkUserId !== undefined && clerkUserId !== options.ownerClerkUserId) {
    throw new BillingError('not_found', 'No such purchase.');
  }

  const base = { sessionId, clerkUserId, balance: null, status: null } satisfies Omit<FulfilmentResult, 'outcome' | 'price'>;
  const item = session.line_items?.data[0];
  const price = getPriceConfig(item?.price?.id, deps.prices);
  if (!price || !item) return { ...base, outcome: 'unknown_price', price: null };

  const entry: LedgerEntry = {
    stripeCheckoutSessionId: session.id,
    stripePaymentIntentId: idOf(session.payment_intent),
    stripeCustomerId: idOf(session.customer),
    appUserId: session.client_reference_id ?? null,
    clerkUserId,
    priceId: price.priceId,
    // Credits come from the price map for the price actually paid, times the quantity Stripe charged for.
    creditQty: price.creditQty * (item.quantity ?? 1),
    amountCents: session.amount_total ?? price.amountCents,
    currency: session.currency ?? 'usd',
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
  } else if (session.status === 'complete') {
    ledger = await callUpstream('db', () => recordPendingPurchase(deps.db, entry));
    outcome = ledger.status === 'failed' ? 'failed' : ledger.status === 'paid' ? 'already_credited' : 'pending';
  } else {
    return { ...base, outcome: 'not_complete', price };
  }
  if (!ledger.userFound) return { ...base, outcome: 'unknown_user', price };
  return { ...base, outcome, price, balance: ledger.balance, status: ledger.status };
}
