// POST /api/billing/checkout — send a signed-in buyer to Stripe Checkout (303, or {url} for JSON callers).
// Not behind clerkMiddleware (see proxy.ts): the core verifies the session itself, which costs a fraction of the
// proxy's CPU and keeps @clerk/nextjs out of this function's bundle.
import { after } from 'next/server';
import { handleCheckout } from '@/lib/checkout';
import { jsonLogger } from '@/lib/http';
import { billingServices } from '@/lib/services';

export const runtime = 'edge';

function checkout(request: Request): Promise<Response> {
  return handleCheckout(request, { ...billingServices(), waitUntil: (work) => after(work), log: jsonLogger });
}

export const POST = checkout;
// Other methods get the same JSON 405 as every other billing error, instead of Next's empty one.
export const GET = checkout;
export const PUT = checkout;
export const PATCH = checkout;
export const DELETE = checkout;
