// `npm run billing:reconcile`: the same sweep as the cron route (src/lib/reconcile), run until it is complete: from the
// watermark, undelivered events first, then paid sessions, through the app's fulfilment and reversal code; prints
// what each run fixed, what is still unmatched, and where the sweep ended. Safe to re-run.
// `--days=N` starts a fresh sweep over the last N days (dropping the watermark and any sweep in progress).
import './load-local-env';

const arg = process.argv.slice(2).find((a) => a.startsWith('--days'));
const days = arg === undefined ? undefined : Number(/^--days=(\d+)$/.exec(arg)?.[1] ?? NaN);
if (days !== undefined && !(days >= 1 && days <= 30)) {
  console.error('billing:reconcile: --days=N takes a whole number of days from 1 to 30 (Stripe lists undelivered events for 30 days).');
  process.exit(2);
}
const { env } = await import('../src/env');
const { createBillingServices } = await import('../src/lib/services/create-billing-services');
const { reconcileBilling } = await import('../src/lib/reconcile/reconcile-billing');
const { formatMoneyCode } = await import('../src/lib/receipts/format-money-code');

const services = createBillingServices(env, { timeoutMs: env.BILLING_UPSTREAM_TIMEOUT_MS });
for (let run = 1; ; run++) {
  const report = await reconcileBilling(services, run === 1 && days !== undefined ? { restartDays: days } : {});
  for (const f of report.fixed) console.log(`fixed     ${f.kind === 'session' ? f.id : `${f.id} (${f.type})`}: ${f.outcome}`);
  const window = `${new Date(report.from * 1000).toISOString()} .. ${new Date(report.until * 1000).toISOString()}`;
  console.log(`run ${run}: ${window} complete=${report.complete} events=${report.eventsChecked} events_skipped=${report.eventsSkipped} sessions=${report.sessionsListed} skipped=${report.sessionsSkipped} checked=${report.sessionsChecked} fixed=${report.fixed.length}`);
  if (!report.complete) continue;
  for (const u of report.unmatched) {
    const amount = u.amountCents == null ? '?' : formatMoneyCode(u.amountCents, u.currency ?? '');
    console.log(`unmatched ${u.stripeCheckoutSessionId}: ${u.reason} (${amount}, buyer ${u.clerkUserId ?? 'unknown'})`);
  }
  console.log(`reconcile: complete, watermark ${new Date(report.watermark! * 1000).toISOString()}, unmatched=${report.unmatched.length} (npm run billing:unmatched)`);
  break;
}
