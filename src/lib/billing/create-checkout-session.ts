// Creates the Stripe Checkout Session for one price: every amount, URL and metadata value decided by the server.
import type Stripe from 'stripe';
import type { CheckoutOptions } from './checkout-options-from-config';
import type { PriceConfig } from './price-config';

export interface CheckoutSessionInput {
  price: PriceConfig;
  customerId: string;
  appUserId: string;
  clerkUserId: string;
  appUrl: string;
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

export function checkoutSessionParams({ price, customerId, appUserId, clerkUserId, appUrl, options }: CheckoutSessionInput): Stripe.Checkout.SessionCreateParams {
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
    ...optionParams(options),
  };
}

export function createCheckoutSession(stripe: Stripe, input: CheckoutSessionInput): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create(checkoutSessionParams(input));
}
