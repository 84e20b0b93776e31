// The test side of the local stack: the control client, and the billing services built from the stack's env the
// same way src/lib/billing/services.ts builds them from the app's.
import { inject } from 'vitest';
import { controlClient } from '@local/control';
import { createDb } from '@/db/client';
import { createClerkUsers } from '@/lib/billing/clerk-users';
import { buildPriceCatalog } from '@/lib/billing/price-config';
import { createStripeClient } from '@/lib/billing/stripe';

export const stack = controlClient(inject('controlUrl'));

export async function servicesFromStack(overrides: { timeoutMs?: number; maxNetworkRetries?: number } = {}) {
  const env = await stack.env();
  return {
    env,
    db: createDb({ databaseUrl: env.DATABASE_URL!, fetchEndpoint: env.NEON_FETCH_ENDPOINT, timeoutMs: overrides.timeoutMs ?? 5_000 }),
    stripe: createStripeClient({ secretKey: env.STRIPE_SECRET_KEY!, apiBase: env.STRIPE_API_BASE, timeoutMs: overrides.timeoutMs ?? 5_000, maxNetworkRetries: overrides.maxNetworkRetries }),
    clerk: createClerkUsers({ secretKey: env.CLERK_SECRET_KEY!, apiUrl: env.CLERK_API_URL }),
    prices: buildPriceCatalog({ singleFlight: env.STRIPE_PRICE_SINGLE_FLIGHT!, serialEntrepreneur: env.STRIPE_PRICE_SERIAL_ENTREPRENEUR! }),
    appUrl: env.NEXT_PUBLIC_APP_URL!,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET!,
  };
}

let counter = 0;
/** A Clerk-looking user id unique to this run, so tests never share buyers. */
export const newClerkUserId = (label = 'buyer') => `user_${label}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
