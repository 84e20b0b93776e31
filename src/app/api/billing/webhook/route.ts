// POST /api/billing/webhook — Stripe's events in; fulfils paid checkouts exactly once. Not behind Clerk (see middleware).
import { handleStripeWebhook } from '@/lib/billing/handle-stripe-webhook';
import { jsonLogger } from '@/lib/billing/request-context';
import { billingServices } from '@/lib/billing/services';

export const runtime = 'edge';

export function POST(request: Request): Promise<Response> {
  return handleStripeWebhook(request, { ...billingServices(), log: jsonLogger });
}
