// The local Stripe emulator, driven through the real stripe SDK (fetch http client) exactly as the app drives it:
// API shapes and errors, idempotency, fault injection vs. the SDK's own retries, the hosted page and webhooks.
import { FAULT_MARKER } from '@local/fault-marker';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { rejection, sdkFor } from '../support/stripe-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type EmulatorPrice, type StripeEmulator, type StripeEmulatorOptions } from '@local/stripe-emulator';
import { parseForm } from '@local/stripe-emulator/form';
import { signatureHeader } from '@local/stripe-emulator/webhooks';

const SECRET_KEY = 'sk_test_emulator_4f9c2a7d1e8b3c6a';
const WEBHOOK_SECRET = 'whsec_local_test_5b7e1c9a2d4f6083';
const PRICES: EmulatorPrice[] = [
  { id: 'price_single', productId: 'prod_single', productName: 'Single Flight', unitAmount: 4900, currency: 'usd' },
  { id: 'price_serial', productId: 'prod_serial', productName: 'Serial Entrepreneur', unitAmount: 19900, currency: 'usd' },
];
const SUCCESS_URL = 'https://app.test/checkout/success?session_id={CHECKOUT_SESSION_ID}';
const CANCEL_URL = 'https://app.test/pricing?canceled=1';

// Webhook payloads are verified with the SDK's own verifier, as the app's edge route does.
const verifier = new Stripe(SECRET_KEY, { apiVersion: '2026-02-25.clover' });

interface Received {
  body: string;
  signature: string;
}

interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A tiny webhook endpoint; `statusFor(n)` picks the status of the n-th request (1-based). */
async function startReceiver(statusFor: (n: number) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    void readAll(req).then((body) => {
      received.push({ body, signature: String(req.headers['stripe-signature'] ?? '') });
      res.writeHead(statusFor(received.length), { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/webhooks/stripe`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const sdk = (em: StripeEmulator, config: Partial<Stripe.StripeConfig> = {}, key = SECRET_KEY): Stripe => sdkFor(em.url, key, config);


function sessionParams(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    line_items: [{ price: 'price_single', quantity: 2 }],
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
    client_reference_id: 'user_123',
    metadata: { clerkUserId: 'user_123', pack: 'single' },
    ...extra,
  };
}

async function verify(received: Received): Promise<Stripe.Event> {
  return verifier.webhooks.constructEventAsync(received.body, received.signature, WEBHOOK_SECRET);
}

let em: StripeEmulator;
let receiver: Receiver;
const extraEmulators: StripeEmulator[] = [];

async function emulator(options: Partial<StripeEmulatorOptions> = {}): Promise<StripeEmulator> {
  const e = await startStripeEmulator({ secretKey: SECRET_KEY, prices: PRICES, ...options });
  extraEmulators.push(e);
  return e;
}

beforeEach(async () => {
  receiver = await startReceiver();
  em = await startStripeEmulator({
    secretKey: SECRET_KEY,
    prices: PRICES,
    webhook: { url: receiver.url, secret: WEBHOOK_SECRET },
    webhookRetryDelaysMs: [20, 20],
  });
});

afterEach(async () => {
  await Promise.all([em.stop(), ...extraEmulators.splice(0).map((e) => e.stop())]);
  await receiver.close();
});

describe('customers', () => {
  it('creates and retrieves a customer shaped like Stripe’s', async () => {
    const stripe = sdk(em);
    const created = await stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      metadata: { clerkUserId: 'user_123' },
    });
    expect(created.id).toMatch(/^cus_[0-9A-Za-z]{14}$/);
    expect(created).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      metadata: { clerkUserId: 'user_123' },
      livemode: false,
      balance: 0,
    });
    expect(created.lastResponse.requestId).toMatch(/^req_/);

    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched).toEqual(created);
    expect(em.customers().map((c) => c.id)).toEqual([created.id]);
  });

  it('answers 404 resource_missing for an unknown customer id', async () => {
    const err = await rejection(sdk(em).customers.retrieve('cus_doesnotexist'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
    expect(err.message).toBe("No such customer: 'cus_doesnotexist'");
  });
});

describe('checkout sessions', () => {
  it('seeds paid sessions in bulk, dated as asked, and pages through them by created[gte] and starting_after, each once', async () => {
    const stripe = sdk(em);
    em.setWebhook(null);
    const nowS = Math.floor(Date.now() / 1000);
    const specs = Array.from({ length: 250 }, (_, i) => ({
      params: { mode: 'payment', line_items: [{ price: 'price_single', quantity: '1' }], success_url: SUCCESS_URL, metadata: { n: String(i) } },
      created: nowS - 3 * 86_400 + i * 60,
    }));
    const ids = em.seedPaidSessions(specs);
    const older = await stripe.checkout.sessions.create(sessionParams());
    expect(older.created).toBeGreaterThanOrEqual(nowS);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await stripe.checkout.sessions.list({ status: 'complete', created: { gte: nowS - 3 * 86_400, lte: nowS - 3 * 86_400 + 249 * 60 }, limit: 100, ...(after ? { starting_after: after } : {}) });
      pages++;
      seen.push(...page.data.map((s) => s.id));
      expect(page.data.every((s) => s.payment_status === 'paid' && s.status === 'complete')).toBe(true);
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    expect((await stripe.checkout.sessions.retrieve(ids[0]!)).created).toBe(nowS - 3 * 86_400);
  });

  it('lists events of the last 30 days only, as Stripe: an undelivered event ages out', async () => {
    const stripe = sdk(em);
    em.setWebhook(null);
    const [id] = em.seedPaidSessions([{ params: { mode: 'payment', line_items: [{ price: 'price_single', quantity: '1' }], success_url: SUCCESS_URL }, created: Math.floor(Date.now() / 1000) }]);
    const completed = async () => (await stripe.events.list({ type: 'checkout.session.completed', limit: 100 })).data.filter((e) => (e.data.object as { id: string }).id === id);
    expect(await completed()).toHaveLength(1);
    em.advanceClock(29 * 86_400_000);
    expect(await completed()).toHaveLength(1);
    em.advanceClock(2 * 86_400_000);
    expect(await completed()).toHaveLength(0);
  });

  it('refuses a starting_after cursor that names no object of the list, as Stripe does', async () => {
    const err = await rejection(sdk(em).checkout.sessions.list({ starting_after: 'cs_test_nosuchsession' }));
    expect(err).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'starting_after' });
  });

  it('creates a session from the catalogue and retrieves it with expanded and listed line items', async () => {
    const stripe = sdk(em);
    const customer = await stripe.customers.create({ email: 'ada@example.com' });
    const session = await stripe.checkout.sessions.create(sessionParams({ customer: customer.id }));

    expect(session.id).toMatch(/^cs_test_[0-9A-Za-z]{58}$/);
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      customer: customer.id,
      client_reference_id: 'user_123',
      metadata: { clerkUserId: 'user_123', pack: 'single' },
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
      amount_subtotal: 9800,
      amount_total: 9800,
      currency: 'usd',
      payment_intent: null,
      livemode: false,
      url: `${em.url}/c/pay/${session.id}`,
    });
    expect(session.expires_at - session.created).toBe(24 * 60 * 60);
    expect(session.line_items).toBeUndefined();

    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(expanded.line_items).toMatchObject({
      object: 'list',
      has_more: false,
      url: `/v1/checkout/sessions/${session.id}/line_items`,
    });
    const item = expanded.line_items?.data[0];
    expect(item?.id).toMatch(/^li_/);
    expect(item).toMatchObject({
      object: 'item',
      quantity: 2,
      amount_subtotal: 9800,
      amount_total: 9800,
      currency: 'usd',
      description: 'Single Flight',
      price: { id: 'price_single', object: 'price', product: 'prod_single', unit_amount: 4900, currency: 'usd' },
    });

    const listed = await stripe.checkout.sessions.listLineItems(session.id);
    expect(listed.object).toBe('list');
    expect(listed.data).toEqual(expanded.line_items?.data);
    expect(em.getSession(session.id)?.status).toBe('open');
    expect(em.sessions()).toHaveLength(1);
  });

  it('expands the customer and expires an open session', async () => {
    const stripe = sdk(em);
    const customer = await stripe.customers.create({ email: 'ada@example.com' });
    const session = await stripe.checkout.sessions.create(sessionParams({ customer: customer.id }));
    const withCustomer = await stripe.checkout.sessions.retrieve(session.id, { expand: ['customer'] });
    expect(withCustomer.customer).toMatchObject({ id: customer.id, object: 'customer' });

    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    await em.webhooksIdle();
    const event = await verify(receiver.received[0]!);
    expect(event.type).toBe('checkout.session.expired');
  });
});

describe('Stripe’s errors', () => {
  it('rejects a wrong API key with 401 without echoing the key', async () => {
    const wrongKey = 'sk_test_wrong_key_0000000000009999';
    const err = await rejection(sdk(em, {}, wrongKey).customers.create({ email: 'a@example.com' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(err.statusCode).toBe(401);
    expect(err.message).toMatch(/^Invalid API Key provided: sk_test_\*+9999$/);
    expect(err.message).not.toContain(wrongKey);
    expect(em.customers()).toHaveLength(0);

    const res = await fetch(`${em.url}/v1/customers/cus_x`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/did not provide an API key/);
  });

  it('accepts basic auth with the key as user, as curl -u sends it', async () => {
    const res = await fetch(`${em.url}/v1/customers`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'email=basic%40example.com',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });

  it('surfaces validation failures as StripeInvalidRequestError with Stripe’s code and param', async () => {
    const stripe = sdk(em);
    // Thunks, so each call starts only when awaited and no rejection goes unobserved.
    const cases: [() => Promise<unknown>, { code?: string; param?: string; statusCode?: number }, RegExp?][] = [
      [
        () => stripe.checkout.sessions.create(sessionParams({ line_items: [{ price: 'price_nope', quantity: 1 }] })),
        { code: 'resource_missing', param: 'line_items[0][price]', statusCode: 400 },
        /^No such price: 'price_nope'$/,
      ],
      [
        () => stripe.checkout.sessions.create({ ...sessionParams(), surprise: 'yes' } as Stripe.Checkout.SessionCreateParams),
        { code: 'parameter_unknown', param: 'surprise' },
        /^Received unknown parameter: surprise$/,
      ],
      [
        () => stripe.checkout.sessions.create({ ...sessionParams(), mode: undefined }),
        { code: 'parameter_missing', param: 'mode' },
        /^Missing required param: mode\.$/,
      ],
      [
        () => stripe.checkout.sessions.create(sessionParams({ mode: 'rental' as Stripe.Checkout.SessionCreateParams.Mode })),
        { param: 'mode' },
        /must be one of payment, setup, or subscription/,
      ],
      [
        () => stripe.checkout.sessions.create({ ...sessionParams(), line_items: undefined }),
        { code: 'parameter_missing', param: 'line_items' },
      ],
      [
        () => stripe.checkout.sessions.create({ ...sessionParams(), success_url: undefined }),
        { code: 'parameter_missing', param: 'success_url' },
      ],
      [
        () => stripe.checkout.sessions.create(sessionParams({ customer: 'cus_ghost' })),
        { code: 'resource_missing', param: 'customer' },
        /^No such customer: 'cus_ghost'$/,
      ],
      [
        () => stripe.checkout.sessions.create(sessionParams({ line_items: [{ price: 'price_single', quantity: 0 }] })),
        { code: 'parameter_invalid_integer', param: 'line_items[0][quantity]' },
      ],
      [
        () => stripe.checkout.sessions.create(sessionParams({ metadata: { note: 'x'.repeat(501) } })),
        { param: 'metadata[note]' },
        /up to 500 characters/,
      ],
      [
        () => stripe.checkout.sessions.create(sessionParams({ metadata: { ['k'.repeat(41)]: 'v' } })),
        { param: `metadata[${'k'.repeat(41)}]` },
        /up to 40 characters/,
      ],
      [
        () => stripe.checkout.sessions.create(
          sessionParams({ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }),
        ),
        { param: 'metadata' },
        /at most 50 keys/,
      ],
      [
        () => stripe.checkout.sessions.retrieve('cs_test_missing'),
        { code: 'resource_missing', statusCode: 404 },
      ],
      [
        () => stripe.customers.create({ email: 'ada@example.com', address: { line1: 'x' } }),
        { code: 'parameter_unknown', param: 'address' },
      ],
    ];
    for (const [call, expected, message] of cases) {
      const err = await rejection(call());
      expect(err, JSON.stringify(expected)).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(err).toMatchObject({ statusCode: 400, ...expected });
      expect(err.requestId).toMatch(/^req_/);
      if (message) expect(err.message).toMatch(message);
    }
    expect(em.sessions()).toHaveLength(0);
  });

  it('answers unknown routes like Stripe', async () => {
    const res = await fetch(`${em.url}/v1/charges`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/charges\)/);
  });
});

describe('idempotency', () => {
  it('replays the stored response for a repeated key without creating again', async () => {
    const stripe = sdk(em);
    const first = await stripe.customers.create({ email: 'ada@example.com' }, { idempotencyKey: 'signup-user_123' });
    const second = await stripe.customers.create({ email: 'ada@example.com' }, { idempotencyKey: 'signup-user_123' });
    expect(second.id).toBe(first.id);
    expect(em.customers()).toHaveLength(1);
    expect(em.log.map((r) => r.replayed ?? false)).toEqual([false, true]);

    const raw = await fetch(`${em.url}/v1/customers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SECRET_KEY}`,
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': 'signup-user_123',
      },
      body: 'email=ada%40example.com',
    });
    expect(raw.headers.get('idempotent-replayed')).toBe('true');
    expect(((await raw.json()) as { id: string }).id).toBe(first.id);
  });

  it('rejects the same key with different params or on another endpoint', async () => {
    const stripe = sdk(em);
    await stripe.customers.create({ email: 'ada@example.com' }, { idempotencyKey: 'k-1' });
    const err = await rejection(stripe.customers.create({ email: 'bob@example.com' }, { idempotencyKey: 'k-1' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/same parameters/);

    const other = await rejection(stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'k-1' }));
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(em.customers()).toHaveLength(1);
    expect(em.sessions()).toHaveLength(0);
  });

  it('does not store a validation failure, so a corrected retry with the key still runs', async () => {
    const stripe = sdk(em);
    await rejection(stripe.customers.create({ email: 'not-an-email' }, { idempotencyKey: 'k-2' }));
    const ok = await stripe.customers.create({ email: 'not-an-email@example.com' }, { idempotencyKey: 'k-2' });
    expect(ok.email).toBe('not-an-email@example.com');
  });

  it('turns 20 concurrent creates with one key into one customer', async () => {
    const stripe = sdk(em);
    // Latency keeps the first request executing while the others arrive, so they really overlap.
    em.setLatency(100);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        stripe.customers.create({ email: 'ada@example.com' }, { idempotencyKey: 'concurrent-key' }),
      ),
    );
    expect(new Set(results.map((c) => c.id)).size).toBe(1);
    expect(em.customers()).toHaveLength(1);
    // Stripe answers in-flight duplicates with 409, which the SDK retries into replays.
    expect(em.log.some((r) => r.status === 409)).toBe(true);
    expect(em.log.filter((r) => r.status === 200 && !r.replayed)).toHaveLength(1);
  });
});

describe('fault injection', () => {
  it('a 500 is absorbed by the SDK retry with the same idempotency key, creating one customer', async () => {
    em.failNext({ path: '/v1/customers', method: 'POST', count: 1, kind: 'error500' });
    const customer = await sdk(em).customers.create({ email: 'ada@example.com' });
    expect(em.customers().map((c) => c.id)).toEqual([customer.id]);
    const posts = em.log.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.status, r.fault])).toEqual([
      [500, 'error500'],
      [200, undefined],
    ]);
    expect(posts[0]?.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(posts[1]?.idempotencyKey).toBe(posts[0]?.idempotencyKey);
  });

  it('a 500 throws StripeAPIError when the SDK does not retry', async () => {
    em.failNext({ path: /^\/v1\/checkout\/sessions/, kind: 'error500' });
    const err = await rejection(sdk(em, { maxNetworkRetries: 0 }).checkout.sessions.create(sessionParams()));
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(err.statusCode).toBe(500);
    // Marked, so a test can tell when upstream error text leaks into the app's answers or logs.
    expect(err.message).toBe(`An unknown error occurred (${FAULT_MARKER})`);
    expect(em.sessions()).toHaveLength(0);
  });

  it('a dropped connection throws StripeConnectionError, or is absorbed by a retry', async () => {
    em.failNext({ path: '/v1/customers', kind: 'drop' });
    const err = await rejection(sdk(em, { maxNetworkRetries: 0 }).customers.create({ email: 'a@example.com' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(em.log[0]).toMatchObject({ fault: 'drop', status: 0 });

    em.failNext({ path: '/v1/customers', kind: 'drop' });
    const customer = await sdk(em).customers.create({ email: 'b@example.com' });
    expect(em.customers().map((c) => c.id)).toEqual([customer.id]);
  });

  it('a timeout holds the request until the SDK gives up', async () => {
    em.failNext({ path: '/v1/customers', kind: 'timeout' });
    const err = await rejection(
      sdk(em, { maxNetworkRetries: 0, timeout: 300 }).customers.create({ email: 'a@example.com' }),
    );
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(err.message).toMatch(/timeout/);
    expect(em.customers()).toHaveLength(0);
    // Faults are consumed: the next request goes through.
    await sdk(em).customers.create({ email: 'a@example.com' });
    expect(em.customers()).toHaveLength(1);
  });

  it('stop() releases a held request and clearFaults() drops pending faults', async () => {
    const other = await emulator();
    other.failNext({ path: '/v1/customers', kind: 'timeout', count: 5 });
    const pending = rejection(sdk(other, { maxNetworkRetries: 0 }).customers.create({ email: 'a@example.com' }));
    await expect.poll(() => other.log.length).toBe(1);
    await other.stop();
    expect(await pending).toBeInstanceOf(Stripe.errors.StripeConnectionError);

    em.failNext({ path: '/v1/customers', kind: 'error500', count: 3 });
    em.clearFaults();
    await sdk(em, { maxNetworkRetries: 0 }).customers.create({ email: 'a@example.com' });
    expect(em.log.map((r) => r.status)).toEqual([200]);
  });
});

describe('hosted checkout page', () => {
  it('shows the product, quantity and amount with Pay, delayed Pay and Cancel', async () => {
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    const res = await fetch(session.url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Single Flight');
    expect(html).toContain('$98.00');
    expect(html).toMatch(/<td class="num">2<\/td>/);
    expect(html).toContain(`action="/c/pay/${session.id}/pay"`);
    expect(html).toContain('Pay with delayed method');
    expect(html).toContain(`href="/c/pay/${session.id}/cancel"`);
    expect(em.log.every((r) => r.path.startsWith('/v1/'))).toBe(true);
  });

  it('Pay redirects 303 to the success URL with the id and delivers a verifiable checkout.session.completed', async () => {
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    const res = await fetch(`${em.url}/c/pay/${session.id}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'method=card',
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`https://app.test/checkout/success?session_id=${session.id}`);

    const paid = em.getSession(session.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(paid?.payment_intent).toMatch(/^pi_/);

    await em.webhooksIdle();
    expect(receiver.received).toHaveLength(1);
    const event = await verify(receiver.received[0]!);
    expect(event.id).toMatch(/^evt_/);
    expect(event).toMatchObject({
      object: 'event',
      type: 'checkout.session.completed',
      api_version: '2026-02-25.clover',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    });
    if (event.type !== 'checkout.session.completed') throw new Error('narrowing');
    expect(event.data.object).toMatchObject({
      id: session.id,
      payment_status: 'paid',
      client_reference_id: 'user_123',
      metadata: { clerkUserId: 'user_123', pack: 'single' },
      amount_total: 9800,
    });
    expect(em.deliveries).toMatchObject([{ eventId: event.id, type: event.type, sessionId: session.id, attempt: 1, status: 200 }]);

    // Paying again just redirects; no second event.
    const again = await fetch(`${em.url}/c/pay/${session.id}/pay`, { method: 'POST', redirect: 'manual' });
    expect(again.status).toBe(303);
    await em.webhooksIdle();
    expect(receiver.received).toHaveLength(1);
    expect(await em.completeSession(session.id)).toBe(event.id);
  });

  it('a signature made with another secret does not verify', async () => {
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    await em.completeSession(session.id);
    await em.webhooksIdle();
    const received = receiver.received[0]!;
    await expect(
      verifier.webhooks.constructEventAsync(received.body, received.signature, 'whsec_other'),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError);
  });

  it('Cancel redirects 303 to the cancel URL and leaves the session open', async () => {
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    const res = await fetch(`${em.url}/c/pay/${session.id}/cancel`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(CANCEL_URL);
    expect(em.getSession(session.id)?.status).toBe('open');
    await em.webhooksIdle();
    expect(receiver.received).toHaveLength(0);
  });

  it('an unknown session id shows a 404 page', async () => {
    const res = await fetch(`${em.url}/c/pay/cs_test_nope`);
    expect(res.status).toBe(404);
  });
});

describe('webhooks', () => {
  it('retries after a 500 from the receiver and records every attempt', async () => {
    const flaky = await startReceiver((n) => (n === 1 ? 500 : 200));
    try {
      em.setWebhook({ url: flaky.url, secret: WEBHOOK_SECRET });
      const session = await sdk(em).checkout.sessions.create(sessionParams());
      const eventId = await em.completeSession(session.id);
      await em.webhooksIdle();
      expect(em.deliveries.map((d) => [d.eventId, d.attempt, d.status])).toEqual([
        [eventId, 1, 500],
        [eventId, 2, 200],
      ]);
      expect(flaky.received).toHaveLength(2);
      for (const r of flaky.received) expect((await verify(r)).id).toBe(eventId);
    } finally {
      await flaky.close();
    }
  });

  it('records network errors as status null and gives up after the configured delays', async () => {
    const dead = await startReceiver();
    await dead.close();
    em.setWebhook({ url: dead.url, secret: WEBHOOK_SECRET });
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    await em.completeSession(session.id);
    await em.webhooksIdle();
    expect(em.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
  });

  it('async completion then settlement sends completed and async_payment_succeeded', async () => {
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    const completedId = await em.completeSession(session.id, { async: true });
    expect(em.getSession(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    const settledId = await em.settleAsyncPayment(session.id, 'succeeded');
    expect(em.getSession(session.id)?.payment_status).toBe('paid');
    await em.webhooksIdle();

    const events = await Promise.all(receiver.received.map(verify));
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(byId.get(completedId)?.type).toBe('checkout.session.completed');
    expect((byId.get(completedId)?.data.object as Stripe.Checkout.Session).payment_status).toBe('unpaid');
    expect(byId.get(settledId)?.type).toBe('checkout.session.async_payment_succeeded');
    expect((byId.get(settledId)?.data.object as Stripe.Checkout.Session).payment_status).toBe('paid');
    await expect(em.settleAsyncPayment(session.id, 'succeeded')).rejects.toThrow(/no delayed payment/);
  });

  it('the delayed-method button and the settle route fail a payment over HTTP', async () => {
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    const pay = await fetch(`${em.url}/c/pay/${session.id}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'method=delayed',
      redirect: 'manual',
    });
    expect(pay.status).toBe(303);
    expect(em.getSession(session.id)?.payment_status).toBe('unpaid');
    const settle = await fetch(`${em.url}/c/pay/${session.id}/settle?outcome=failed`, { method: 'POST' });
    expect(settle.status).toBe(200);
    const { event } = (await settle.json()) as { event: string };
    await em.webhooksIdle();
    const events = await Promise.all(receiver.received.map(verify));
    expect(events.find((e) => e.id === event)?.type).toBe('checkout.session.async_payment_failed');
    expect(em.getSession(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
  });

  it('resendEvent delivers the same event again', async () => {
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    const eventId = await em.completeSession(session.id);
    await em.webhooksIdle();
    await em.resendEvent(eventId);
    await em.webhooksIdle();
    const events = await Promise.all(receiver.received.map(verify));
    expect(events.map((e) => e.id)).toEqual([eventId, eventId]);
    expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
    await expect(em.resendEvent('evt_unknown')).rejects.toThrow(/No such event/);
  });

  it('events without a webhook are kept and can be sent once one is set', async () => {
    em.setWebhook(null);
    const session = await sdk(em).checkout.sessions.create(sessionParams());
    const eventId = await em.completeSession(session.id);
    await em.webhooksIdle();
    expect(receiver.received).toHaveLength(0);
    const retrieved = await sdk(em).events.retrieve(eventId);
    expect(retrieved).toMatchObject({ id: eventId, type: 'checkout.session.completed', pending_webhooks: 0 });
    em.setWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
    await em.resendEvent(eventId);
    await em.webhooksIdle();
    expect((await verify(receiver.received[0]!)).id).toBe(eventId);
  });

  it('stop() cancels pending retries', async () => {
    const failing = await startReceiver(() => 500);
    try {
      // A retry due in 10 minutes: if stop() left it pending, webhooksIdle() would outlast the test's timeout.
      const other = await emulator({ webhook: { url: failing.url, secret: WEBHOOK_SECRET }, webhookRetryDelaysMs: [600_000] });
      const session = await sdk(other).checkout.sessions.create(sessionParams());
      await other.completeSession(session.id);
      await expect.poll(() => other.deliveries.length).toBe(1);
      await other.stop();
      await other.webhooksIdle();
      expect(other.deliveries).toHaveLength(1);
    } finally {
      await failing.close();
    }
  });
});

describe('request log and latency', () => {
  it('records method, path, parsed body, query and idempotency key', async () => {
    const stripe = sdk(em);
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'checkout-1' });
    await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(em.log).toHaveLength(2);
    expect(em.log[0]).toMatchObject({
      method: 'POST',
      path: '/v1/checkout/sessions',
      idempotencyKey: 'checkout-1',
      status: 200,
      body: {
        mode: 'payment',
        line_items: [{ price: 'price_single', quantity: '2' }],
        metadata: { clerkUserId: 'user_123', pack: 'single' },
        success_url: SUCCESS_URL,
      },
    });
    expect(em.log[1]).toMatchObject({
      method: 'GET',
      path: `/v1/checkout/sessions/${session.id}`,
      query: { expand: ['line_items'] },
      idempotencyKey: null,
      status: 200,
    });
    expect(em.log[0]!.at).toBeLessThanOrEqual(em.log[1]!.at);
    em.clearLog();
    expect(em.log).toHaveLength(0);
  });

  it('applies the configured latency to /v1 answers', async () => {
    const slow = await emulator({ latencyMs: 150 });
    const started = Date.now();
    await sdk(slow).customers.create({ email: 'a@example.com' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);

    em.setLatency(120);
    em.clearLog();
    const t0 = Date.now();
    await sdk(em).customers.create({ email: 'a@example.com' });
    const seen = Date.now() - t0;
    expect(seen).toBeGreaterThanOrEqual(115);
    // The log says how long the emulator itself took to answer: the latency and more, never more than the client saw.
    expect(em.log[0]?.ms).toBeGreaterThanOrEqual(119);
    expect(em.log[0]?.ms).toBeLessThanOrEqual(seen + 1);
  });
});

describe('building blocks', () => {
  it('parses Stripe’s bracket form encoding into nested objects and arrays', () => {
    expect(
      parseForm(
        'mode=payment&metadata[clerkUserId]=user_1&line_items[0][price]=p1&line_items[0][quantity]=2' +
          '&line_items[1][price]=p2&expand[]=line_items&expand[]=customer&success_url=https%3A%2F%2Fx.test%2F%7BCHECKOUT_SESSION_ID%7D' +
          '&note=a+b%20c&metadata%5Bencoded%5D=yes',
      ),
    ).toEqual({
      mode: 'payment',
      metadata: { clerkUserId: 'user_1', encoded: 'yes' },
      line_items: [{ price: 'p1', quantity: '2' }, { price: 'p2' }],
      expand: ['line_items', 'customer'],
      success_url: 'https://x.test/{CHECKOUT_SESSION_ID}',
      note: 'a b c',
    });
    expect(parseForm('')).toEqual({});
    expect(() => parseForm('a=1&a[b]=2')).toThrow(/Invalid hash/);
  });

  it('signs exactly like stripe-node’s test header helper', async () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event' });
    const timestamp = 1_700_000_000;
    const expected = await verifier.webhooks.generateTestHeaderStringAsync({ payload, secret: WEBHOOK_SECRET, timestamp });
    expect(signatureHeader(payload, WEBHOOK_SECRET, timestamp)).toBe(expected);
  });
});
