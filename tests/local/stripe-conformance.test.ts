// Conformance of the emulator with Stripe's published API description: drives it with the real SDK through every
// call the app makes, the lifecycle events and the error cases, and checks each object against Stripe's example
// objects (`openapi/fixtures3.json` from stripe/openapi at the SDK's spec version, vendored). The SDK's generated
// types are the other half: local/stripe-emulator/types.ts types every object it serves as Stripe's own, so `tsc`
// fails on drift. Bumping the SDK without re-vendoring the fixtures fails the version check below.
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '@local/stripe-emulator';
import { rejection, sdkFor } from '../support/stripe-sdk';

const SPEC_VERSION = 'v2186';
const fixtures = (JSON.parse(readFileSync(new URL(`./fixtures/stripe-openapi-fixtures3.${SPEC_VERSION}.json`, import.meta.url), 'utf8')) as {
  resources: Record<string, Record<string, unknown>>;
}).resources;
const KEY = 'sk_test_conformance_3e8a1f5c9b2d';

type Kind = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';
const kindOf = (v: unknown): Kind => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as Kind));

/** Differences between an emulator object and Stripe's example: missing fields and fields of another JSON kind. */
function compare(actual: unknown, example: unknown, path: string, out: string[]): void {
  const a = kindOf(actual);
  const e = kindOf(example);
  if (e === 'null' || a === 'null') return; // nullable in the spec: either side may be null
  // An expandable field: an id in the example, the expanded object (with that kind of id) when asked for.
  if (e === 'string' && a === 'object' && typeof (actual as { id?: unknown }).id === 'string') return;
  if (a !== e) {
    out.push(`${path}: ${a}, Stripe: ${e}`);
    return;
  }
  if (e === 'object') {
    // Free-form maps (metadata) and polymorphic payloads are checked on their own.
    if (path.endsWith('.metadata') || path.endsWith('data.object')) return;
    const act = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(example as Record<string, unknown>)) {
      if (!(k in act)) out.push(`${path}.${k}: missing`);
      else compare(act[k], v, `${path}.${k}`, out);
    }
  } else if (e === 'array' && (actual as unknown[]).length > 0 && (example as unknown[]).length > 0) {
    compare((actual as unknown[])[0], (example as unknown[])[0], `${path}[0]`, out);
  }
}

const results: { what: string; problems: string[] }[] = [];
function check(what: string, resource: string, actual: unknown): void {
  const example = fixtures[resource];
  const problems: string[] = [];
  if (!example) problems.push(`no example for ${resource} in fixtures3 ${SPEC_VERSION}`);
  else compare(actual, example, resource, problems);
  results.push({ what, problems });
}
function checkError(what: string, err: Stripe.errors.StripeError, status: number): void {
  const problems: string[] = [];
  const raw = err.raw as { type?: unknown; message?: unknown; request_log_url?: unknown };
  if (err.statusCode !== status) problems.push(`status ${err.statusCode}, expected ${status}`);
  if (!['api_error', 'card_error', 'idempotency_error', 'invalid_request_error'].includes(String(raw.type))) problems.push(`type ${String(raw.type)}`);
  if (typeof raw.message !== 'string') problems.push('message missing');
  if (typeof raw.request_log_url !== 'string') problems.push('request_log_url missing');
  results.push({ what, problems });
}

let em: StripeEmulator;
let stripe: Stripe;
beforeAll(async () => {
  em = await startStripeEmulator({
    secretKey: KEY,
    prices: [{ id: 'price_conf', productId: 'prod_conf', productName: 'Conformance', unitAmount: 4900, currency: 'usd' }],
    searchLagMs: 0,
  });
  stripe = sdkFor(em.url, KEY);
});
afterAll(() => em.stop());

