// `npm run bench:reconcile`: reconciliation at scale, figures only (not a test). Seeds an emulator with 10 000 paid
// Checkout Sessions over the last week for 100 buyers; 98 % credited as the webhook would have (the same ledger
// statement), 2 % (200) never credited; then 50 full refunds whose events are never delivered (the endpoint is down).
// With Stripe's test-mode rate limit on (25 requests/s per endpoint), it runs the sweep as the cron would, run after
// run until complete, and prints sessions per second, Stripe calls (and 429s), runs needed and what was fixed; then
// checks nothing was credited twice (one purchase entry per sale: the ledger's causes are unique) and that a second
// sweep changes nothing. BENCH_SESSIONS and BENCH_BUDGET_MS change the scale and the per-run budget.
import { sql } from 'drizzle-orm';
import { startStripeEmulator } from '../local/stripe-emulator';
import { LOCAL_PRICES, startLocalStack } from '../local/stack';
import { creditPaidPurchase } from '../src/db/fulfilment';
import { createBillingServices } from '../src/lib/services/create-billing-services';
import { reconcileBilling, type ReconcileReport } from '../src/lib/reconcile/reconcile-billing';
import { seedPaidSessions } from '../tests/support/paid-sessions';
import { round } from './support';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const UNCREDITED_EVERY = 50; // 2 %
const REFUNDS = 50;
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 40_000);

const stack = await startLocalStack({ appUrl: 'http://localhost:3000' });
const emulator = await startStripeEmulator({ secretKey: stack.env.STRIPE_SECRET_KEY!, prices: Object.values(LOCAL_PRICES), webhookRetryDelaysMs: [] });
try {
  const services = createBillingServices({ ...stack.env, STRIPE_API_BASE: emulator.url }, { timeoutMs: 30_000 });
  const t0 = performance.now();
  const buyers = Array.from({ length: 100 }, (_, i) => `user_bench_reconcile_${i}`);
  const sessions = await seedPaidSessions(emulator, services, { count: SESSIONS, buyers, spanSeconds: 7 * 86_400 });
  const missed = sessions.filter((_, i) => i % UNCREDITED_EVERY === 0);
  const delivered = sessions.filter((_, i) => i % UNCREDITED_EVERY !== 0);
  for (let i = 0; i < delivered.length; i += 8) {
    await Promise.all(
      delivered.slice(i, i + 8).map((s) =>
        creditPaidPurchase(services.db, {
          stripeCheckoutSessionId: s.id, stripePaymentIntentId: emulator.getSession(s.id)!.payment_intent as string, stripeCustomerId: null,
          appUserId: s.appUserId, clerkUserId: s.clerkUserId, priceId: s.price.priceId, creditQty: s.creditQty, amountCents: s.price.amountCents, currency: s.price.currency,
        }),
      ),
    );
  }
  // The endpoint goes down; 50 credited purchases are refunded in full and their events are never delivered.
  emulator.setWebhook({ url: 'http://127.0.0.1:9/api/billing/webhook', secret: stack.env.STRIPE_WEBHOOK_SECRET! });
  const refunded = delivered.filter((_, i) => i % Math.floor(delivered.length / REFUNDS) === 0).slice(0, REFUNDS);
  for (const s of refunded) await services.stripe.refunds.create({ payment_intent: emulator.getSession(s.id)!.payment_intent as string });
  await emulator.webhooksIdle();
  console.log(`seeded ${SESSIONS} paid sessions over 7 days (${missed.length} uncredited), ${REFUNDS} undelivered refunds in ${round((performance.now() - t0) / 1000)} s`);

  emulator.setRateLimit(25);
  const before = emulator.log.length;
  const reports: ReconcileReport[] = [];
  const started = performance.now();
  do reports.push(await reconcileBilling(services, { budgetMs: BUDGET_MS }));
  while (!reports.at(-1)!.complete && reports.length < 50);
  const seconds = (performance.now() - started) / 1000;
  const calls = emulator.log.slice(before);
  const sum = (f: (r: ReconcileReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const fixed = reports.flatMap((r) => r.fixed);
  const figures = {
    sessions: SESSIONS,
    runs: reports.length,
    budgetSeconds: BUDGET_MS / 1000,
    seconds: round(seconds, 1),
    sessionsPerSecond: Math.round(sum((r) => r.sessionsListed) / seconds),
    stripeCalls: calls.length,
    rateLimited429: calls.filter((c) => c.status === 429).length,
    listCalls: calls.filter((c) => c.status === 200 && (c.path === '/v1/checkout/sessions' || c.path === '/v1/events')).length,
    sessionReads: calls.filter((c) => c.status === 200 && c.path.startsWith('/v1/checkout/sessions/cs_')).length,
    eventsChecked: sum((r) => r.eventsChecked),
    eventsSkipped: sum((r) => r.eventsSkipped),
    chargeReads: calls.filter((c) => c.status === 200 && c.path.startsWith('/v1/charges/ch_')).length,
    sessionsListed: sum((r) => r.sessionsListed),
    sessionsSkipped: sum((r) => r.sessionsSkipped),
    sessionsFulfilled: sum((r) => r.sessionsChecked),
    fixedSessions: fixed.filter((f) => f.kind === 'session').length,
    fixedEvents: fixed.filter((f) => f.kind === 'event').map((f) => f.outcome).reduce<Record<string, number>>((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {}),
  };
  console.log(JSON.stringify(figures, null, 2));

  const again = await reconcileBilling(services, { budgetMs: BUDGET_MS });
  const counts = await services.db.execute(sql`
    select (select count(*) from credit_entries where kind = 'purchase')::int as purchases,
           (select count(*) from credit_entries where kind = 'refund')::int as refunds,
           (select count(*) from purchases where credited_at is not null and stripe_checkout_session_id in (${sql.join(missed.map((s) => sql`${s.id}`), sql`, `)}))::int as missed_now`);
  const row = counts.rows[0] as { purchases: number; refunds: number; missed_now: number };
  console.log(`after: ${row.purchases} purchase entries (expected ${SESSIONS}), ${row.refunds} refund entries (expected ${REFUNDS}), ${row.missed_now}/${missed.length} missed sales credited; a second sweep fixed ${again.fixed.length} (complete=${again.complete}, listed ${again.sessionsListed}, skipped ${again.sessionsSkipped})`);
} finally {
  await Promise.allSettled([emulator.stop(), stack.stop()]);
}
