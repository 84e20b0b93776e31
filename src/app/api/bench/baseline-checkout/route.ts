// POST /api/bench/baseline-checkout — the plan's sequential checkout as a real route of this app, so `npm run bench`
// compares like with like (404 unless BILLING_BENCH_ROUTES=1). Authenticates exactly as the checkout route does.
import { NextResponse } from 'next/server';
import { env } from '@/env';
import { baselineCheckout } from '@/lib/bench';
import { billingServices } from '@/lib/services';

export const runtime = 'edge';

export async function POST(request: Request): Promise<Response> {
  if (env.BILLING_BENCH_ROUTES !== '1') return new Response(null, { status: 404 });
  const services = billingServices();
  const identity = await services.authenticate(request);
  if (!identity) return new Response(null, { status: 401 });
  return NextResponse.redirect(await baselineCheckout(services, identity.clerkUserId, services.prices[0]!), 303);
}
