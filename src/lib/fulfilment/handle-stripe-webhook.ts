// POST /api/billing/webhook's core: verifies Stripe's signature on the raw body (read under a byte cap), then hands
// the event to its handler (handle-stripe-event.ts). Answers 2xx for anything retrying cannot fix, and 5xx for
// transient failures so Stripe delivers again.
import type Stripe from 'stripe';
import { BillingError, readCappedBody, respondLogged } from '@/lib/http';
import type { FulfilmentDeps } from './fulfil-checkout';
import { handleStripeEvent } from './handle-stripe-event';
import type { Logger } from '@/lib/http';

export interface WebhookDeps extends FulfilmentDeps {
  webhookSecret: string;
  log: Logger;
}

export const MAX_WEBHOOK_BODY_BYTES = 512 * 1024;

async function verifiedEvent(request: Request, stripe: Stripe, secret: string): Promise<Stripe.Event> {
  const signature = request.headers.get('stripe-signature');
  if (!signature) throw new BillingError('invalid_signature', 'Missing Stripe-Signature header.');
  // The signature covers the exact bytes: read the raw text, never a re-serialised JSON. Capped while streaming, so a
  // chunked body without Content-Length is cut off at the limit too, before any HMAC work.
  const bytes = await readCappedBody(request, MAX_WEBHOOK_BODY_BYTES, () => new BillingError('body_too_large', 'Webhook body too large.'));
  const body = new TextDecoder().decode(bytes);
  try {
    // Async variant: it uses SubtleCrypto, the only HMAC available at the edge. Default tolerance: 300 s.
    return await stripe.webhooks.constructEventAsync(body, signature, secret);
  } catch {
    throw new BillingError('invalid_signature', 'The Stripe signature does not match this body.');
  }
}

export function handleStripeWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  return respondLogged(request, 'webhook', deps.log, async (facts) => {
    if (request.method !== 'POST') throw new BillingError('method_not_allowed', 'Use POST.');
    const event = await verifiedEvent(request, deps.stripe, deps.webhookSecret);
    facts.event = event.id;
    facts.type = event.type;
    const result = await handleStripeEvent(event, deps);
    Object.assign(facts, result.facts);
    if (result.alert) facts.alert = result.alert;
    return { response: Response.json({ received: true, outcome: result.outcome }), outcome: result.outcome };
  });
}
