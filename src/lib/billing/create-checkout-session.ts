// Creates the Stripe Checkout Session for one price: every amount, URL and metadata value decided by the server.
import type Stripe from 'stripe';
import { signCheckoutMarker } from './checkout-marker';
import type { PriceConfig } from './price-config';

// The catalogue is priced in US dollars; the marker binds it so a session paid in another currency is not credited.
export const CATALOG_CURRENCY = 'usd';

export interface CheckoutSessionInput {
  price: PriceConfig;
  customerId: string;
  appUserId: string;
  clerkUserId: string;
  appUrl: string;
  /** Set by createCheckoutSession: the HMAC fulfilment checks (see checkout-marker.ts). */
  marker?: string;
}

export function checkoutSessionParams({ price, customerId, appUserId, clerkUserId, appUrl, marker }: CheckoutSessionInput): Stripe.Checkout.SessionCreateParams {
  const origin = new URL(appUrl).origin;
  return {
    mode: 'payment',
    customer: customerId,
    client_reference_id: appUserId,
    line_items: [{ price: price.priceId, quantity: 1 }],
    // Built as a plain string: Stripe substitutes the literal {CHECKOUT_SESSION_ID}; URL-encoding the braces breaks it.
    success_url: `${origin}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${origin}/purchase/cancel`,
    // Only the server sets these; `marker` signs them, so credits stay known even after the price leaves the catalogue.
    metadata: {
      clerkUserId,
      creditQty: String(price.creditQty),
      productType: price.label,
      ...(marker !== undefined && { amountCents: String(price.amountCents), currency: CATALOG_CURRENCY, marker }),
    },
  };
}

export async function createCheckoutSession(stripe: Stripe, markerKey: string, input: CheckoutSessionInput): Promise<Stripe.Checkout.Session> {
  const { price, appUserId, clerkUserId } = input;
  const marker = await signCheckoutMarker(markerKey, {
    clerkUserId, appUserId, priceId: price.priceId, creditQty: price.creditQty, amountCents: price.amountCents, currency: CATALOG_CURRENCY,
  });
  return stripe.checkout.sessions.create(checkoutSessionParams({ ...input, marker }));
}
