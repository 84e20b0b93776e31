// The emulator's payment side through the real stripe SDK: a paid session's PaymentIntent and Charge (with a receipt
// page), refunds full and partial, disputes with their lifecycle, the signed events of each, listing undelivered
// events and sessions, and faults on the new endpoints.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '@local/stripe-emulator';

const SECRET_KEY = 'sk_test_emulator_payments_7c1d';
const WEBHOOK_SECRET = 'whsec_local_payments_2b9e';
const verifier = new Stripe(SECRET_KEY, { apiVersion: '2026-02-25.clover' });

let emulator: StripeEmulator;
let stripe: Stripe;
let receiver: { url: string; events: Stripe.Event[]; status: number; close(): Promise<void> };

async function startReceiver() {
  const events: Stripe.Event[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      // Every delivery must verify with the endpoint's secret, as the app verifies it.
      events.push(verifier.webhooks.constructEvent(body, String(req.headers['stripe-signature']), WEBHOOK_SECRET));
      res.writeHead(state.status).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    events,
    get status() { return state.status; },
    set status(v: number) { state.status = v; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeEach(async () => {
  receiver = await startReceiver();
  emulator = await startStripeEmulator({
    secretKey: SECRET_KEY,
    prices: [{ id: 'price_pack', productId: 'prod_pack', productName: 'Pack', unitAmount: 14900, currency: 'usd' }],
    webhook: { url: receiver.url, secret: WEBHOOK_SECRET },
    webhookRetryDelaysMs: [],
  });
  const base = new URL(emulator.url);
  stripe = new Stripe(SECRET_KEY, { apiVersion: '2026-02-25.clover', host: base.hostname, port: base.port, protocol: 'http', httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0 });
});
afterEach(async () => {
  await emulator.stop();
  await receiver.close();
});

async function paidCharge(opts: { async?: boolean } = {}) {
  const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_pack', quantity: 1 }], success_url: 'https://app.test/s' });
  await emulator.completeSession(session.id, opts);
  const paid = await stripe.checkout.sessions.retrieve(session.id);
  const intent = await stripe.paymentIntents.retrieve(paid.payment_intent as string);
  const charge = await stripe.charges.retrieve(intent.latest_charge as string);
  return { session: paid, intent, charge };
}

const types = () => receiver.events.map((e) => e.type);

describe('PaymentIntents and Charges', () => {
  it('a paid session has a succeeded PaymentIntent and Charge for its amount, whose receipt_url serves a receipt', async () => {
    const { session, intent, charge } = await paidCharge();
    expect(intent).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 14900, amount_received: 14900, currency: 'usd', latest_charge: charge.id });
    expect(charge).toMatchObject({ object: 'charge', status: 'succeeded', paid: true, amount: 14900, amount_refunded: 0, refunded: false, disputed: false, payment_intent: session.payment_intent });
    const receipt = await fetch(charge.receipt_url!);
    expect(receipt.status).toBe(200);
    const html = await receipt.text();
    expect(html).toContain(charge.id);
    expect(html).toContain('149.00 USD');
    expect((await fetch(`${emulator.url}/receipts/ch_nope`)).status).toBe(404);
  });

  it('a delayed payment is processing until it settles', async () => {
    const { session, intent, charge } = await paidCharge({ async: true });
    expect(intent.status).toBe('processing');
    expect(charge.status).toBe('pending');
    await emulator.settleAsyncPayment(session.id, 'succeeded');
    expect((await stripe.charges.retrieve(charge.id)).status).toBe('succeeded');
  });
});

describe('refunds', () => {
  it('refunds partially, then the rest; refuses more than is left; emits signed refund.created and charge.refunded', async () => {
    const { charge, intent } = await paidCharge();
    const first = await stripe.refunds.create({ charge: charge.id, amount: 4900 });
    expect(first).toMatchObject({ object: 'refund', amount: 4900, status: 'succeeded', charge: charge.id, payment_intent: intent.id });
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 4900, refunded: false });
    await expect(stripe.refunds.create({ charge: charge.id, amount: 10001 })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'amount' });
    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(10000);
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 14900, refunded: true });
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    const listed = await stripe.refunds.list({ charge: charge.id });
    expect(listed.data.map((r) => r.id).sort()).toEqual([first.id, rest.id].sort());
    await emulator.webhooksIdle();
    expect(types().filter((t) => t !== 'checkout.session.completed')).toEqual(['refund.created', 'charge.refunded', 'refund.created', 'charge.refunded']);
    const lastCharge = receiver.events.at(-1)!.data.object as Stripe.Charge;
    expect(lastCharge).toMatchObject({ id: charge.id, amount_refunded: 14900, refunded: true });
  });

  it('lists refunds newest first in creation order, even when several share a second (ids are random)', async () => {
    const { charge } = await paidCharge();
    const made = [];
    for (let i = 0; i < 6; i++) made.push((await stripe.refunds.create({ charge: charge.id, amount: 100 })).id);
    const listed = await stripe.refunds.list({ charge: charge.id, limit: 100 });
    expect(listed.data.map((r) => r.id)).toEqual([...made].reverse());
  });
});

