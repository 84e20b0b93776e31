// The charge a refund event is about: the event's own charge, or the charge its refund belongs to. One rule for the
// handler that re-reads it and for the sweep that replays one event per charge.
import type Stripe from 'stripe';
import { idOf } from './id-of';

export function refundEventCharge(event: Stripe.Event): string | null {
  const object = event.data.object as Stripe.Charge | Stripe.Refund;
  return object.object === 'charge' ? object.id : idOf(object.charge);
}
