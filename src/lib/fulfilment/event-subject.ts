// What an event's handler re-reads in full from Stripe: refund events re-read their charge and all its refunds,
// dispute events their dispute. Two events with the same subject do the same work, so a sweep replaying undelivered
// events needs one per subject (a refund's `charge.refunded` and `refund.created`, a dispute's created and closed).
// Checkout events have none: completed and async_payment_failed act differently on the same session.
import type Stripe from 'stripe';
import { handledEventTypes } from './handle-stripe-event';
import { handleDisputeEvent } from './handle-dispute-event';
import { handleRefundEvent } from './handle-refund-event';
import { refundEventCharge } from './refund-event-charge';

export function eventSubject(event: Stripe.Event): string | null {
  const handler: unknown = Object.hasOwn(handledEventTypes, event.type) ? handledEventTypes[event.type as keyof typeof handledEventTypes] : undefined;
  if (handler === handleDisputeEvent) return `dispute:${(event.data.object as Stripe.Dispute).id}`;
  if (handler === handleRefundEvent) {
    const chargeId = refundEventCharge(event);
    return chargeId ? `charge:${chargeId}` : null;
  }
  return null;
}