describe('Stripe conformance', () => {
  it('the vendored fixtures are those of the installed SDK\'s spec version', () => {
    expect(readFileSync(new URL('../../node_modules/stripe/OPENAPI_VERSION', import.meta.url), 'utf8').trim()).toBe(SPEC_VERSION);
  });

  it('the comparison catches drift: a missing field and a field of another kind', async () => {
    const customer = JSON.parse(JSON.stringify(await stripe.customers.create({}))) as Record<string, unknown>;
    delete customer.invoice_settings;
    customer.balance = '0';
    const problems: string[] = [];
    compare(customer, fixtures.customer, 'customer', problems);
    expect(problems).toEqual(['customer.balance: string, Stripe: number', 'customer.invoice_settings: missing']);
  });

  it('every object the app reads, the lifecycle events and the error cases match Stripe\'s description', async () => {
    const customer = await stripe.customers.create({ email: 'c@example.com', metadata: { appUserId: 'u1' } }, { idempotencyKey: 'conf-1' });
    check('customers.create', 'customer', customer);
    check('customers.create (replayed)', 'customer', await stripe.customers.create({ email: 'c@example.com', metadata: { appUserId: 'u1' } }, { idempotencyKey: 'conf-1' }));
    check('customers.retrieve', 'customer', await stripe.customers.retrieve(customer.id));
    const found = await stripe.customers.search({ query: "metadata['appUserId']:'u1'" });
    check('customers.search[0]', 'customer', found.data[0]);
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'payment',
      customer: customer.id,
      client_reference_id: 'u1',
      line_items: [{ price: 'price_conf', quantity: 1 }],
      success_url: 'https://app.test/ok?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.test/cancel',
      metadata: { clerkUserId: 'user_1', creditQty: '1' },
    };
    const session = await stripe.checkout.sessions.create(params);
    check('checkout.sessions.create', 'checkout.session', session);
    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    check('checkout.sessions.retrieve (expand line_items)', 'checkout.session', expanded);
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    check('checkout.sessions.listLineItems[0]', 'item', items.data[0]);
    check('line item price', 'price', items.data[0]?.price);

    const completed = await em.completeSession(session.id);
    const event = await stripe.events.retrieve(completed);
    check('event checkout.session.completed', 'event', event);
    check('event data.object', 'checkout.session', event.data.object);
    const other = await stripe.checkout.sessions.create(params);
    check('checkout.sessions.expire', 'checkout.session', await stripe.checkout.sessions.expire(other.id));
    const asyncSession = await stripe.checkout.sessions.create(params);
    await em.completeSession(asyncSession.id, { async: true });
    const settled = await stripe.events.retrieve(await em.settleAsyncPayment(asyncSession.id, 'succeeded'));
    check('event checkout.session.async_payment_succeeded', 'event', settled);
    check('customers.del', 'deleted_customer', await stripe.customers.del((await stripe.customers.create({})).id));

    checkError('resource_missing', await rejection(stripe.customers.retrieve('cus_missing')), 404);
    checkError('parameter_unknown', await rejection(stripe.customers.create({ bogus: 1 } as Stripe.CustomerCreateParams)), 400);
    checkError('idempotency_error', await rejection(stripe.customers.create({ email: 'd@example.com' }, { idempotencyKey: 'conf-1' })), 400);
    checkError('bad key', await rejection(sdkFor(em.url, 'sk_test_wrong').customers.create({})), 401);
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'rate_limit' });
    checkError('rate_limit', await rejection(stripe.customers.create({})), 429);
    em.failNext({ path: '/v1/customers', method: 'POST', kind: 'error500_during' });
    checkError('stored 500', await rejection(stripe.customers.create({}, { idempotencyKey: 'conf-500' })), 500);

    const bad = results.filter((r) => r.problems.length > 0);
    // Straight to stdout: the summary belongs in every run's output, and vitest silences console output of passing tests.
    process.stdout.write(`stripe conformance (fixtures3 ${SPEC_VERSION}): conforming ${results.length - bad.length}, non-conforming ${bad.length}\n`);
    for (const r of bad) process.stdout.write(`  ${r.what}: ${r.problems.join('; ')}\n`);
    expect(bad).toEqual([]);
  });
});
