// GET /api/billing/reconcile — Vercel Cron's entry to reconciliation (vercel.json `crons`), guarded by CRON_SECRET.
import { env } from '@/env';
import { handleReconcile } from '@/lib/reconcile';
import { jsonLogger } from '@/lib/http';
import { billingServices } from '@/lib/services';

export const runtime = 'edge';

export function GET(request: Request): Promise<Response> {
  return handleReconcile(request, { ...billingServices(), cronSecret: env.CRON_SECRET, log: jsonLogger });
}
