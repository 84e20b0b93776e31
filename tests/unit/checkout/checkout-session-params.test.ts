import { describe, expect, it } from 'vitest';
import { checkoutOptionsFromConfig } from '@/lib/checkout/checkout-options-from-config';
import { checkoutSessionParams, type CheckoutSessionInput } from '@/lib/checkout/create-checkout-session';

const input: CheckoutSessionInput = {
  price: {
    priceId: 'price_single', creditQty: 1, label: 'Single Flight Workshop', amountCents: 7900, currency: 'usd',
    envVar: 'STRIPE_PRICE_SINGLE_FLIGHT', lookupKey: 'workshop_credits_single_flight',
  },
  customerId: 'cus_1',
  appUserId: 'usr_1',
  clerkUserId: 'user_1',
  appUrl: 'https://workshoppilot.ai/some/path',
};
const BASE = {
  mode: 'payment',
  customer: 'cus_1',
  client_reference_id: 'usr_1',
  line_items: [{ price: 'price_single', quantity: 1 }],
  success_url: 'https://workshoppilot.ai/purchase/success?session_id={CHECKOUT_SESSION_ID}',
  cancel_url: 'https://workshoppilot.ai/purchase/cancel',
  metadata: { clerkUserId: 'user_1', creditQty: '1', productType: 'Single Flight Workshop' },
};

it('builds the session from the server price and the configured origin, keeping the literal session-id template', () => {
  expect(checkoutSessionParams(input)).toEqual(BASE);
});

describe('checkout options from configuration', () => {
  it('are all off, and send nothing, when unset or false', () => {
    const none = checkoutOptionsFromConfig({});
    expect(none).toEqual({ allowPromotionCodes: false, automaticTax: false, invoiceCreation: false });
    const off = checkoutOptionsFromConfig({
      STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES: 'false', STRIPE_CHECKOUT_AUTOMATIC_TAX: 'false', STRIPE_CHECKOUT_INVOICE_CREATION: 'false', STRIPE_CHECKOUT_LOCALE: '',
    });
    expect(checkoutSessionParams({ ...input, options: none })).toEqual(BASE);
    expect(checkoutSessionParams({ ...input, options: off })).toEqual(BASE);
  });

  it.each([
    ['STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES', 'true', { allow_promotion_codes: true }],
    ['STRIPE_CHECKOUT_AUTOMATIC_TAX', 'true', { automatic_tax: { enabled: true }, customer_update: { address: 'auto' } }],
    ['STRIPE_CHECKOUT_INVOICE_CREATION', 'true', { invoice_creation: { enabled: true } }],
    ['STRIPE_CHECKOUT_LOCALE', 'fr-CA', { locale: 'fr-CA' }],
  ])('%s=%s adds exactly its parameters', (name, value, added) => {
    const options = checkoutOptionsFromConfig({ [name]: value });
    expect(checkoutSessionParams({ ...input, options })).toEqual({ ...BASE, ...added });
  });
});
