// POST /api/billing/webhook's core: verifies Stripe's signature on the raw body, then fulfils or marks the purchase.
// Answers 2xx for anything retrying cannot fix, and 5xx for transient failures so Stripe delivers again.
import type Stripe from 'stripe';
import { asBillingError, BillingError, toErrorResponse } from './errors';
import { describeError } from './describe-error';
import { fulfilCheckout, type FulfilmentDeps } from './fulfil-checkout';
import { RequestContext, type Logger } from './request-context';

export interface WebhookDeps extends FulfilmentDeps {
  webhookSecret: string;
  log: Logger;
}

export const MAX_WEBHOOK_BODY_BYTES = 512 * 1024;

const handledEvents = {
  'checkout.session.completed': {},
  'checkout.session.async_payment_succeeded': {},
  'checkout.session.async_payment_failed': { paymentFailed: true },
} as const satisfies Record<string, { paymentFailed?: boolean }>;

type HandledEvent = keyof typeof handledEvents;
/** The event types this endpoint acts on: `npm run stripe:setup` subscribes the endpoint to exactly these. */
export const HANDLED_EVENT_TYPES = Object.keys(handledEvents) as HandledEvent[];
const isHandled = (type: string): type is HandledEvent => Object.hasOwn(handledEvents, type);

async function verifiedEvent(request: Request, stripe: Stripe, secret: string): Promise<Stripe.Event> {
  const signature = request.headers.get('stripe-signature');
  if (!signature) throw new BillingError('invalid_signature', 'Missing Stripe-Signature header.');
  if (Number(request.headers.get('content-length')) > MAX_WEBHOOK_BODY_BYTES) {
    throw new BillingError('body_too_large', 'Webhook body too large.');
  }
  // The signature covers the exact bytes: read the raw text, never a re-serialised JSON.
  const body = await request.text();
  try {
    // Async variant: it uses SubtleCrypto, the only HMAC available at the edge. Default tolerance: 300 s.
    return await stripe.webhooks.constructEventAsync(body, signature, secret);
  } catch {
    throw new BillingError('invalid_signature', 'The Stripe signature does not match this body.');
  }
}

export async function handleStripeWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  const ctx = new RequestContext(request);
  const facts: Record<string, unknown> = {};
  let outcome = 'ignored';
  let response: Response;
  try {
    if (request.method !== 'POST') throw new BillingError('method_not_allowed', 'Use POST.');
    const event = await verifiedEvent(request, deps.stripe, deps.webhookSecret);
    facts.event = event.id;
    facts.type = event.type;
    if (isHandled(event.type)) {
      const session = event.data.object as Stripe.Checkout.Session;
      try {
        const result = await fulfilCheckout(session.id, deps, handledEvents[event.type]);
        outcome = result.outcome;
        facts.session = session.id;
      } catch (err) {
        // A session this Stripe account does not know cannot be fixed by redelivery.
        if (err instanceof BillingError && err.code === 'not_found') outcome = 'unknown_session';
        else throw err;
      }
    }
    response = Response.json({ received: true, outcome });
  } catch (err) {
    const error = asBillingError(err);
    outcome = error.code;
    if (error.cause !== undefined) facts.cause = describeError(error.cause);
    response = toErrorResponse(error);
  }
  response.headers.set('Cache-Control', 'no-store');
  deps.log({ route: 'webhook', requestId: ctx.requestId, status: response.status, outcome, timings: ctx.timings(), ...facts });
  return response;
}
