// The emulator's catalogue and account setup (products, prices by lookup key, webhook endpoints) and the Checkout
// Session options (promotion codes, automatic tax, invoice creation, locale), driven through the real stripe SDK.
import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '@local/stripe-emulator';
import { startHttpReceiver, stripeFor, type HttpReceiver } from '../support/emulator-client';

const SECRET_KEY = 'sk_test_catalog_8d1e4b7a2c9f';
let em: StripeEmulator;
let stripe: Stripe;
let receivers: HttpReceiver[] = [];

beforeEach(async () => {
  em = await startStripeEmulator({ secretKey: SECRET_KEY, prices: [], webhookRetryDelaysMs: [] });
  stripe = stripeFor(em.url, SECRET_KEY);
});
afterEach(async () => {
  await em.stop();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function rejected(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return p.then(
    () => {
      throw new Error('expected a Stripe error');
    },
    (e: Stripe.errors.StripeError) => e,
  );
}

async function onePrice(amount = 7900, lookupKey = 'single') {
  const product = await stripe.products.create({ name: 'Single Flight Workshop' });
  return stripe.prices.create({ product: product.id, unit_amount: amount, currency: 'usd', lookup_key: lookupKey });
}

const sessionParams = (price: string, extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams => ({
  mode: 'payment',
  line_items: [{ price, quantity: 1 }],
  success_url: 'https://app.test/ok?session_id={CHECKOUT_SESSION_ID}',
  ...extra,
});

describe('products and prices', () => {
  it('creates a one-time price found by its lookup key, immutable in amount', async () => {
    const price = await onePrice();
    expect(price).toMatchObject({ object: 'price', active: true, type: 'one_time', currency: 'usd', unit_amount: 7900, lookup_key: 'single' });
    expect(price.id).toMatch(/^price_/);
    const listed = await stripe.prices.list({ lookup_keys: ['single'], expand: ['data.product'] });
    expect(listed.data.map((p) => p.id)).toEqual([price.id]);
    expect((listed.data[0]!.product as Stripe.Product).name).toBe('Single Flight Workshop');
    expect((await stripe.prices.list({ lookup_keys: ['other'] })).data).toEqual([]);

    const err = await rejected(stripe.prices.update(price.id, { unit_amount: 9900 } as Stripe.PriceUpdateParams));
    expect(err).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'unit_amount' });
    expect((await stripe.prices.retrieve(price.id)).unit_amount).toBe(7900);
  });

  it('moves a lookup key only with transfer_lookup_key, and refuses inactive prices at Checkout', async () => {
    const old = await onePrice();
    const product = old.product as string;
    const taken = await rejected(stripe.prices.create({ product, unit_amount: 9900, currency: 'usd', lookup_key: 'single' }));
    expect(taken).toMatchObject({ statusCode: 400, param: 'lookup_key' });
    const next = await stripe.prices.create({ product, unit_amount: 9900, currency: 'usd', lookup_key: 'single', transfer_lookup_key: true });
    expect((await stripe.prices.list({ lookup_keys: ['single'] })).data.map((p) => p.id)).toEqual([next.id]);
    expect((await stripe.prices.retrieve(old.id)).lookup_key).toBeNull();

    await stripe.prices.update(old.id, { active: false });
    expect((await stripe.prices.list({ active: true, product })).data.map((p) => p.id)).toEqual([next.id]);
    const inactive = await rejected(stripe.checkout.sessions.create(sessionParams(old.id)));
    expect(inactive).toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
  });

  it('refuses unknown and unemulated parameters', async () => {
    const product = await stripe.products.create({ name: 'x' });
    const recurring = await rejected(stripe.prices.create({ product: product.id, unit_amount: 1, currency: 'usd', recurring: { interval: 'month' } }));
    expect(recurring).toMatchObject({ code: 'parameter_unknown', param: 'recurring' });
    expect(await rejected(stripe.products.create({ name: 'x', nonsense: 1 } as Stripe.ProductCreateParams))).toMatchObject({ code: 'parameter_unknown' });
    expect(await rejected(stripe.prices.retrieve('price_missing'))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});

describe('webhook endpoints', () => {
  it('shows the secret only on creation and delivers each subscribed event to each enabled endpoint, signed with its own secret', async () => {
    const a = await startHttpReceiver();
    const b = await startHttpReceiver();
    const c = await startHttpReceiver();
    receivers = [a, b, c];
    const ea = await stripe.webhookEndpoints.create({ url: `${a.origin}/hook`, enabled_events: ['checkout.session.completed'] });
    const eb = await stripe.webhookEndpoints.create({ url: `${b.origin}/hook`, enabled_events: ['checkout.session.expired'] });
    const ec = await stripe.webhookEndpoints.create({ url: `${c.origin}/hook`, enabled_events: ['*'] });
    expect(ea.secret).toMatch(/^whsec_/);
    expect(ea.secret).not.toBe(ec.secret);
    expect((await stripe.webhookEndpoints.retrieve(ea.id)).secret).toBeUndefined();
    expect((await stripe.webhookEndpoints.list()).data.map((e) => [e.id, e.secret])).toEqual([[ec.id, undefined], [eb.id, undefined], [ea.id, undefined]]);

    const price = await onePrice();
    const session = await stripe.checkout.sessions.create(sessionParams(price.id));
    await em.completeSession(session.id);
    await em.webhooksIdle();
    expect([a.received.length, b.received.length, c.received.length]).toEqual([1, 0, 1]);
    const event = await stripe.webhooks.constructEventAsync(a.received[0]!.body, a.received[0]!.signature, ea.secret!);
    expect(event.type).toBe('checkout.session.completed');
    await stripe.webhooks.constructEventAsync(c.received[0]!.body, c.received[0]!.signature, ec.secret!);
    await expect(stripe.webhooks.constructEventAsync(a.received[0]!.body, a.received[0]!.signature, ec.secret!)).rejects.toThrow();

    await stripe.webhookEndpoints.update(ea.id, { disabled: true });
    await stripe.webhookEndpoints.del(ec.id);
    const second = await stripe.checkout.sessions.create(sessionParams(price.id));
    await em.completeSession(second.id);
    await em.webhooksIdle();
    expect([a.received.length, b.received.length, c.received.length]).toEqual([1, 0, 1]);
    expect(await stripe.webhookEndpoints.retrieve(ea.id)).toMatchObject({ status: 'disabled', url: `${a.origin}/hook` });
    expect(await rejected(stripe.webhookEndpoints.retrieve(ec.id))).toMatchObject({ statusCode: 404 });
  });

  it('validates url and enabled_events', async () => {
    expect(await rejected(stripe.webhookEndpoints.create({ url: 'not a url', enabled_events: ['*'] }))).toMatchObject({ param: 'url' });
    expect(await rejected(stripe.webhookEndpoints.create({ url: 'https://a.test/h', enabled_events: [] }))).toMatchObject({ param: 'enabled_events' });
  });
});

describe('checkout session options', () => {
  it('records allow_promotion_codes, invoice_creation and locale; refuses locales Stripe does not have', async () => {
    const price = await onePrice();
    const session = await stripe.checkout.sessions.create(
      sessionParams(price.id, { allow_promotion_codes: true, invoice_creation: { enabled: true }, locale: 'fr-CA' }),
    );
    expect(session).toMatchObject({ allow_promotion_codes: true, invoice_creation: { enabled: true }, locale: 'fr-CA' });
    const err = await rejected(stripe.checkout.sessions.create(sessionParams(price.id, { locale: 'xx' as 'fr' })));
    expect(err).toMatchObject({ statusCode: 400, param: 'locale' });
    await em.completeSession(session.id);
    expect((await stripe.checkout.sessions.retrieve(session.id)).invoice).toMatch(/^in_/);
  });

  it('refuses automatic_tax for an existing customer unless customer_update[address]=auto', async () => {
    const price = await onePrice();
    const customer = await stripe.customers.create({ email: 'ada@example.com' });
    const refused = await rejected(stripe.checkout.sessions.create(sessionParams(price.id, { customer: customer.id, automatic_tax: { enabled: true } })));
    expect(refused).toMatchObject({ statusCode: 400, param: 'automatic_tax[enabled]' });
    const ok = await stripe.checkout.sessions.create(
      sessionParams(price.id, { customer: customer.id, automatic_tax: { enabled: true }, customer_update: { address: 'auto' } }),
    );
    expect(ok.automatic_tax.enabled).toBe(true);
    const without = await rejected(stripe.checkout.sessions.create(sessionParams(price.id, { customer_update: { address: 'auto' } })));
    expect(without).toMatchObject({ statusCode: 400, param: 'customer_update' });
  });

  it('lets a buyer pay with a promotion code only where allowed: the total drops, the items do not', async () => {
    const price = await onePrice();
    em.createPromotionCode({ code: 'WORKSHOP25', percentOff: 25 });
    const plain = await stripe.checkout.sessions.create(sessionParams(price.id));
    await expect(em.completeSession(plain.id, { promotionCode: 'WORKSHOP25' })).rejects.toThrow(/promotion codes/);
    const allowed = await stripe.checkout.sessions.create(sessionParams(price.id, { allow_promotion_codes: true }));
    await em.completeSession(allowed.id, { promotionCode: 'workshop25' });
    const paid = await stripe.checkout.sessions.retrieve(allowed.id, { expand: ['line_items'] });
    expect(paid).toMatchObject({ payment_status: 'paid', amount_subtotal: 7900, amount_total: 5925, total_details: { amount_discount: 1975 } });
    expect(paid.line_items!.data[0]).toMatchObject({ quantity: 1, amount_subtotal: 7900, amount_discount: 1975, amount_total: 5925 });
    expect(paid.discounts?.[0]?.promotion_code).toMatch(/^promo_/);
  });
});
