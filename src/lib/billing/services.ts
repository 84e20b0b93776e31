// The app's billing services, built once per isolate from the validated environment. Routes and pages use these;
// tests and other runtimes build the same services from their own configuration instead.
import 'server-only';
import { createDb } from '@/db/client';
import { env } from '@/env';
import { createClerkUsers } from './clerk-users';
import { buildPriceCatalog } from './price-config';
import { createStripeClient } from './stripe';

function build() {
  return {
    db: createDb({ databaseUrl: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT, timeoutMs: env.BILLING_UPSTREAM_TIMEOUT_MS }),
    stripe: createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE, timeoutMs: env.BILLING_UPSTREAM_TIMEOUT_MS }),
    clerk: createClerkUsers({ secretKey: env.CLERK_SECRET_KEY, apiUrl: env.CLERK_API_URL }),
    prices: buildPriceCatalog({ singleFlight: env.STRIPE_PRICE_SINGLE_FLIGHT, serialEntrepreneur: env.STRIPE_PRICE_SERIAL_ENTREPRENEUR }),
    appUrl: env.NEXT_PUBLIC_APP_URL,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
  };
}

let services: ReturnType<typeof build> | undefined;

/** Lazily, so importing a route module (e.g. during `next build`) opens no clients. */
export function billingServices() {
  return (services ??= build());
}
