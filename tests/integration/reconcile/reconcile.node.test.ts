// Reconciliation after the webhook was down: an isolated Stripe emulator whose endpoint is unreachable (so no event
// is ever delivered and Stripe lists them as undelivered), purchases, a refund, a lost dispute and a foreign session;
// one run credits and reverses all of it through the same code as the webhook, a second run changes nothing.
// At scale: 300 paid sessions over a week, the emulator's 25/s rate limiter on, one page per run; the sweep finishes
// in the runs it reports, continues from its cursor, and credits nothing twice. Cut short by its budget (a clock the
// test moves) or by a Stripe failure, a run saves where it got and the next one continues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '@local/stripe-emulator';
import { LOCAL_PRICES } from '@local/stack';
import { createBillingServices } from '@/lib/services/create-billing-services';
import { handleReconcile, type ReconcileDeps } from '@/lib/reconcile/handle-reconcile';
import { reconcileBilling, type ReconcileReport } from '@/lib/reconcile/reconcile-billing';
import { fulfilCheckout } from '@/lib/fulfilment';
import type { LogLine } from '@/lib/http/request-context';
import { checkoutHarness } from '../../support/checkout';
import { seedPaidSessions } from '../../support/paid-sessions';
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
  deps = { ...services, cronSecret: CRON_SECRET, log: (line) => void logs.push(line), reconcile: { stateId: `test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}` } };
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

    const logBefore = emulator.log.length;
    const first = await run();
    expect(first.status).toBe(200);
    const report = (await first.json()) as ReconcileReport;
    // Undelivered: 4 checkout.session.completed, the refund's refund.created and charge.refunded, the dispute's
    // created, funds_withdrawn and closed. Each refund or dispute event re-reads its charge or dispute whole, so one
    // per object is replayed (4 + 1 + 1) and the other 3 skipped, and each charge and the dispute is read once.
    expect([report.eventsChecked, report.eventsSkipped]).toEqual([6, 3]);
    const reads = emulator.log.slice(logBefore).filter((r) => r.method === 'GET' && r.status === 200).map((r) => r.path);
    expect(reads.filter((p) => p === `/v1/charges/${refunded.chargeId}`)).toHaveLength(1);
    expect(reads.filter((p) => p === `/v1/charges/${disputed.chargeId}`)).toHaveLength(1);
    expect(reads.filter((p) => p === `/v1/disputes/${disputeId}`)).toHaveLength(1);
    expect(report.complete).toBe(true);
    expect(report.cursor).toBeNull();
    expect(report.watermark).toBe(report.until);
    // Undelivered events come first: their checkout, refund and dispute events credit the three purchases (and record
    // the foreign session), so the session sweep after them finds all four paid sessions settled and skips them.
    expect(report.fixed.filter((f) => f.kind === 'event').map((f) => f.outcome)).toContain('reversed');
    expect(report.fixed.filter((f) => f.kind === 'session')).toEqual([]);
    expect([report.sessionsListed, report.sessionsSkipped, report.sessionsChecked]).toEqual([4, 4, 0]);
    expect(report.unmatched.map((u) => u.stripeCheckoutSessionId)).toContain(foreign.id);
    expect(report.unmatched.find((u) => u.stripeCheckoutSessionId === foreign.id)?.reason).toBe('not_ours');

    const ledgers = async () => Promise.all([plain, refunded, disputed].map((p) => ledgerOf(p.userId)));
    const after = await ledgers();
    // Half of a 3-credit pack refunded leaves floor(3 × ½) = 1 credit (the ledger's one rounding rule).
    expect(after.map((l) => l.balance)).toEqual([3, 1, 0]);
    expect(after[1]!.entries).toEqual([{ kind: 'purchase', credits: 3, shortfall: 0 }, { kind: 'refund', credits: -2, shortfall: 0 }]);
    expect(after[2]!.entries).toEqual([{ kind: 'dispute_withdrawn', credits: -1, shortfall: 0 }, { kind: 'purchase', credits: 1, shortfall: 0 }]);

    const retrievesBefore = emulator.log.filter((r) => /^\/v1\/checkout\/sessions\/cs_/.test(r.path)).length;
    const second = (await (await run()).json()) as ReconcileReport;
    expect(second.fixed).toEqual([]);
    expect(second.complete).toBe(true);
    // The second sweep starts at the watermark (less 5 minutes, and a day for sessions paid late) and skips all four.
    expect(second.from).toBe(report.until - 300);
    expect([second.sessionsListed, second.sessionsSkipped, second.sessionsChecked]).toEqual([4, 4, 0]);
    // Its only session reads are the replayed checkout events' (3 of ours, 1 foreign), none from the session sweep.
    expect(emulator.log.filter((r) => /^\/v1\/checkout\/sessions\/cs_/.test(r.path)).length - retrievesBefore).toBe(4);
    expect(await ledgers()).toEqual(after);
    expect(logs.filter((l) => l.route === 'reconcile' && l.status === 200)).toHaveLength(2);
  });
});

