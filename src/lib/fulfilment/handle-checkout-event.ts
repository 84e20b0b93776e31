// checkout.session.* events: fulfil (or mark failed) the session the event names, re-read from Stripe.
import type Stripe from 'stripe';
import { BillingError } from '@/lib/http';
import type { EventResult } from './event-result';
import { fulfilCheckout, type FulfilmentDeps } from './fulfil-checkout';

export async function handleCheckoutEvent(event: Stripe.Event, deps: FulfilmentDeps): Promise<EventResult> {
  const session = event.data.object as Stripe.Checkout.Session;
  try {
    const result = await fulfilCheckout(session.id, deps, { paymentFailed: event.type === 'checkout.session.async_payment_failed' });
    const facts = { session: session.id, ...(result.reason && { reason: result.reason }) };
    return { outcome: result.outcome, facts, ...(result.outcome === 'unmatched' && { alert: 'unmatched_checkout' as const }) };
  } catch (err) {
    // A session this Stripe account does not know cannot be fixed by redelivery.
    if (err instanceof BillingError && err.code === 'not_found') return { outcome: 'unknown_session', facts: { session: session.id } };
    throw err;
  }
}
