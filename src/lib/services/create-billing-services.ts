// Builds the billing services (db, Stripe, Clerk users, price map, URLs) from configuration values, the same way in
// every runtime: the app passes its validated env, the workerd entry its bindings, tests the local stack's env.
import { createDb } from '@/db/client';
import { authenticateSession, createClerkUsers, sessionIdsToRevoke } from '@/lib/identity';
import { buildPriceCatalog, checkoutOptionsFromConfig } from '@/lib/checkout';
import { createStripeClient } from '@/lib/http';

export type BillingConfig = Partial<Record<string, string | number | undefined>>;

export interface UpstreamOptions {
  /** Bound on each upstream call; the Stripe SDK retries within `maxNetworkRetries` attempts of it. */
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

export function createBillingServices(config: BillingConfig, { timeoutMs, maxNetworkRetries }: UpstreamOptions = {}) {
  const required = (name: string): string => {
    const value = config[name];
    if (typeof value !== 'string' || value.length === 0) throw new Error(`billing configuration lacks ${name}`);
    return value;
  };
  const optional = (name: string): string | undefined => {
    const value = config[name];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const appUrl = required('NEXT_PUBLIC_APP_URL');
  const sessionKey = { jwtKey: required('CLERK_JWT_KEY'), authorizedParties: [new URL(appUrl).origin] };
  return {
    db: createDb({ databaseUrl: required('DATABASE_URL'), fetchEndpoint: optional('NEON_FETCH_ENDPOINT'), timeoutMs }),
    stripe: createStripeClient({ secretKey: required('STRIPE_SECRET_KEY'), apiBase: optional('STRIPE_API_BASE'), timeoutMs, maxNetworkRetries }),
    clerk: createClerkUsers({ secretKey: required('CLERK_SECRET_KEY'), apiUrl: optional('CLERK_API_URL') }),
    prices: buildPriceCatalog({ singleFlight: required('STRIPE_PRICE_SINGLE_FLIGHT'), serialEntrepreneur: required('STRIPE_PRICE_SERIAL_ENTREPRENEUR') }),
    appUrl,
    checkoutOptions: checkoutOptionsFromConfig(config),
    /** Signed-in buyer of an API request, verified networkless; tokens minted for another origin are refused. */
    authenticate: authenticateSession(sessionKey),
    /** The sessions a sign-out revokes: the cookies' tokens, signature verified, expiry ignored. */
    sessionIdsToRevoke: (request: Request) => sessionIdsToRevoke(request, sessionKey),
    webhookSecret: required('STRIPE_WEBHOOK_SECRET'),
    // The marker's HMAC key: the Stripe secret key, which Payment Links and Dashboard users never see. Sessions opened
    // before a key roll then fail the check and land in `unmatched` (recorded, alerted, resolved by an adjustment).
    markerKey: required('STRIPE_SECRET_KEY'),
    /** The booking service's bearer secret for /api/credits/service/…; unset refuses every service caller. */
    serviceSecret: optional('CREDITS_SERVICE_SECRET'),
    // src/env.ts validates the app's value (same default); workerd bindings and tests arrive here unvalidated.
    holdTtlSeconds: Number(config.CREDIT_HOLD_TTL_SECONDS ?? 900),
  };
}

export type BillingServices = ReturnType<typeof createBillingServices>;
