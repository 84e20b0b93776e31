// GET /api/billing/reconcile's core: Vercel Cron calls it with `Authorization: Bearer $CRON_SECRET`; anyone else gets
// 401 before any Stripe or database call. Without a configured secret the route does not exist (404). The answer says
// how far the sweep got: `complete`, the counts, the watermark and, when the budget ran out, the cursor.
import { BillingError, respondLogged } from '@/lib/http';
import type { FulfilmentDeps } from '@/lib/fulfilment';
import { reconcileBilling, type ReconcileOptions } from './reconcile-billing';
import type { Logger } from '@/lib/http';

export interface ReconcileDeps extends FulfilmentDeps {
  cronSecret: string | undefined;
  log: Logger;
  /** The sweep's settings (state row, budget, parallelism); the defaults suit the route's 60 s maxDuration. */
  reconcile?: ReconcileOptions;
}

function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [new TextEncoder().encode(given), new TextEncoder().encode(expected)];
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function handleReconcile(request: Request, deps: ReconcileDeps): Promise<Response> {
  return respondLogged(request, 'reconcile', deps.log, async (facts) => {
    if (!deps.cronSecret) throw new BillingError('not_found', 'Not found.');
    if (request.method !== 'GET' && request.method !== 'POST') throw new BillingError('method_not_allowed', 'Use GET.');
    const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
    if (!sameSecret(given, deps.cronSecret)) throw new BillingError('unauthenticated', 'This route is for the scheduled reconciliation only.');
    const report = await reconcileBilling(deps, deps.reconcile);
    Object.assign(facts, {
      complete: report.complete, watermark: report.watermark, fixed: report.fixed.length, unmatched: report.unmatched.length,
      sessions: report.sessionsListed, skipped: report.sessionsSkipped, checked: report.sessionsChecked, events: report.eventsChecked,
      eventsSkipped: report.eventsSkipped,
    });
    if (report.unmatched.length > 0) facts.alert = 'unmatched_checkout';
    return { response: Response.json(report), outcome: 'reconciled' };
  });
}
