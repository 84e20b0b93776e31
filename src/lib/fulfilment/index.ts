// Entry point of fulfilment/: Stripe's events into the ledger — the webhook, checkout completion (exactly once),
// refunds and disputes and the reversals they cause. It may import http/ and checkout/ (catalogue and marker).

export { fulfilCheckout } from './fulfil-checkout';
export type { FulfilmentDeps } from './fulfil-checkout';
export { eventSubject } from './event-subject';
export { HANDLED_EVENT_TYPES, handleStripeEvent } from './handle-stripe-event';
export { handleStripeWebhook } from './handle-stripe-webhook';
