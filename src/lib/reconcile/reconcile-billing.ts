// Reconciliation: sweeps Stripe for what the webhook may have missed (an outage longer than Stripe's retries, a
// wrongly rotated secret) and runs it through the same fulfilment and reversal code. Idempotent by construction:
// every write is keyed (session, refund, dispute), so a second run changes nothing.
//
// It scales with sales, not with time: it sweeps from the watermark (where the last complete sweep ended), not a
// fixed 7 days; undelivered events first (the likely misses, one per charge or dispute: each re-reads it whole), then
// paid sessions, skipping with ONE query per page those already credited or recorded as unmatched; at most `concurrency`
// Stripe calls in flight; and it stops starting pages once its time budget is spent, saving the page cursor so the next
// run continues the same sweep.
//
// Nobody waits on a sweep, so a rate-limited Stripe call retries longer than on the buyer's or the webhook's path (4 s):
// with four calls in flight against a per-endpoint limit, one call's growing backoff can lose to the others' fresh
// retries for seconds on end, and a sweep that gave up there would redo its page next run.
import type Stripe from 'stripe';
import { findSettledSessions, readReconcileState, saveReconcileState, type ReconcileProgress } from '@/db/reconcile';
import { callUpstream, callStripe } from '@/lib/http';
import { eventSubject, fulfilCheckout, HANDLED_EVENT_TYPES, handleStripeEvent, type FulfilmentDeps } from '@/lib/fulfilment';
import { forEachBounded } from './for-each-bounded';
import { listOpenUnmatched, type OpenUnmatched } from './list-open-unmatched';

export interface ReconcileOptions {
  /** The reconcile_state row (default `stripe`); tests use their own. */
  stateId?: string;
  /** Without a watermark (the first sweep) or with `restartDays`: how far back to look, in days. Default 7. */
  initialDays?: number;
  /** Start a new sweep over this many days, dropping any watermark and any sweep in progress (the script's --days). */
  restartDays?: number;
  /** No page is started after this many milliseconds (default 40 000: the route's maxDuration is 60 s). */
  budgetMs?: number;
  /** Stripe calls in flight at once (default 4). */
  concurrency?: number;
  /** Also stop after this many list pages, as if the budget had run out: deterministic runs for tests. */
  maxPages?: number;
  /** Items per list page (default 100, Stripe's maximum). */
  pageSize?: number;
  now?: () => number;
}

export interface ReconcileReport {
  /** True when the sweep reached its end this run; false: the budget ran out and the next run continues. */
  complete: boolean;
  /** The sweep's window, epoch seconds: events created in [from, until], sessions created from a day earlier. */
  from: number;
  until: number;
  /** Where the last complete sweep ended (after this run). */
  watermark: number | null;
  /** Where this run stopped when not complete: the phase and the last object handled. */
  cursor: { phase: 'events' | 'sessions'; after: string | null } | null;
  eventsChecked: number;
  /** Undelivered events not replayed because an earlier one of this run re-read the same charge or dispute. */
  eventsSkipped: number;
  sessionsListed: number;
  /** Paid sessions already credited or recorded, skipped without a Stripe call. */
  sessionsSkipped: number;
  /** Paid sessions run through fulfilment. */
  sessionsChecked: number;
  /** What this run changed: sessions it credited, events whose reversal or crediting it wrote. */
  fixed: { kind: 'session' | 'event'; id: string; type?: string; outcome: string }[];
  /** Paid sessions still not credited and not resolved by an operator, for a person to resolve. */
  unmatched: OpenUnmatched[];
}

const DAY = 86_400;
// A Checkout Session can be paid up to 24 h after it was created, and lists are by creation time.
const SESSION_LIFETIME_S = DAY;
// Overlap with the previous sweep, for clock skew between Stripe and us.
const OVERLAP_S = 300;
// A rate-limited call retries up to 15 s, and never past 15 s after the last page may start: inside the route's 60 s.
const STRIPE_RETRY_MS = 15_000;
const CHANGED = new Set(['credited', 'reversed', 'reinstated', 'failed']);

type Listed<T> = Stripe.ApiList<T>;