describe('reconciliation within a time budget', () => {
  it('stops starting pages once the budget is spent, saves where it stopped, and the next run finishes the same sweep', async () => {
    const stateId = `budget_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`;
    // A clock that moves 10 s each time the sweep looks at it: start (deadline = +35 s), the window's end (+20 s),
    // before the events page (+30 s: within budget), before the first sessions page (+40 s: spent).
    let t = Date.now();
    const first = await reconcileBilling(deps, { stateId, budgetMs: 25_000, now: () => (t += 10_000) });
    expect(first).toMatchObject({ complete: false, cursor: { phase: 'sessions', after: null }, sessionsListed: 0, watermark: null });
    const second = await reconcileBilling(deps, { stateId });
    expect(second).toMatchObject({ complete: true, cursor: null, from: first.from, until: first.until, watermark: first.until, eventsChecked: 0, fixed: [] });
    expect(second.sessionsListed).toBeGreaterThan(0);
    expect(second.sessionsSkipped).toBe(second.sessionsListed);
  });
});

describe('reconciliation when Stripe fails mid-sweep', () => {
  it('keeps the pages it finished: the route answers 502, and the next run continues from the saved phase', async () => {
    const stateId = `fail_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`;
    emulator.failNext({ path: /^\/v1\/checkout\/sessions$/, method: 'GET', count: 10, kind: 'error500' });
    const failed = await handleReconcile(new Request('http://app.test/api/billing/reconcile', { headers: { authorization: `Bearer ${CRON_SECRET}` } }), { ...deps, reconcile: { stateId } });
    emulator.clearFaults();
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('stripe_unavailable');
    // The undelivered events were handled before the session list failed, and that phase was saved: not read again.
    const eventListsBefore = emulator.log.filter((r) => r.path === '/v1/events').length;
    const next = await reconcileBilling(deps, { stateId });
    expect(next).toMatchObject({ complete: true, eventsChecked: 0, fixed: [] });
    expect(next.sessionsListed).toBeGreaterThan(0);
    expect(emulator.log.filter((r) => r.path === '/v1/events').length).toBe(eventListsBefore);
  });
});

