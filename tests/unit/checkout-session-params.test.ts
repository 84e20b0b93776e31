import { expect, it } from 'vitest';
import { checkoutSessionParams } from '@/lib/billing/create-checkout-session';

it('builds the session from the server price and the configured origin, keeping the literal session-id template', () => {
  const params = checkoutSessionParams({
    price: { priceId: 'price_single', creditQty: 1, label: 'Single Flight Workshop', amountCents: 7900 },
    customerId: 'cus_1',
    appUserId: 'usr_1',
    clerkUserId: 'user_1',
    appUrl: 'https://workshoppilot.ai/some/path',
  });
  expect(params).toEqual({
    mode: 'payment',
    customer: 'cus_1',
    client_reference_id: 'usr_1',
    line_items: [{ price: 'price_single', quantity: 1 }],
    success_url: 'https://workshoppilot.ai/purchase/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://workshoppilot.ai/purchase/cancel',
    metadata: { clerkUserId: 'user_1', creditQty: '1', productType: 'Single Flight Workshop' },
  });
});
