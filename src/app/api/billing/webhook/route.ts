// POST /api/billing/webhook — Stripe's events in; fulfils paid checkouts exactly once. Not behind Clerk (see middleware).
import { handleStripeWebhook } from '@/lib/fulfilment';
import { jsonLogger } from '@/lib/http';
import { billingServices } from '@/lib/services';

export const runtime = 'edge';

export function POST(request: Request): Promise<Response> {
  return handleStripeWebhook(request, { ...billingServices(), log: jsonLogger });
}