describe('disputes', () => {
  it('a chargeback withdraws at once; winning reinstates; the charge can no longer be refunded', async () => {
    const { charge } = await paidCharge();
    const disputeId = await emulator.openDispute(charge.id);
    expect(await stripe.disputes.retrieve(disputeId)).toMatchObject({ object: 'dispute', status: 'needs_response', amount: 14900, charge: charge.id, payment_intent: charge.payment_intent });
    expect((await stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_disputed' });
    await emulator.closeDispute(disputeId, 'won');
    expect((await stripe.disputes.retrieve(disputeId)).status).toBe('won');
    await emulator.webhooksIdle();
    expect(types().filter((t) => t.startsWith('charge.dispute'))).toEqual([
      'charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.closed', 'charge.dispute.funds_reinstated',
    ]);
  });

  it('a lost dispute keeps the funds withdrawn; accepting through the API loses it; an inquiry moves no funds', async () => {
    const a = await paidCharge();
    const lost = await emulator.openDispute(a.charge.id, { amount: 5000 });
    expect((await stripe.disputes.close(lost)).status).toBe('lost');
    const b = await paidCharge();
    const inquiry = await emulator.openDispute(b.charge.id, { inquiry: true });
    expect((await stripe.disputes.retrieve(inquiry)).status).toBe('warning_needs_response');
    await emulator.closeDispute(inquiry, 'won');
    expect((await stripe.disputes.retrieve(inquiry)).status).toBe('warning_closed');
    await emulator.webhooksIdle();
    const withdrawn = receiver.events.filter((e) => e.type === 'charge.dispute.funds_withdrawn').map((e) => (e.data.object).id);
    expect(withdrawn).toEqual([lost]);
    expect(types()).not.toContain('charge.dispute.funds_reinstated');
  });
});

describe('listing', () => {
  it('GET /v1/events?delivery_success=false lists the events the endpoint did not accept, and only those', async () => {
    const delivered = await paidCharge();
    await emulator.webhooksIdle();
    receiver.status = 500;
    const missed = await paidCharge();
    await emulator.webhooksIdle();
    const undelivered = await stripe.events.list({ delivery_success: false, type: 'checkout.session.completed' });
    expect(undelivered.data.map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([missed.session.id]);
    const all = await stripe.events.list({ type: 'checkout.session.*' });
    expect(all.data.map((e) => (e.data.object as Stripe.Checkout.Session).id).sort()).toEqual([delivered.session.id, missed.session.id].sort());
  });

  it('pages after a starting_after cursor the filter no longer matches (an event delivered since), as Stripe does', async () => {
    receiver.status = 500;
    const first = await paidCharge();
    const second = await paidCharge();
    await emulator.webhooksIdle();
    const [newest, older] = (await stripe.events.list({ delivery_success: false, type: 'checkout.session.completed' })).data;
    expect((newest!.data.object as Stripe.Checkout.Session).id).toBe(second.session.id);
    expect((older!.data.object as Stripe.Checkout.Session).id).toBe(first.session.id);
    // The cursor's event is delivered between two pages: it leaves the filtered list, but still marks a place in it.
    receiver.status = 200;
    await emulator.resendEvent(newest!.id);
    await emulator.webhooksIdle();
    const next = await stripe.events.list({ delivery_success: false, type: 'checkout.session.completed', starting_after: newest!.id });
    expect(next.data.map((e) => e.id)).toEqual([older!.id]);
  });

  it('lists checkout sessions by status and payment_intent, with line items expanded', async () => {
    const { session } = await paidCharge();
    await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_pack', quantity: 1 }], success_url: 'https://app.test/s' });
    const complete = await stripe.checkout.sessions.list({ status: 'complete', expand: ['data.line_items'] });
    expect(complete.data.map((s) => s.id)).toEqual([session.id]);
    expect(complete.data[0]!.line_items!.data[0]!.price!.id).toBe('price_pack');
    const byIntent = await stripe.checkout.sessions.list({ payment_intent: session.payment_intent as string });
    expect(byIntent.data.map((s) => s.id)).toEqual([session.id]);
    expect((await stripe.checkout.sessions.list({})).data).toHaveLength(2);
  });

  it('faults apply to the new endpoints like the rest', async () => {
    const { charge } = await paidCharge();
    emulator.failNext({ path: `/v1/charges/${charge.id}`, kind: 'error500' });
    await expect(stripe.charges.retrieve(charge.id)).rejects.toMatchObject({ type: 'StripeAPIError' });
    expect((await stripe.charges.retrieve(charge.id)).id).toBe(charge.id);
    emulator.failNext({ path: '/v1/refunds', method: 'POST', kind: 'error500' });
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ type: 'StripeAPIError' });
    expect((await stripe.charges.retrieve(charge.id)).amount_refunded).toBe(0);
  });
});
