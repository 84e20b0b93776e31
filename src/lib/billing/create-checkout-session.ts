// Creates the Stripe Checkout Session for one price: every amount, URL and metadata value decided by the server.
import type Stripe from 'stripe';
import type { PriceConfig } from './price-config';

export interface CheckoutSessionInput {
  price: PriceConfig;
  customerId: string;
  appUserId: string;
  clerkUserId: string;
  appUrl: string;
}

export function checkoutSessionParams({ price, customerId, appUserId, clerkUserId, appUrl }: CheckoutSessionInput): Stripe.Checkout.SessionCreateParams {
  const origin = new URL(appUrl).origin;
  return {
    mode: 'payment',
    customer: customerId,
    client_reference_id: appUserId,
    line_items: [{ price: price.priceId, quantity: 1 }],
    // Built as a plain string: Stripe substitutes the literal {CHECKOUT_SESSION_ID}; URL-encoding the braces breaks it.
    success_url: `${origin}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${origin}/purchase/cancel`,
    metadata: { clerkUserId, creditQty: String(price.creditQty), productType: price.label },
  };
}

export function createCheckoutSession(stripe: Stripe, input: CheckoutSessionInput): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create(checkoutSessionParams(input));
}
