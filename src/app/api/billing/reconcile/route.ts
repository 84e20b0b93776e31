// GET /api/billing/reconcile — Vercel Cron's entry to reconciliation (vercel.json `crons`), guarded by CRON_SECRET.
// Node, not edge: an edge function must begin to answer within 25 s, and a sweep (Stripe pages plus fulfilment of
// what was missed) may need longer; on Node it may run for maxDuration (60 s, allowed on every plan), and the sweep's
// own 40 s budget stops it cleanly before that, recording where it stopped for the next run.
import { env } from '@/env';
import { handleReconcile } from '@/lib/reconcile';
import { jsonLogger } from '@/lib/http';
import { billingServices } from '@/lib/services';

export const runtime = 'nodejs';
export const maxDuration = 60;

export function GET(request: Request): Promise<Response> {
  return handleReconcile(request, { ...billingServices(), cronSecret: env.CRON_SECRET, log: jsonLogger });
}
