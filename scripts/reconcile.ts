// `npm run billing:reconcile`: lists recently completed sessions and undelivered events from Stripe, runs them through
// the app's fulfilment and reversal code, and prints what it fixed and what is still unmatched. Safe to re-run.
import './load-local-env';

const days = Number(/^--days=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--days=')) ?? '')?.[1] ?? 7);
const { env } = await import('../src/env');
const { createBillingServices } = await import('../src/lib/services/create-billing-services');
const { reconcileBilling } = await import('../src/lib/reconcile/reconcile-billing');

const services = createBillingServices(env, { timeoutMs: env.BILLING_UPSTREAM_TIMEOUT_MS });
const report = await reconcileBilling(services, { since: Math.floor(Date.now() / 1000) - days * 86_400 });
for (const f of report.fixed) console.log(`fixed     ${f.kind === 'session' ? f.id : `${f.id} (${f.type})`}: ${f.outcome}`);
for (const u of report.unmatched) {
  const amount = u.amountCents == null ? '?' : `${(u.amountCents / 100).toFixed(2)} ${u.currency?.toUpperCase() ?? ''}`;
  console.log(`unmatched ${u.stripeCheckoutSessionId}: ${u.reason} (${amount}, buyer ${u.clerkUserId ?? 'unknown'})`);
}
console.log(`reconcile: last ${days} days, sessions=${report.sessionsChecked} events=${report.eventsChecked} fixed=${report.fixed.length} unmatched=${report.unmatched.length}`);
