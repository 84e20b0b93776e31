// Checkout options switched on by configuration, through the checkout core, the real SDK and the Stripe emulator:
// Stripe accepts the session (automatic tax included, for an existing customer), and a promotion code lowers the
// amount paid but not the credits granted by the signed webhook.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkoutOptionsFromConfig } from '@/lib/checkout/checkout-options-from-config';
import { handleStripeWebhook } from '@/lib/fulfilment/handle-stripe-webhook';
import { checkoutHarness, stripeRequestsFor } from '../../support/checkout';
import { newClerkUserId, stack } from '../../support/stack';

type Harness = Awaited<ReturnType<typeof checkoutHarness>>;
let h: Harness;
const ALL_ON = checkoutOptionsFromConfig({
  STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES: 'true', STRIPE_CHECKOUT_AUTOMATIC_TAX: 'true', STRIPE_CHECKOUT_INVOICE_CREATION: 'true', STRIPE_CHECKOUT_LOCALE: 'de',
});
const CODE = `HALF${Date.now().toString(36).toUpperCase()}`;

beforeAll(async () => {
  h = await checkoutHarness({ checkoutOptions: ALL_ON });
  await stack.stripe('createPromotionCode', { code: CODE, percentOff: 50 });
});

async function buy(priceId: string) {
  const userId = newClerkUserId('opts');
  const response = await h.checkout({ token: await stack.mintToken({ userId, email: `${userId}@example.com` }), body: h.priceBody(priceId) });
  expect(response.status).toBe(303);
  return { userId, sessionId: response.headers.get('location')!.split('/').pop()! };
}

describe('checkout options (all on)', () => {
  it('sends every option to Stripe, which accepts the session for an existing customer', async () => {
    const { userId, sessionId } = await buy(h.env.STRIPE_PRICE_SINGLE_FLIGHT!);
    const [create] = (await stripeRequestsFor(userId)).filter((r) => r.path === '/v1/checkout/sessions');
    expect(create).toMatchObject({
      status: 200,
      body: { allow_promotion_codes: 'true', automatic_tax: { enabled: 'true' }, customer_update: { address: 'auto' }, invoice_creation: { enabled: 'true' }, locale: 'de' },
    });
    expect(await stack.stripe('getSession', sessionId)).toMatchObject({ allow_promotion_codes: true, locale: 'de', automatic_tax: { enabled: true } });
  });

  it('credits the pack’s credits when a promotion code halved the amount paid, once however often the webhook comes', async () => {
    const { userId, sessionId } = await buy(h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!);
    const eventId = await stack.stripe<string>('completeSession', sessionId, { promotionCode: CODE });
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect([session.amount_subtotal, session.amount_total]).toEqual([14900, 7450]);

    const event = await h.stripe.events.retrieve(eventId);
    const payload = JSON.stringify(event);
    const webhook = async () => {
      const signature = await h.stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: h.webhookSecret });
      return handleStripeWebhook(
        new Request(`${h.appUrl}/api/billing/webhook`, { method: 'POST', headers: { 'stripe-signature': signature, 'content-type': 'application/json' }, body: payload }),
        { db: h.db, stripe: h.stripe, prices: h.prices, markerKey: h.markerKey, webhookSecret: h.webhookSecret, log: () => undefined },
      );
    };
    const answers = await Promise.all([webhook(), webhook(), webhook()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const rows = await stack.neon<{ credit_balance: number; credit_qty: number; amount_cents: number }[]>(
      'query',
      'select u.credit_balance, p.credit_qty, p.amount_cents from users u join purchases p on p.user_id = u.id where u.clerk_user_id = $1',
      [userId],
    );
    expect(rows).toEqual([{ credit_balance: 3, credit_qty: 3, amount_cents: 7450 }]);
  });
});
