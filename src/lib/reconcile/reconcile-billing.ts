// Reconciliation: sweeps Stripe for what the webhook may have missed (an outage longer than Stripe's retries, a
// wrongly rotated secret) and runs it through the same fulfilment and reversal code. Idempotent by construction:
// every write is keyed (session, refund, dispute), so a second run changes nothing.
import type Stripe from 'stripe';
import { listUnmatchedCheckouts } from '@/db/fulfilment';
import type { UnmatchedCheckout } from '@/db/schema';
import { callUpstream } from '@/lib/http';
import { fulfilCheckout, type FulfilmentDeps } from '@/lib/fulfilment';
import { HANDLED_EVENT_TYPES, handleStripeEvent } from '@/lib/fulfilment';

export interface ReconcileReport {
  since: number;
  sessionsChecked: number;
  eventsChecked: number;
  /** What this run changed: sessions it credited, events whose reversal it wrote. */
  fixed: { kind: 'session' | 'event'; id: string; type?: string; outcome: string }[];
  /** Paid sessions still not credited (this run's and earlier ones), for a person to resolve. */
  unmatched: Pick<UnmatchedCheckout, 'stripeCheckoutSessionId' | 'reason' | 'clerkUserId' | 'amountCents' | 'currency'>[];
}

const CHANGED = new Set(['credited', 'reversed', 'reinstated', 'failed']);

export async function reconcileBilling(deps: FulfilmentDeps, { since }: { since: number }): Promise<ReconcileReport> {
  const report: ReconcileReport = { since, sessionsChecked: 0, eventsChecked: 0, fixed: [], unmatched: [] };
  const sessions = await callUpstream('stripe', () =>
    deps.stripe.checkout.sessions.list({ status: 'complete', created: { gte: since }, limit: 100 }).autoPagingToArray({ limit: 10_000 }),
  );
  // Oldest first, so a refund's purchase is credited before its event below is replayed (it would be anyway).
  for (const session of sessions.reverse()) {
    if (session.payment_status !== 'paid') continue;
    report.sessionsChecked++;
    const result = await fulfilCheckout(session.id, deps);
    if (result.outcome === 'credited') report.fixed.push({ kind: 'session', id: session.id, outcome: result.outcome });
  }
  // Stripe lists events whose delivery is pending or failed; 'types' takes at most 20, the table has fewer.
  const events: Stripe.Event[] = await callUpstream('stripe', () =>
    deps.stripe.events
      .list({ delivery_success: false, created: { gte: since }, types: HANDLED_EVENT_TYPES, limit: 100 })
      .autoPagingToArray({ limit: 10_000 }),
  );
  for (const event of events.reverse()) {
    report.eventsChecked++;
    const result = await handleStripeEvent(event, deps);
    if (CHANGED.has(result.outcome)) report.fixed.push({ kind: 'event', id: event.id, type: event.type, outcome: result.outcome });
  }
  const unmatched = await callUpstream('db', () => listUnmatchedCheckouts(deps.db));
  report.unmatched = unmatched.map(({ stripeCheckoutSessionId, reason, clerkUserId, amountCents, currency }) => ({ stripeCheckoutSessionId, reason, clerkUserId, amountCents, currency }));
  return report;
}
