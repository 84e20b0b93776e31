// The plan's checkout algorithm, strictly sequential, as the benchmark's baseline (served by /api/bench/baseline-checkout
// so it pays for HTTP, the router and the edge sandbox like the real route): read the user, create the customer,
// persist it, and only then create the session. Same clients and stand-ins as the real core.
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import { findUserByClerkId, saveStripeCustomerId } from '@/db/checkout';
import { createCheckoutSession } from '@/lib/checkout';
import type { PriceConfig } from '@/lib/checkout';

export async function baselineCheckout(deps: { db: Db; stripe: Stripe; appUrl: string; markerKey: string }, clerkUserId: string, price: PriceConfig): Promise<string> {
  const user = await findUserByClerkId(deps.db, clerkUserId);
  if (!user) throw new Error('baseline needs an existing user row');
  let customerId = user.stripeCustomerId;
  if (!customerId) {
    customerId = (await deps.stripe.customers.create({ email: user.email, metadata: { clerkUserId } })).id;
    await saveStripeCustomerId(deps.db, user.id, customerId);
  }
  const session = await createCheckoutSession(deps.stripe, deps.markerKey, { price, customerId, appUserId: user.id, clerkUserId, appUrl: deps.appUrl });
  return session.url!;
}