describe('reconciliation when Stripe rate-limits it', () => {
  it('keeps retrying a rate-limited read past the 4 s a buyer or a webhook gets, and credits the sale in the same run', async () => {
    const { userId, sessionId } = await buy(LOCAL_PRICES.singleFlight.id);
    const read = `/v1/checkout/sessions/${sessionId}`;
    emulator.failNext({ path: read, method: 'GET', count: 1000, kind: 'rate_limit' });
    const running = reconcileBilling(deps, { stateId: `limited_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}` });
    // Awaited below; marked handled now so a run that gives up early fails there, not as an unhandled rejection.
    running.catch(() => {});
    // Stripe refuses the read until 4.5 s after its first refusal: past the webhook path's budget, inside the sweep's.
    let firstRefusal: number | undefined;
    while (firstRefusal === undefined || Date.now() - firstRefusal < 4_500) {
      if (firstRefusal === undefined && emulator.log.some((r) => r.path === read && r.fault === 'rate_limit')) firstRefusal = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    emulator.clearFaults();
    const report = await running;
    const reads = emulator.log.filter((r) => r.path === read);
    expect(reads.filter((r) => r.fault === 'rate_limit').length).toBeGreaterThan(4);
    expect(reads.filter((r) => r.status === 200)).toHaveLength(1);
    expect(report.complete).toBe(true);
    // Its undelivered checkout.session.completed event comes first in the sweep, and credits it.
    expect(report.fixed.filter((f) => f.outcome === 'credited')).toEqual([{ kind: 'event', id: expect.stringMatching(/^evt_/), type: 'checkout.session.completed', outcome: 'credited' }]);
    expect((await ledgerOf(userId)).balance).toBe(1);
  });
});

describe('reconciliation at scale', () => {
  let big: StripeEmulator;
  afterAll(() => big?.stop());

  it('300 sessions over a week, one page per run: finishes in the runs it reports, from its cursor, crediting each sale once', async () => {
    const env = await stack.env();
    // No webhook endpoint: the completion events were never pending, so the session sweep has to find the misses.
    big = await startStripeEmulator({ secretKey: env.STRIPE_SECRET_KEY!, prices: Object.values(LOCAL_PRICES), rateLimitPerSecond: 25 });
    const services = createBillingServices({ ...env, STRIPE_API_BASE: big.url });
    const buyers = [0, 1, 2, 3, 4].map(() => newClerkUserId('scale'));
    const sessions = await seedPaidSessions(big, services, { count: 300, buyers, spanSeconds: 7 * 86_400 });
    // The webhook delivered every third sale; reconciliation must find the other 200 and leave those 100 alone.
    const delivered = sessions.filter((_, i) => i % 3 === 0);
    for (const s of delivered) expect((await fulfilCheckout(s.id, services)).outcome).toBe('credited');

    const options = { stateId: `scale_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`, maxPages: 1, pageSize: 100 };
    const reports: ReconcileReport[] = [];
    const before = big.log.length;
    do reports.push(await reconcileBilling(services, options));
    while (!reports.at(-1)!.complete && reports.length < 10);
    // One (empty) page of undelivered events, then three pages of 100 sessions: four runs.
    expect(reports.map((r) => r.complete)).toEqual([false, false, false, true]);
    expect(reports.map((r) => r.cursor?.phase ?? null)).toEqual(['sessions', 'sessions', 'sessions', null]);
    expect(reports.slice(1, 3).map((r) => r.cursor?.after)).toEqual([sessions[200]!.id, sessions[100]!.id]);
    expect(new Set(reports.map((r) => r.until)).size).toBe(1);
    expect(reports.reduce((n, r) => n + r.sessionsListed, 0)).toBe(300);
    expect(reports.reduce((n, r) => n + r.sessionsSkipped, 0)).toBe(100);
    const fixed = reports.flatMap((r) => r.fixed.map((f) => f.id)).sort();
    expect(fixed).toEqual(sessions.filter((_, i) => i % 3 !== 0).map((s) => s.id).sort());
    // Stripe calls: 4 list pages and one read per fixed session, none for the 100 already credited; the limiter's 429s
    // were retried (a retried call is logged again), none lost.
    const calls = big.log.slice(before);
    expect(calls.filter((c) => c.status === 200 && c.path === '/v1/checkout/sessions').length + calls.filter((c) => c.status === 200 && c.path === '/v1/events').length).toBe(4);
    expect(new Set(calls.filter((c) => c.status === 200 && c.path.startsWith('/v1/checkout/sessions/cs_')).map((c) => c.path)).size).toBe(200);

    // Reconciled again and delivered again: nothing moves.
    const again = await reconcileBilling(services, { stateId: options.stateId });
    expect(again.complete).toBe(true);
    expect(again.fixed).toEqual([]);
    for (const s of sessions.slice(0, 20)) expect((await fulfilCheckout(s.id, services)).outcome).toBe('already_credited');
    for (const clerkUserId of buyers) {
      const mine = sessions.filter((s) => s.clerkUserId === clerkUserId);
      const ledger = await ledgerOf(clerkUserId);
      expect(ledger.entries.filter((e) => e.kind === 'purchase')).toHaveLength(60);
      expect(ledger.balance).toBe(mine.reduce((n, s) => n + s.creditQty, 0));
      expect(ledger.balance).toBe(30 * 1 + 30 * 3);
    }
  });
});
