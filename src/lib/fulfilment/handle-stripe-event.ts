// The table of Stripe event types the app acts on, each family with its handler; every other type is acknowledged
// and ignored. Shared by the webhook and by reconciliation (which replays undelivered events through it).
import type Stripe from 'stripe';
import type { EventResult } from './event-result';
import type { FulfilmentDeps } from './fulfil-checkout';
import { handleCheckoutEvent } from './handle-checkout-event';
import { handleDisputeEvent } from './handle-dispute-event';
import { handleRefundEvent } from './handle-refund-event';

type EventHandler = (event: Stripe.Event, deps: FulfilmentDeps) => Promise<EventResult>;

export const handledEventTypes = {
  'checkout.session.completed': handleCheckoutEvent,
  'checkout.session.async_payment_succeeded': handleCheckoutEvent,
  'checkout.session.async_payment_failed': handleCheckoutEvent,
  'charge.refunded': handleRefundEvent,
  'refund.created': handleRefundEvent,
  'refund.updated': handleRefundEvent,
  'charge.refund.updated': handleRefundEvent,
  'charge.dispute.created': handleDisputeEvent,
  'charge.dispute.updated': handleDisputeEvent,
  'charge.dispute.closed': handleDisputeEvent,
  'charge.dispute.funds_withdrawn': handleDisputeEvent,
  'charge.dispute.funds_reinstated': handleDisputeEvent,
} as const satisfies Record<string, EventHandler>;

/** The event types this endpoint acts on: `npm run stripe:setup` subscribes the endpoint to exactly these. */
export const HANDLED_EVENT_TYPES = Object.keys(handledEventTypes) as (keyof typeof handledEventTypes)[];

export function handleStripeEvent(event: Stripe.Event, deps: FulfilmentDeps): Promise<EventResult> {
  const handler: EventHandler | undefined = Object.hasOwn(handledEventTypes, event.type)
    ? handledEventTypes[event.type as keyof typeof handledEventTypes]
    : undefined;
  return handler ? handler(event, deps) : Promise.resolve({ outcome: 'ignored' });
}
