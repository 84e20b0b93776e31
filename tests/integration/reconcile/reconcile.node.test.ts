// Reconciliation after the webhook was down: an isolated Stripe emulator whose endpoint is unreachable (so no event
// is ever delivered and Stripe lists them as undelivered), purchases, a refund, a lost dispute and a foreign session;
// one run credits and reverses all of it through the same code as the webhook, a second run changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '@local/stripe-emulator';
import { LOCAL_PRICES } from '@local/stack';
import { createBillingServices } from '@/lib/services/create-billing-services';
import { handleReconcile, type ReconcileDeps } from '@/lib/reconcile/handle-reconcile';
import type { ReconcileReport } from '@/lib/reconcile/reconcile-billing';
import type { LogLine } from '@/lib/http/request-context';
import { checkoutHarness } from '../../support/checkout';
import { ledgerOf } from '../../support/ledger';
import { newClerkUserId, stack } from '../../support/stack';

let emulator: StripeEmulator;
let deps: ReconcileDeps;
let h: Awaited<ReturnType<typeof checkoutHarness>>;
const logs: LogLine[] = [];
const CRON_SECRET = 'cron_test_secret_0123456789abcdef';

beforeAll(async () => {
  const env = await stack.env();
  emulator = await startStripeEmulator({
    secretKey: env.STRIPE_SECRET_KEY!,
    prices: Object.values(LOCAL_PRICES),
    // Port 9 (discard) refuses connections: every delivery fails, as during an outage.
    webhook: { url: 'http://127.0.0.1:9/api/billing/webhook', secret: env.STRIPE_WEBHOOK_SECRET! },
    webhookRetryDelaysMs: [],
  });
  const services = createBillingServices({ ...env, STRIPE_API_BASE: emulator.url });
  h = await checkoutHarness({ stripe: services.stripe });
  deps = { ...services, cronSecret: CRON_SECRET, log: (line) => void logs.push(line) };
});
afterAll(() => emulator.stop());

async function buy(priceId: string) {
  const userId = newClerkUserId('reconcile');
  const response = await h.checkout({ token: await stack.mintToken({ userId, email: `${userId}@example.com` }), body: h.priceBody(priceId) });
  expect(response.status).toBe(303);
  const sessionId = response.headers.get('location')!.split('/').pop()!;
  await emulator.completeSession(sessionId);
  const intent = await deps.stripe.paymentIntents.retrieve(emulator.getSession(sessionId)!.payment_intent as string);
  return { userId, sessionId, chargeId: intent.latest_charge as string };
}

const run = (secret = CRON_SECRET) => handleReconcile(new Request('http://app.test/api/billing/reconcile', { headers: { authorization: `Bearer ${secret}` } }), deps);

describe('reconciliation', () => {
  it('refuses a caller without the cron secret before any Stripe call', async () => {
    const before = emulator.log.length;
    expect((await run('wrong_secret_0123456789abcdef00')).status).toBe(401);
    expect((await handleReconcile(new Request('http://app.test/api/billing/reconcile'), deps)).status).toBe(401);
    expect((await handleReconcile(new Request('http://app.test/api/billing/reconcile'), { ...deps, cronSecret: undefined })).status).toBe(404);
    expect(emulator.log.length).toBe(before);
  });

  it('after the webhook was down, credits and reverses what was missed; a second run changes nothing', async () => {
    const single = LOCAL_PRICES.singleFlight.id;
    const serial = LOCAL_PRICES.serialEntrepreneur.id;
    const plain = await buy(serial);
    const refunded = await buy(serial);
    await deps.stripe.refunds.create({ charge: refunded.chargeId, amount: 7450 });
    const disputed = await buy(single);
    const disputeId = await emulator.openDispute(disputed.chargeId);
    await emulator.closeDispute(disputeId, 'lost');
    const foreign = await deps.stripe.checkout.sessions.create({
      mode: 'payment', line_items: [{ price: serial, quantity: 1 }], client_reference_id: 'usr_someone', success_url: 'https://elsewhere.example/',
    });
    await emulator.completeSession(foreign.id);
    await emulator.webhooksIdle();
    expect(emulator.deliveries.every((d) => d.status === null)).toBe(true);

    const first = await run();
    expect(first.status).toBe(200);
    const report = (await first.json()) as ReconcileReport;
    expect(report.fixed.filter((f) => f.kind === 'session').map((f) => f.id).sort()).toEqual([plain.sessionId, refunded.sessionId, disputed.sessionId].sort());
    expect(report.fixed.filter((f) => f.kind === 'event').map((f) => f.outcome)).toContain('reversed');
    expect(report.unmatched.map((u) => u.stripeCheckoutSessionId)).toContain(foreign.id);
    expect(report.unmatched.find((u) => u.stripeCheckoutSessionId === foreign.id)?.reason).toBe('not_ours');

    const ledgers = async () => Promise.all([plain, refunded, disputed].map((p) => ledgerOf(p.userId)));
    const after = await ledgers();
    // Half of a 3-credit pack refunded leaves floor(3 × ½) = 1 credit (the ledger's one rounding rule).
    expect(after.map((l) => l.balance)).toEqual([3, 1, 0]);
    expect(after[1]!.entries).toEqual([{ kind: 'purchase', credits: 3, shortfall: 0 }, { kind: 'refund', credits: -2, shortfall: 0 }]);
    expect(after[2]!.entries).toEqual([{ kind: 'dispute_withdrawn', credits: -1, shortfall: 0 }, { kind: 'purchase', credits: 1, shortfall: 0 }]);

    const second = (await (await run()).json()) as ReconcileReport;
    expect(second.fixed).toEqual([]);
    expect(second.sessionsChecked).toBe(report.sessionsChecked);
    expect(await ledgers()).toEqual(after);
    expect(logs.filter((l) => l.route === 'reconcile' && l.status === 200)).toHaveLength(2);
  });
});