export async function reconcileBilling(deps: FulfilmentDeps, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const { stateId = 'stripe', initialDays = 7, budgetMs = 40_000, concurrency = 4, pageSize = 100, maxPages = Infinity, now = Date.now } = options;
  let pages = 0;
  const spent = () => now() >= deadline || pages++ >= maxPages;
  const deadline = now() + budgetMs;
  const retryEnd = Date.now() + budgetMs + STRIPE_RETRY_MS;
  const stripeRetryDeadline = () => Math.min(Date.now() + STRIPE_RETRY_MS, retryEnd);
  const patient: FulfilmentDeps = { ...deps, stripeRetryDeadline };
  const state = await callUpstream('db', () => readReconcileState(deps.db, stateId));
  const nowS = Math.floor(now() / 1000);
  const restart = options.restartDays !== undefined;
  const watermark = restart ? null : (state?.watermark ?? null);
  const resuming = !restart && state?.sweepUntil != null && state.sweepFrom != null;
  const progress: ReconcileProgress = resuming
    ? { watermark, sweepFrom: state.sweepFrom, sweepUntil: state.sweepUntil, phase: state.phase ?? 'events', cursor: state.cursor }
    : {
        watermark,
        sweepFrom: watermark === null ? nowS - (options.restartDays ?? initialDays) * DAY : watermark - OVERLAP_S,
        sweepUntil: nowS,
        phase: 'events',
        cursor: null,
      };
  const from = progress.sweepFrom!;
  const until = progress.sweepUntil!;
  const report: ReconcileReport = {
    complete: false, from, until, watermark, cursor: null,
    eventsChecked: 0, eventsSkipped: 0, sessionsListed: 0, sessionsSkipped: 0, sessionsChecked: 0, fixed: [], unmatched: [],
  };

  // Charges and disputes this run has re-read: their other events would re-read them again and change nothing.
  const reread = new Set<string>();
  try {
    while (progress.phase === 'events') {
      if (spent()) break;
      const page: Listed<Stripe.Event> = await callStripe(() =>
        deps.stripe.events.list({
          delivery_success: false, created: { gte: from, lte: until }, types: HANDLED_EVENT_TYPES, limit: pageSize,
          ...(progress.cursor ? { starting_after: progress.cursor } : {}),
        }),
        { deadline: stripeRetryDeadline() },
      );
      await forEachBounded(page.data, concurrency, async (event) => {
        // Claimed before the first await, so two events of one charge in flight at once are not both replayed.
        const subject = eventSubject(event);
        if (subject !== null && reread.has(subject)) {
          report.eventsSkipped++;
          return;
        }
        if (subject !== null) reread.add(subject);
        const result = await handleStripeEvent(event, patient);
        report.eventsChecked++;
        if (CHANGED.has(result.outcome)) report.fixed.push({ kind: 'event', id: event.id, type: event.type, outcome: result.outcome });
      });
      progress.cursor = page.data.at(-1)?.id ?? progress.cursor;
      if (!page.has_more) Object.assign(progress, { phase: 'sessions', cursor: null });
    }
    while (progress.phase === 'sessions') {
      if (spent()) break;
      const page: Listed<Stripe.Checkout.Session> = await callStripe(() =>
        deps.stripe.checkout.sessions.list({
          status: 'complete', created: { gte: from - SESSION_LIFETIME_S, lte: until }, limit: pageSize,
          ...(progress.cursor ? { starting_after: progress.cursor } : {}),
        }),
        { deadline: stripeRetryDeadline() },
      );
      report.sessionsListed += page.data.length;
      const paid = page.data.filter((s) => s.payment_status === 'paid').map((s) => s.id);
      const settled = await callUpstream('db', () => findSettledSessions(deps.db, paid));
      report.sessionsSkipped += settled.size;
      await forEachBounded(paid.filter((id) => !settled.has(id)), concurrency, async (id) => {
        const result = await fulfilCheckout(id, patient);
        report.sessionsChecked++;
        if (result.outcome === 'credited') report.fixed.push({ kind: 'session', id, outcome: result.outcome });
      });
      progress.cursor = page.data.at(-1)?.id ?? progress.cursor;
      if (!page.has_more) Object.assign(progress, { watermark: until, sweepFrom: null, sweepUntil: null, phase: null, cursor: null });
    }
  } finally {
    // Saved on failure too: the pages finished so far stay finished.
    await callUpstream('db', () => saveReconcileState(deps.db, stateId, progress));
  }
  report.complete = progress.phase === null;
  report.watermark = progress.watermark;
  report.cursor = progress.phase === null ? null : { phase: progress.phase, after: progress.cursor };
  report.unmatched = await listOpenUnmatched(deps.db);
  return report;
}
