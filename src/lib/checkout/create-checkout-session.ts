// Creates the Stripe Checkout Session for one price: every amount, URL and metadata value decided by the server.
import type Stripe from 'stripe';
import { signCheckoutMarker } from './checkout-marker';
import type { CheckoutOptions } from './checkout-options-from-config';
import type { PriceConfig } from './price-config';

export interface CheckoutSessionInput {
  price: PriceConfig;
  customerId: string;
  appUserId: string;
  clerkUserId: string;
  appUrl: string;
  /** Set by createCheckoutSession: the HMAC fulfilment checks (see checkout-marker.ts). */
  marker?: string;
  options?: CheckoutOptions;
}

// Each option is sent only when switched on, so an account without (say) Stripe Tax set up is never asked for it.
function optionParams(options: CheckoutOptions | undefined): Partial<Stripe.Checkout.SessionCreateParams> {
  if (!options) return {};
  return {
    ...(options.allowPromotionCodes && { allow_promotion_codes: true }),
    // Stripe refuses automatic tax for a Customer without an address unless Checkout may save the one entered.
    ...(options.automaticTax && { automatic_tax: { enabled: true }, customer_update: { address: 'auto' as const } }),
    ...(options.invoiceCreation && { invoice_creation: { enabled: true } }),
    ...(options.locale !== undefined && { locale: options.locale as Stripe.Checkout.SessionCreateParams.Locale }),
  };
}

export function checkoutSessionParams({ price, customerId, appUserId, clerkUserId, appUrl, marker, options }: CheckoutSessionInput): Stripe.Checkout.SessionCreateParams {
  const origin = new URL(appUrl).origin;
  return {
    mode: 'payment',
    customer: customerId,
    client_reference_id: appUserId,
    line_items: [{ price: price.priceId, quantity: 1 }],
    // Built as a plain string: Stripe substitutes the literal {CHECKOUT_SESSION_ID}; URL-encoding the braces breaks it.
    success_url: `${origin}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${origin}/purchase/cancel`,
    // Only the server sets these; `marker` signs them (the currency too, so a session paid in another currency is not
    // credited), and credits stay known even after the price leaves the catalogue.
    metadata: {
      clerkUserId,
      creditQty: String(price.creditQty),
      productType: price.label,
      ...(marker !== undefined && { amountCents: String(price.amountCents), currency: price.currency, marker }),
    },
    ...optionParams(options),
  };
}

export async function createCheckoutSession(stripe: Stripe, markerKey: string, input: CheckoutSessionInput): Promise<Stripe.Checkout.Session> {
  const { price, appUserId, clerkUserId } = input;
  const marker = await signCheckoutMarker(markerKey, {
    clerkUserId, appUserId, priceId: price.priceId, creditQty: price.creditQty, amountCents: price.amountCents, currency: price.currency,
  });
  return stripe.checkout.sessions.create(checkoutSessionParams({ ...input, marker }));
}
