// POST /api/billing/checkout — send a signed-in buyer to Stripe Checkout (303, or {url} for JSON callers).
import { auth } from '@clerk/nextjs/server';
import { after } from 'next/server';
import { handleCheckout } from '@/lib/billing/handle-checkout';
import { identityFromClaims } from '@/lib/billing/identity';
import { jsonLogger } from '@/lib/billing/request-context';
import { billingServices } from '@/lib/billing/services';

export const runtime = 'edge';

function checkout(request: Request): Promise<Response> {
  return handleCheckout(request, {
    ...billingServices(),
    authenticate: async () => {
      const { userId, sessionClaims } = await auth();
      return identityFromClaims(userId, sessionClaims);
    },
    waitUntil: (work) => after(work),
    log: jsonLogger,
  });
}

export const POST = checkout;
// Other methods get the same JSON 405 as every other billing error, instead of Next's empty one.
export const GET = checkout;
export const PUT = checkout;
export const PATCH = checkout;
export const DELETE = checkout;
